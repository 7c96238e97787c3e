"""Responsibility matrix per item and step (seed 003 二(三)4)."""
