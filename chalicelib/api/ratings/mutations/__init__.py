"""Rating mutations: one module per mutation."""
