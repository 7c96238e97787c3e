"""Calendar mutations: one module per mutation."""
