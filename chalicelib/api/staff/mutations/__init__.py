"""Staff mutations: one module per mutation."""
