"""Inspections by the supervising department (事中事后监管, 监管结果抄告; seed 002)."""
