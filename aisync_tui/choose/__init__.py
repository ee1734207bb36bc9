"""Choosing a model: what a workload costs on a model, which models can do it cheapest, what the
user's own usage would have cost elsewhere, and which models are going away.

Pure arithmetic in `cost`; the store reads it needs in `store/candidates.py`. The faces (CLI,
MCP server, app) format and ask; they never compute a price themselves.
"""
