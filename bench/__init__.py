"""Benchmarks: `make bench` runs every bench/bench_*.py module's `main()`.

Each benchmark prints its own rate and a ratio against a baseline measured in the same run.
"""
