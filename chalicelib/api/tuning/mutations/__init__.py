"""Local tuning mutations: one module per mutation."""
