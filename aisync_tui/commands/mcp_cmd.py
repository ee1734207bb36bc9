"""`aisync mcp`: its options. The server and its handler are `aisync_tui.mcp_server` (an entry
point, above the commands); it needs the `[mcp]` extra."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    from ._base import add_common

    p = sub.add_parser(
        "mcp",
        help="serve the catalog to agents over MCP (stdio, read-only)",
        description="An MCP server on stdin/stdout with read-only tools: list_models, model_info, cost, cheapest, usage_summary. "
        "Needs the [mcp] extra. Add it to an agent as the command `aisync mcp`.",
    )
    add_common(p)
    p.set_defaults(handler=None)  # cli.py runs it: mcp_server.run_mcp
