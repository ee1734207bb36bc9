"""Cell formatting for the app: relative times, exact prices, limits. Pure Python (no Textual),
so it is cheap to test and the virtual table can call it for just the rows on screen.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from .. import domain
from ..render import money

if TYPE_CHECKING:
    from rich.text import Text

    from ..jsonvalue import JSON


def now() -> datetime:
    """The app's clock. Goes through `domain.utcnow` at call time so tests can freeze it."""
    return domain.utcnow()


def parse_time(value: object) -> datetime | None:
    """A stored time (driver text such as '2025-06-01 11:48:00' or a datetime) as aware UTC."""
    return domain.stored_time(value)


def ago(value: object, reference: datetime | None = None) -> str:
    """'just now', '12 min ago', '3 h ago', '5 days ago'; '—' for never."""
    when = parse_time(value)
    if when is None:
        return "never"
    ref = reference or now()
    seconds = int((ref - when).total_seconds())
    if seconds < 0:
        return "just now" if seconds > -60 else when.strftime("%Y-%m-%d")
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400 * 2:
        return f"{seconds // 3600} h ago"
    if seconds < 86400 * 60:
        return f"{seconds // 86400} days ago"
    return when.strftime("%Y-%m-%d")


def when(value: object) -> str:
    """Absolute UTC time for detail views: '2025-06-01 11:48 UTC'."""
    parsed = parse_time(value)
    return "—" if parsed is None else parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def price(value: object, per: str = "1m") -> str:
    """Exact price per 1M (or 1K) tokens from a per-token decimal (text or Decimal)."""
    return money.token_price(decimal(value), per)


def workload_usd(value: float | None) -> str:
    """A workload's cost from float prices, for the table: "$12.35", "$0.0042"; "—" when unknown."""
    if value is None:
        return "—"
    if value >= 1000:
        return f"${value:,.0f}"
    if value >= 0.01 or value == 0:
        return f"${value:,.2f}"
    return f"${value:.2g}" if value >= 0.0001 else f"${value:.1e}"


def tier(input_value: object, output_value: object) -> str:
    return domain.cost_tier(decimal(input_value), decimal(output_value)) or "—"


def tokens(value: int | None) -> str:
    """Context and output limits: 128K, 1M, 1.05M, 8,191 stays exact below 10K."""
    if value is None:
        return "—"
    if value >= 1_000_000:
        text = f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".")
        return f"{text}M"
    if value >= 10_000:
        if value % 1024 == 0 and value % 1000:
            return f"{value // 1024:,}K"  # 131072 is "128K" in every provider's docs
        return f"{round(value / 1000):,}K"
    return f"{value:,}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f}s"
    return f"{int(seconds // 60)}m {int(seconds % 60):02d}s"


def plain(text: object, limit: int | None = None, style: str = "") -> Text:
    """Outside text (an id, a name, an error) as a Rich Text: inert for the terminal and never
    read as markup, so `[/]` in a model id is shown, not parsed."""
    from rich.text import Text

    from ..render.inert import inert

    return Text(inert(text, limit), style=style)


def change_words(field: str, old: str | None, new: str | None, per: str = "1m") -> str:
    """A stored change (JSON text) in words: a price shows only the components that changed, in
    the user's unit ("input $3.00 → $2.50"); a set shows what left and what came (−caching +fim)."""
    from ..domain import COMPONENT_LABELS
    from ..jsonvalue import decode
    from ..render.inert import inert

    def load(value: str | None) -> JSON:
        if value is None:
            return None
        try:
            return decode(value)
        except ValueError:
            return value

    a, b = load(old), load(new)
    if isinstance(a, dict) or isinstance(b, dict):
        a, b = a if isinstance(a, dict) else {}, b if isinstance(b, dict) else {}
        parts = []
        for key in sorted(set(a) | set(b)):
            if a.get(key) == b.get(key):
                continue
            label = COMPONENT_LABELS.get(key, key).lower()
            parts.append(f"{label} {_price_word(a.get(key), per)} → {_price_word(b.get(key), per)}")
        return inert(", ".join(parts) or "no change")
    if isinstance(a, list) or isinstance(b, list):
        before = {str(x) for x in a} if isinstance(a, list) else set()
        after = {str(x) for x in b} if isinstance(b, list) else set()
        words = [f"−{x}" for x in sorted(before - after)] + [f"+{x}" for x in sorted(after - before)]
        return inert(" ".join(words) or "no change")
    return inert(f"{'—' if a is None else a} → {'—' if b is None else b}")


def _price_word(value: JSON, per: str) -> str:
    if value is None:
        return "—"
    try:
        return money.token_price(Decimal(str(value)), per)
    except (InvalidOperation, ValueError):
        return str(value)
