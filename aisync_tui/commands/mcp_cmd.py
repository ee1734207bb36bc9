"""`aisync mcp`: serve the catalog to agents over MCP (stdio). Needs the `[mcp]` extra."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._base import Context, Subparsers


def register(sub: Subparsers) -> None:
    from ._base import add_common

    p = sub.add_parser(
        "mcp",
        help="serve the catalog to agents over MCP (stdio, read-only)",
        description="An MCP server on stdin/stdout with read-only tools: list_models, model_info, cost, cheapest, usage_summary. "
        "Needs the [mcp] extra. Add it to an agent as the command `aisync mcp`.",
    )
    add_common(p)
    p.set_defaults(handler=run_mcp)


def run_mcp(ctx: Context) -> int:
    from ..errors import UsageError
    from .mcp_server import EXTRA_HINT

    try:
        import mcp.server.mcpserver  # noqa: F401
    except ImportError:
        raise UsageError("the MCP server needs the official MCP SDK, which is not installed", hint=f"install the extra: {EXTRA_HINT}") from None
    from .mcp_server import build_server

    server, store = build_server(ctx.settings)
    try:
        server.run("stdio")
    finally:
        store.close()
    return 0
