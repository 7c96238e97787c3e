"""Conduct mutations: one module per mutation."""
