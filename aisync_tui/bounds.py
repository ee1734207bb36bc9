"""Checked conversions for every number, date and string that comes from outside.

Providers, price feeds, usage files, llm's logs.db and the admin APIs are servers and files we do
not control. A value read from them goes through one of these functions before anything else
touches it, so nothing downstream ever sees a 10**30 token limit (SQLite cannot store it), a
`1e+999999999` price (formatting it takes gigabytes), a year-1 date (shifting it overflows) or a
megabyte-long name.

Each function returns the checked value, or None when the value is absent, malformed or out of
range: the field becomes unknown, never 0 and never a guess. A value that was *present* but
refused is reported to the innermost `collect()` block of the current thread, so a sync can say
which values it dropped (`sync-models --verbose`). Length and shape are checked before any
arithmetic or formatting; nothing here raises on any input.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from threading import local
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from .domain import Price, RemoteModel

# ----------------------------------------------------------------------------- ceilings

#: Token limits a provider states (context window, output limit, tier thresholds). The largest
#: real context windows are around 10 million tokens; a thousand times that is still plausible
#: to store, anything above is garbage.
MAX_TOKEN_LIMIT = 10_000_000_000
#: Tokens or requests in one usage record (one call, or one day's bucket of an admin API).
MAX_USAGE_COUNT = 1_000_000_000_000
#: Cost of one usage record, USD.
MAX_USAGE_COST = Decimal(1_000_000_000)
#: Decimal amounts (prices, costs): at most this many characters of text, this many significant
#: digits, and a magnitude between 10**MIN_EXPONENT and 10**MAX_EXPONENT (zero is fine).
MAX_DECIMAL_TEXT = 64
MAX_DECIMAL_DIGITS = 34
MIN_EXPONENT = -30
MAX_EXPONENT = 15
#: Dates from providers and feeds (release, deprecation): 1970 to 2100.
MIN_DATE = datetime(1970, 1, 1, tzinfo=timezone.utc)
MAX_DATE = datetime(2100, 1, 1, tzinfo=timezone.utc)
#: A model id longer than this is not an id: the model is skipped with a warning.
MAX_ID_CHARS = 512
#: Names and owners are cut to this many characters, descriptions to MAX_DESCRIPTION_CHARS.
MAX_NAME_CHARS = 512
MAX_DESCRIPTION_CHARS = 8192
#: Short labels (modalities, units, types): cut; lists of them keep at most MAX_LIST_ITEMS.
MAX_LABEL_CHARS = 64
MAX_LIST_ITEMS = 64

#: A plain decimal number: optional sign, digits with one optional point, optional short
#: exponent. No underscores ("1_000"), no hex ("0x10"), no NaN/Infinity, no 10-digit exponents.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?")
_INT_TEXT = re.compile(r"[+-]?\d{1,30}(?:\.0*)?")


# ----------------------------------------------------------------------------- refusals


@dataclass(frozen=True, slots=True)
class Refusal:
    """One outside value that was present but refused."""

    field: str
    value: str
    """A short, printable preview of what was sent."""
    reason: str

    def line(self) -> str:
        kept = any(word in self.reason for word in ("cut", "skipped", "dropped"))
        return f"{self.field} {self.value} {self.reason}" + ("" if kept else "; shown as unknown")


_state = local()


@contextmanager
def collect() -> Iterator[list[Refusal]]:
    """Collect the refusals made in this thread inside the block (nested blocks see their own)."""
    found: list[Refusal] = []
    outer = getattr(_state, "sink", None)
    _state.sink = found
    try:
        yield found
    finally:
        _state.sink = outer


def preview(value: object, limit: int = 40) -> str:
    """A short form of a refused value (never the whole megabyte); `repr` escapes control
    characters, and every printer passes it through `render.inert` as well."""
    if isinstance(value, str):
        text = value[: limit + 1]
        shown = repr(text[:limit]) + ("…" if len(value) > limit else "")
    elif isinstance(value, int) and not isinstance(value, bool):
        digits = _int_digits(value)
        shown = f"{'-' if value < 0 else ''}({digits}-digit number)" if digits > 24 else str(value)
    else:
        try:
            shown = repr(value)
        except Exception:  # a hostile __repr__ cannot come from JSON, but never fail here
            shown = type(value).__name__
        shown = shown[:limit] + ("…" if len(shown) > limit else "")
    return shown


def refuse(field: str, value: object, reason: str) -> None:
    """Note that `value` for `field` was refused (when a `collect()` block is listening)."""
    sink = getattr(_state, "sink", None)
    if sink is not None and len(sink) < 1000:
        where = getattr(_state, "where", None)
        sink.append(Refusal(f"{preview(where, 80)}: {field}" if where else field, preview(value), reason))


def reading(where: str | None) -> None:
    """Name the item being read (a model id), so refusals say which model they came from."""
    _state.where = where


def _int_digits(value: int) -> int:
    """Decimal digits of `value`; estimated from its bits past Python's 4,300-digit str() limit."""
    n = abs(value)
    if n.bit_length() < 14_000:
        return len(str(n))
    return int(n.bit_length() * 0.30103) + 1


# ----------------------------------------------------------------------------- numbers


def integer(value: object, *, ceiling: int, floor: int = 0, field: str = "value") -> int | None:
    """A whole number in [floor, ceiling] from an int, an integral float or digit text.

    bool is refused (JSON `true` is not 1). None and "" are absent (None, no refusal).
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            refuse(field, value, "is not a number")
        return None
    number: int
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            refuse(field, value, "is not a whole number")
            return None
        if abs(value) > 1e30:
            refuse(field, value, f"is out of range ({floor:,} to {ceiling:,})")
            return None
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not _INT_TEXT.fullmatch(text):
            refuse(field, value, "is not a whole number")
            return None
        number = int(text.split(".", 1)[0])
    elif isinstance(value, Decimal):
        if not value.is_finite() or value.adjusted() > 30 or value != value.to_integral_value():
            refuse(field, value, "is not a whole number in range")
            return None
        number = int(value)
    else:
        refuse(field, value, "is not a number")
        return None
    if not floor <= number <= ceiling:
        refuse(field, value, f"is out of range ({floor:,} to {ceiling:,})")
        return None
    return number


def token_limit(value: object, field: str = "token limit") -> int | None:
    """A stated token limit (context window, output limit): 1 to MAX_TOKEN_LIMIT; 0 and below unknown."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
        return None  # providers send 0 or -1 for "not stated": unknown, not refused
    if isinstance(value, str) and value.strip() in ("0", "-1"):
        return None
    return integer(value, ceiling=MAX_TOKEN_LIMIT, floor=1, field=field)


def decimal(
    value: object,
    *,
    field: str = "amount",
    min_exponent: int = MIN_EXPONENT,
    max_exponent: int = MAX_EXPONENT,
    allow_negative: bool = True,
) -> Decimal | None:
    """An exact, finite Decimal of bounded size, or None.

    Text is checked for length and shape before `Decimal()` sees it (so `1e+999999999`, `1_000`,
    `0x10` and `NaN` never become numbers); floats go through `repr` so 2.5e-06 stays 0.0000025.
    The magnitude must be below 10**max_exponent; a non-zero value below 10**min_exponent is
    refused too (it would print as hundreds of digits).
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            refuse(field, value, "is not a number")
        return None
    result: Decimal
    if isinstance(value, Decimal):
        if not value.is_finite():
            refuse(field, value, "is not a finite number")
            return None
        result = value
    elif isinstance(value, int):
        if value and _int_digits(value) > max_exponent + 1:
            refuse(field, value, f"is out of range (below 10^{max_exponent})")
            return None
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            refuse(field, value, "is not a finite number")
            return None
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if len(text) > MAX_DECIMAL_TEXT or not _DECIMAL_TEXT.fullmatch(text):
            refuse(field, value, "is not a plain decimal number")
            return None
        try:
            result = Decimal(text)
        except (InvalidOperation, ValueError):  # pragma: no cover - the pattern admits only valid text
            refuse(field, value, "is not a plain decimal number")
            return None
    else:
        refuse(field, value, "is not a number")
        return None
    if result:
        # Text of at most 34 characters cannot hold more than 34 digits: skip the tuple.
        if (not isinstance(value, str) or len(value) > MAX_DECIMAL_DIGITS) and len(result.as_tuple().digits) > MAX_DECIMAL_DIGITS:
            refuse(field, value, f"has more than {MAX_DECIMAL_DIGITS} digits")
            return None
        magnitude = result.adjusted()
        if magnitude >= max_exponent:
            refuse(field, value, f"is out of range (below 10^{max_exponent})")
            return None
        if magnitude < min_exponent:
            refuse(field, value, f"is too small (under 10^{min_exponent})")
            return None
        if not allow_negative and result < 0:
            refuse(field, value, "is negative")
            return None
    return result


# ----------------------------------------------------------------------------- dates


def _in_range(ts: datetime, lo: datetime, hi: datetime, field: str, raw: object) -> datetime | None:
    if lo <= ts <= hi:
        return ts
    refuse(field, raw, f"is out of range ({lo.date()} to {hi.date()})")
    return None


def unix_time(value: object, *, field: str = "date", lo: datetime = MIN_DATE, hi: datetime = MAX_DATE) -> datetime | None:
    """Aware UTC from Unix seconds (int, float or digit text) inside [lo, hi]."""
    if value is None:
        return None
    seconds: float
    if isinstance(value, bool):
        refuse(field, value, "is not a time")
        return None
    if isinstance(value, (int, float)):
        seconds = float(value) if not isinstance(value, int) or abs(value) < 10**15 else math.inf
    elif isinstance(value, str) and re.fullmatch(r"\d{1,15}(\.\d{1,9})?", value.strip()):
        seconds = float(value.strip())
    else:
        refuse(field, value, "is not a Unix time")
        return None
    if not math.isfinite(seconds) or not lo.timestamp() <= seconds <= hi.timestamp():
        refuse(field, value, f"is out of range ({lo.date()} to {hi.date()})")
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


_ISO_FRACTION = re.compile(r"(\.\d{6})\d+")


def iso_time(value: object, *, field: str = "date", lo: datetime = MIN_DATE, hi: datetime = MAX_DATE) -> datetime | None:
    """Aware UTC from ISO 8601 text ("Z", an offset, or naive = UTC; a bare date is midnight)."""
    if value is None:
        return None
    if not isinstance(value, str):
        refuse(field, value, "is not a date")
        return None
    text = value.strip()
    if not text:
        return None
    if len(text) > 64:
        refuse(field, value, "is not a date")
        return None
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    # Ollama sends nanoseconds; Python takes at most 6 fractional digits.
    text = _ISO_FRACTION.sub(r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:  # "2025-06-30 (approx)" and other text after a date: the date
            parsed = datetime.fromisoformat(text[:10])
        except ValueError:
            refuse(field, value, "is not an ISO 8601 date")
            return None
    try:
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        parsed = parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # year 1 at +14:00, year 9999 at -12:00
        refuse(field, value, f"is out of range ({lo.date()} to {hi.date()})")
        return None
    return _in_range(parsed, lo, hi, field, value)


def day(value: object, *, field: str = "date", lo: datetime = MIN_DATE, hi: datetime = MAX_DATE) -> datetime | None:
    """Midnight UTC of the date at the start of `value` ("2025-06-30" or a longer timestamp)."""
    if not isinstance(value, str):
        if value is not None:
            refuse(field, value, "is not a date")
        return None
    try:
        d = date.fromisoformat(value.strip()[:10])
    except ValueError:
        refuse(field, value, "is not a date")
        return None
    return _in_range(datetime(d.year, d.month, d.day, tzinfo=timezone.utc), lo, hi, field, value)


# ----------------------------------------------------------------------------- strings


def text(value: object, limit: int, *, field: str = "text") -> str | None:
    """A non-blank string cut to `limit` characters (ending in …), or None."""
    if not isinstance(value, str):
        return None
    if len(value) > limit:
        refuse(field, value, f"is longer than {limit:,} characters; cut")
        return value[: limit - 1] + "…"
    return value if value.strip() else None


def labels(values: object, *, field: str = "list") -> tuple[str, ...]:
    """Short strings from a list: at most MAX_LIST_ITEMS of them, each at most MAX_LABEL_CHARS."""
    if not isinstance(values, (list, tuple)):
        return ()
    out = []
    for v in values[:MAX_LIST_ITEMS]:
        if isinstance(v, str) and v.strip():
            out.append(v if len(v) <= MAX_LABEL_CHARS else v[: MAX_LABEL_CHARS - 1] + "…")
    if len(values) > MAX_LIST_ITEMS:
        refuse(field, f"{len(values)} items", f"has more than {MAX_LIST_ITEMS}; the rest dropped")
    return tuple(out)


def id_fits(value: str) -> bool:
    """True when `value` is short enough to be a model id."""
    return len(value) <= MAX_ID_CHARS


# ----------------------------------------------------------------------------- whole models


def check_model(model: RemoteModel) -> RemoteModel | None:
    """`model` with every field inside the bounds above, or None when its id is too long
    to be an id (the model is skipped; the refusal says so).

    Adapters already parse through this module; this is the last check before a plan, so a new
    adapter (or one that reads a field directly) cannot hand an unbounded value downstream. Text,
    numbers and dates are checked for what they hold when the program runs, not for what the
    fields are declared as.
    """
    mid: object = model.model_id
    if not isinstance(mid, str) or not id_fits(mid):
        reading(None)
        refuse("model id", mid, f"is longer than {MAX_ID_CHARS:,} characters; the model was skipped")
        return None
    reading(mid)
    try:
        return _check_fields(model)
    finally:
        reading(None)


def _check_fields(model: RemoteModel) -> RemoteModel:
    # Written out field by field: this runs for every model of every sync (5 µs each, measured).
    # A model inside the bounds is returned as it is; each field outside them costs one copy.
    out = model
    value: object = model.name
    if value is not None and (not isinstance(value, str) or len(value) > MAX_NAME_CHARS):
        out = replace(out, name=text(value, MAX_NAME_CHARS, field="name"))
    value = model.owned_by
    if value is not None and (not isinstance(value, str) or len(value) > MAX_NAME_CHARS):
        out = replace(out, owned_by=text(value, MAX_NAME_CHARS, field="owned_by"))
    value = model.description
    if value is not None and (not isinstance(value, str) or len(value) > MAX_DESCRIPTION_CHARS):
        out = replace(out, description=text(value, MAX_DESCRIPTION_CHARS, field="description"))
    value = model.context_length
    if value is not None and (type(value) is not int or not 1 <= value <= MAX_TOKEN_LIMIT):
        out = replace(out, context_length=token_limit(value, field="context_length"))
    value = model.max_output_tokens
    if value is not None and (type(value) is not int or not 1 <= value <= MAX_TOKEN_LIMIT):
        out = replace(out, max_output_tokens=token_limit(value, field="max_output_tokens"))
    value = model.created_at
    if value is not None and (not isinstance(value, datetime) or value.tzinfo is None or not MIN_DATE <= value <= MAX_DATE):
        refuse("created_at", value, f"is out of range ({MIN_DATE.date()} to {MAX_DATE.date()})")
        out = replace(out, created_at=None)
    value = model.deprecated_at
    if value is not None and (not isinstance(value, datetime) or value.tzinfo is None or not MIN_DATE <= value <= MAX_DATE):
        refuse("deprecated_at", value, f"is out of range ({MIN_DATE.date()} to {MAX_DATE.date()})")
        out = replace(out, deprecated_at=None)
    modalities = model.input_modalities
    if modalities and (len(modalities) > MAX_LIST_ITEMS or any(len(v) > MAX_LABEL_CHARS for v in modalities)):
        out = replace(out, input_modalities=labels(list(modalities), field="input_modalities"))
    modalities = model.output_modalities
    if modalities and (len(modalities) > MAX_LIST_ITEMS or any(len(v) > MAX_LABEL_CHARS for v in modalities)):
        out = replace(out, output_modalities=labels(list(modalities), field="output_modalities"))
    aliases = model.aliases
    if aliases and (len(aliases) > MAX_LIST_ITEMS or any(not id_fits(a) for a in aliases)):
        out = replace(out, aliases=tuple(a for a in aliases if id_fits(a))[:MAX_LIST_ITEMS])
        refuse("aliases", f"{len(aliases)} items", "hold over-long or too many ids; those dropped")
    price = model.price
    if price is not None:
        checked = check_price(price, "price")
        if checked is not price:
            out = replace(out, price=checked)
    return out


def check_price(price: Price, field: str = "price") -> Price:
    """`price` with every component inside the decimal bounds (out-of-range ones unknown)."""
    known = price.components()  # unknown needs no check
    amounts: dict[str, Decimal | None] | None = None
    for name, value in known.items():
        if _out_of_bounds(value):
            if amounts is None:
                amounts = dict(known)
            amounts[name] = decimal(value, field=f"{field}.{name}")
    tiers = price.tiers
    if tiers:
        kept = tuple(
            t for t in tiers
            if isinstance(t.threshold, int) and 0 <= t.threshold <= MAX_TOKEN_LIMIT
            and not any(v is not None and _out_of_bounds(v) for v in (t.input, t.output, t.cached_input))
        )
        if len(kept) != len(tiers):
            refuse(f"{field}.tiers", f"{len(tiers) - len(kept)} tiers", "are out of range; dropped")
            tiers = kept
    if amounts is None and tiers is price.tiers:
        return price
    return price.from_components(known if amounts is None else amounts, tiers=tiers, currency=price.currency, other=price.other)


def _out_of_bounds(value: object) -> bool:
    """The magnitude check of `decimal()` for a Decimal an adapter already made (its digits were
    bounded where it was parsed; the magnitude is what formatting and arithmetic care about)."""
    if type(value) is not Decimal or not value.is_finite():
        return True
    return bool(value) and not MIN_EXPONENT <= value.adjusted() < MAX_EXPONENT
