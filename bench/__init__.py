"""Benchmarks for aisync-tui. Run by hand: `python -m bench.run_all` from the repo root."""
