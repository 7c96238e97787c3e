"""Counterpart oversight mutations: one module per mutation."""
