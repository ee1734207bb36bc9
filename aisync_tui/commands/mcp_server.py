"""`aisync mcp`: the catalog for agents, over MCP on stdio, with the official Python SDK (the
optional `[mcp]` extra). Every tool is read-only and answers from the store: listing and filtering
models, one model's details, the cost of a workload, the cheapest models for it, and a usage
summary. The answers are the same JSON the CLI prints with `--format json`.

Tools are coroutines that do their (short) store reads on the event loop's thread: one store
connection for the whole server, as everywhere else in the program.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Mapping

# At run time, not only for the type checker: the SDK reads the tools' annotations to describe them.
from ..jsonvalue import JSON, JSONOut

if TYPE_CHECKING:
    from datetime import datetime

    from mcp.server.mcpserver import MCPServer

    from ..choose.cost import Workload
    from ..config import Settings
    from ..store.candidates import Candidate
    from ..store.db import Store

EXTRA_HINT = "pip install 'aisync-tui[mcp]'"
#: The most rows one answer carries: an agent's context is not the place for the whole catalog.
MAX_ROWS = 500


def _tool_error() -> type[Exception]:
    """The SDK's error for a bad tool call: the agent gets the message, not a crash report."""
    from mcp.server.mcpserver.exceptions import ToolError

    return ToolError


def _quantity(name: str, value: JSON) -> int | Decimal:
    """One non-token quantity of a tool call: a whole number, or for seconds a decimal one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise _tool_error()(f"{name} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise _tool_error()(f"{name} must be a finite number")
    return number if "seconds" in name else int(number)


def _workload(input_tokens: int, output_tokens: int, cached_tokens: int, requests: int, units: Mapping[str, JSON]) -> Workload:
    """A Workload from a tool call's arguments; `units` are the non-token quantities by name."""
    from ..choose.cost import Workload

    def count(name: str) -> int:
        return int(_quantity(name, units.get(name, 0)))

    def seconds(name: str) -> Decimal:
        return Decimal(_quantity(name, units.get(name, 0)))

    w = Workload(
        input_tokens=int(input_tokens), output_tokens=int(output_tokens), cached_tokens=int(cached_tokens), requests=int(requests),
        input_images=count("input_images"), images=count("images"),
        input_seconds=seconds("input_seconds"), output_seconds=seconds("output_seconds"),
        input_characters=count("input_characters"), output_characters=count("output_characters"),
        input_video_seconds=seconds("input_video_seconds"), video_seconds=seconds("video_seconds"),
    )
    limit = 10**15
    counts = (w.input_tokens, w.output_tokens, w.requests, w.input_images, w.images, w.input_characters, w.output_characters)
    if max(counts) > limit or max(w.input_seconds, w.output_seconds, w.input_video_seconds, w.video_seconds) > limit:
        raise _tool_error()(f"counts are limited to {limit:,}")
    problems = w.problems()
    if problems:
        raise _tool_error()(problems[0].replace("--", "").replace("-", "_"))
    return w


def build_server(settings: Settings) -> tuple[MCPServer, Store]:
    """The MCP server over the store named by `settings` (opened now, read only by the tools), and
    that store, for the caller to close when the server ends."""
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    from ..store.db import open_store

    store = open_store(settings.database, create=False)
    read_only = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
    server = MCPServer(
        name="aisync",
        log_level="WARNING",
        instructions="A local catalog of AI models: providers, capabilities, context, dated prices (USD per token) and the user's own usage. "
        "Prices are exact decimal strings; null means unknown, never zero.",
    )

    @server.tool(annotations=read_only)
    async def list_models(
        provider: str | None = None,
        type: str | None = None,
        capabilities: list[str] | None = None,
        min_context: int | None = None,
        search: str | None = None,
        available_only: bool = False,
        limit: int = 50,
    ) -> JSONOut:
        """Models that can still be used (active, deprecated or catalog), filtered: provider, type (chat, embedding, image, ...),
        every named capability (vision, functions, reasoning, ...), minimum context, a substring of the id or name, only the
        models the user's providers list. Sorted by provider then id; at most `limit` (up to 500), with the total that matched."""
        from ..store.candidates import candidates

        found = candidates(
            providers=[provider] if provider else (), type=type, capabilities=capabilities or (), min_context=min_context,
            available=True if available_only else None,
        )
        if search:
            needle = search.lower()
            found = [c for c in found if needle in c.model_id.lower() or needle in (c.name or "").lower()]
        found.sort(key=lambda c: (c.provider, c.model_id))
        shown = found[: max(1, min(int(limit), MAX_ROWS))]
        return {"total": len(found), "models": [_model_json(c) for c in shown]}

    @server.tool(annotations=read_only)
    async def model_info(model: str, provider: str, history: bool = False, usage_days: int = 30) -> JSONOut:
        """Everything about one model (id or an alias its provider states): capabilities, context, current price per
        component, optionally the dated price history, and the user's usage of the last `usage_days` days."""
        from ..render.model_text import info_json
        from ..store.candidates import find
        from ..store.queries import close_matches, get_model
        from ..usage.stats import model_usage

        found = find(model, provider)
        detail = get_model(found.model_id, found.provider) if found else None
        if detail is None:
            return {"error": f"model {model!r} not found for provider {provider!r}", "did_you_mean": [{"id": m, "provider": p} for m, p in close_matches(model, provider)]}
        days = max(1, min(int(usage_days), 3650))
        usage = model_usage(detail.provider, detail.model_id, days=days)
        return info_json(detail, usage=usage, days=days, history=history)

    @server.tool(annotations=read_only)
    async def cost(
        models: list[dict[str, str]],
        input_tokens: int = 0,
        output_tokens: int = 0,
        cached_tokens: int = 0,
        requests: int = 1,
        input_images: int = 0,
        images: int = 0,
        input_seconds: str = "0",
        output_seconds: str = "0",
        input_characters: int = 0,
        output_characters: int = 0,
        input_video_seconds: str = "0",
        video_seconds: str = "0",
        at: str | None = None,
    ) -> list[JSONOut]:
        """What a workload costs on each model: `models` is a list of {"id": ..., "provider": ...}; tokens, images,
        seconds (of audio; video_seconds of video) and characters are per request, times `requests`; input_tokens
        includes cached_tokens. `at` (YYYY-MM-DD) prices at the
        price in force then. Exact decimal strings; a component without a price makes cost_usd null and is in `missing`."""
        from ..choose.advice import NotFound, cost_of

        w = _workload(input_tokens, output_tokens, cached_tokens, requests, {
            "input_images": input_images, "images": images, "input_seconds": input_seconds, "output_seconds": output_seconds,
            "input_characters": input_characters, "output_characters": output_characters,
            "input_video_seconds": input_video_seconds, "video_seconds": video_seconds,
        })
        when = _at(at) if at else None
        pairs = [(str(m.get("id", "")), str(m.get("provider", ""))) for m in models[:MAX_ROWS]]
        out: list[JSONOut] = []
        for r in cost_of(pairs, w, at=when):
            if isinstance(r, NotFound):
                out.append({"id": r.model_id, "provider": r.provider, "error": "not found", "did_you_mean": [{"id": m, "provider": p} for m, p in r.suggestions]})
            else:
                out.append(r.to_json())
        return out

    @server.tool(annotations=read_only)
    async def cheapest(
        input_tokens: int = 0,
        output_tokens: int = 0,
        cached_tokens: int = 0,
        requests: int = 1,
        input_images: int = 0,
        images: int = 0,
        input_seconds: str = "0",
        output_seconds: str = "0",
        input_characters: int = 0,
        output_characters: int = 0,
        input_video_seconds: str = "0",
        video_seconds: str = "0",
        capabilities: list[str] | None = None,
        min_context: int | None = None,
        type: str | None = None,
        providers: list[str] | None = None,
        available_only: bool = False,
        top: int = 10,
    ) -> JSONOut:
        """The models that can run a workload, cheapest first (ties: larger context, then id): every named capability,
        at least `min_context`. Models without a known price for the workload are left out and counted in `unpriced`."""
        from ..choose.advice import cheapest as rank

        w = _workload(input_tokens, output_tokens, cached_tokens, requests, {
            "input_images": input_images, "images": images, "input_seconds": input_seconds, "output_seconds": output_seconds,
            "input_characters": input_characters, "output_characters": output_characters,
            "input_video_seconds": input_video_seconds, "video_seconds": video_seconds,
        })
        ranking = rank(
            w, providers=providers or (), type=type, capabilities=capabilities or (), min_context=min_context,
            available=True if available_only else None, top=max(1, min(int(top), MAX_ROWS)),
        )
        return {"ranked": [r.to_json() for r in ranking.ranked], "matched": ranking.considered, "unpriced": ranking.unpriced}

    @server.tool(annotations=read_only)
    async def usage_summary(days: int = 30, provider: str | None = None, top: int = 10) -> JSONOut:
        """The user's own usage and spend over the last `days` UTC days (today included): totals, per provider, per model,
        top models by cost, daily series. Costs the store could not price are counted as unpriced, never as zero."""
        from ..usage.stats import usage_summary as summary
        from .usage import report_json

        return report_json(summary(max(1, min(int(days), 3650)), provider=provider), max(1, min(int(top), MAX_ROWS)))

    return server, store


def _at(text: str) -> datetime:
    from ..choose.advice import price_date
    from ..errors import UsageError

    try:
        return price_date(text)
    except UsageError as exc:
        raise _tool_error()(exc.line()) from None


def _model_json(c: Candidate) -> JSONOut:
    from ..choose.cost import decimal_text

    price = c.price
    return {
        "provider": c.provider, "id": c.model_id, "name": c.name, "type": c.type, "status": c.status,
        "context_length": c.context_length, "max_output_tokens": c.max_output_tokens, "capabilities": list(c.capabilities),
        "available": c.available, "deprecated_at": c.deprecated_at.strftime("%Y-%m-%d") if c.deprecated_at else None,
        "pricing_usd": None if price is None else {k: decimal_text(v) for k, v in price.components().items()},
    }
