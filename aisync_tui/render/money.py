"""Exact money formatting: Decimal in, text out, no float anywhere.

$0.0000025 per token is "$2.50" per 1M and "$0.0025" per 1K. Unknown is "—" (or None in JSON),
never "$0".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

UNITS = {"1m": Decimal(1_000_000), "1k": Decimal(1_000)}
UNIT_LABEL = {"1m": "1M", "1k": "1K"}
UNIT_WORDS = {"1m": "1M tokens", "1k": "1K tokens"}
UNKNOWN = "—"


def scale(per_token: Decimal | None, per: str = "1m") -> Decimal | None:
    if per_token is None:
        return None
    return per_token * UNITS[per]


def plain(amount: Decimal) -> str:
    """Exact decimal text with at least two places: 2.5 -> 2.50, 0.00025 -> 0.00025, 3 -> 3.00."""
    text = format(amount.normalize(), "f") if amount != 0 else "0"
    if "." not in text:
        return text + ".00"
    whole, frac = text.split(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def usd(amount: Decimal | None) -> str:
    if amount is None:
        return UNKNOWN
    sign = "-" if amount < 0 else ""
    return f"{sign}${plain(abs(amount))}"


def usd_grouped(amount: Decimal | None, places: int = 2) -> str:
    """Totals: $1,234.57 (rounded for reading; the exact value is in JSON)."""
    if amount is None:
        return UNKNOWN
    q = Decimal(1).scaleb(-places)
    try:
        rounded = amount.quantize(q) if amount >= q or amount == 0 else amount.normalize()
    except InvalidOperation:  # more digits than the context holds: no rounding to do anyway
        return f"${amount:,.{places}f}" if amount.adjusted() < 40 else f"${amount:.3e}"
    if rounded == amount.normalize() and amount < q and amount != 0:
        return f"${plain(amount)}"
    return f"${rounded:,.{places}f}"


def token_price(per_token: Decimal | None, per: str = "1m") -> str:
    """"$2.50" for a per-token price shown per 1M (or 1K) tokens."""
    return usd(scale(per_token, per))


def json_number(value: Decimal | None) -> float | int | None:
    """JSON needs a number; keep as exact as JSON allows (the text form is also offered)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def json_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f") if value != 0 else "0"
