"""Oversight mutations: one module per mutation."""
