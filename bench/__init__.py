"""Benchmarks: every figure is a ratio against a floor measured in the same run (see README.md).

python -m bench.run_all [--quick]
python -m bench.cold_start [--quick]
python -m bench.request [--quick] [--profile 50]
"""
