"""Duty mutations: one module per mutation."""
