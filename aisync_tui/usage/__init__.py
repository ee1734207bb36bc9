"""Usage and spend: import what was used from where users already have it, price it at the time it
happened, and summarise it (`stats`).

Sources: the `llm` tool's logs.db (`llm_logs`), the OpenAI and Anthropic organization admin APIs
(`openai_admin`, `anthropic_admin`), CSV / JSONL files (`files`), and applications calling
`record()` directly. Importers are loaded only when used, so importing this package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime
    from decimal import Decimal

    from .records import RecordedUsage

__all__ = ["record"]


class RecordOptions(TypedDict, total=False):
    """The optional keywords of `record` (see `aisync_tui.usage.records.record`)."""

    requests: int | None
    cached_tokens: int
    cost_usd: Decimal | str | int | float | None
    ts: datetime | str | None
    ref: str | None
    database: str | None


def record(provider: str, model: str, input_tokens: int, output_tokens: int, **options: Unpack[RecordOptions]) -> RecordedUsage:
    """Record one use of a model; see `aisync_tui.usage.records.record` for the keywords."""
    from .records import record as _record

    return _record(provider, model, input_tokens, output_tokens, **options)
