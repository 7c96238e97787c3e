"""One module per inspection mutation."""
