"""aisync-tui: keep a local catalog of AI models, prices and spend in sync with the providers."""

__version__ = "0.1.0"
