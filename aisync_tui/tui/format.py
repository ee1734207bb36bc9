"""Cell formatting for the app: relative times, exact prices, limits. Pure Python (no Textual),
so it is cheap to test and the virtual table can call it for just the rows on screen.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import domain
from ..render import money


def now() -> datetime:
    """The app's clock. Goes through `domain.utcnow` at call time so tests can freeze it."""
    return domain.utcnow()


def parse_time(value: Any) -> datetime | None:
    """A stored time (driver text such as '2025-06-01 11:48:00' or a datetime) as aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return domain.as_utc(value)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return domain.as_utc(parsed)


def ago(value: Any, reference: datetime | None = None) -> str:
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


def when(value: Any) -> str:
    """Absolute UTC time for detail views: '2025-06-01 11:48 UTC'."""
    parsed = parse_time(value)
    return "—" if parsed is None else parsed.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def price(value: Any, per: str = "1m") -> str:
    """Exact price per 1M (or 1K) tokens from a per-token decimal (text or Decimal)."""
    return money.token_price(decimal(value), per)


def tier(input_value: Any, output_value: Any) -> str:
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
