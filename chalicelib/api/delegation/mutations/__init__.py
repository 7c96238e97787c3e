"""Delegation mutations: one module per mutation."""
