"""Idempotent demo data (``load_demo``), loaded by ``flask seed-demo`` (cli.py) and reused by
the tests and benchmarks."""
