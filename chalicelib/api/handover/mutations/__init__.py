"""Handover mutations: one module per mutation."""
