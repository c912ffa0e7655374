"""Benchmarks: `make bench` (or `python -m bench`) prints figures with same-run baselines."""
