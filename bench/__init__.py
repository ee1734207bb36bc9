"""Benchmarks for aisync-tui (issue 8). Run by hand: `python -m bench.run_all` from the repo root."""
