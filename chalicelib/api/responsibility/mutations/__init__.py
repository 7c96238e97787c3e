"""Responsibility mutations: one module per mutation."""
