"""Complaint mutations: one module per mutation."""
