"""The store's JSON columns, decoded once per distinct text into the shapes their readers use.

A JSON column holds what we wrote, but a store outlives the code that wrote it (an older aisync, a
hand edit, another tool on a shared database), so its text is outside data: it is decoded as `JSON`
and narrowed here, in one place, rather than trusted by every reader. The same few texts repeat
across thousands of rows (capability and modality lists, price tiers), so each narrowing is cached
by text; the results are immutable (tuples, frozen dataclasses) and safe to share between rows.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from ..domain import PriceTier, other_from_json, stored_decimal
from ..jsonvalue import JSON, as_object, stored_json

_AMOUNTS: dict[object, Decimal] = {}


def amount(value: object) -> Decimal | None:
    """A price component as the driver returns it (decimal text), read as `stored_decimal` reads
    it; the same few price points repeat across thousands of rows, so each is read once."""
    if value is None:
        return None
    hit = _AMOUNTS.get(value)
    if hit is None:
        hit = stored_decimal(value)
        if hit is not None and len(_AMOUNTS) < 65536:
            _AMOUNTS[value] = hit
    return hit


def texts_of(value: JSON) -> tuple[str, ...]:
    """The strings of a decoded JSON list; items of any other kind, and a value that is not a
    list, read as nothing."""
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def tiers_of(value: JSON) -> tuple[PriceTier, ...] | None:
    """The price tiers of a decoded `tiers` column, or None when the record is damaged: not a
    list, an item that is not a tier, a threshold or price that does not read. Part of a tier list
    is not a tier list (a prompt above a dropped tier would be charged the base price), so a
    damaged record is unknown as a whole; the reader marks the price `tiers_unreadable`."""
    if value is None:
        return ()
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if not isinstance(item, dict):
            return None
        try:
            out.append(PriceTier.from_json(item))
        except ValueError:
            return None
    return tuple(out)


@lru_cache(maxsize=4096)
def decoded(text: str) -> JSON:
    """A JSON column's text, decoded. Shared between callers: copy before changing it."""
    return stored_json(text)


@lru_cache(maxsize=4096)
def texts(text: str) -> tuple[str, ...]:
    """A JSON list-of-strings column (capabilities, modalities, aliases) as a tuple."""
    return texts_of(stored_json(text))


@lru_cache(maxsize=4096)
def tiers(text: str) -> tuple[PriceTier, ...] | None:
    """A price's `tiers` column; None when it is damaged (see `tiers_of`)."""
    return tiers_of(stored_json(text))


@lru_cache(maxsize=4096)
def other(text: str) -> tuple[tuple[str, Decimal], ...]:
    """A price's `other` column: (the source's name, price) pairs, sorted."""
    return other_from_json(stored_json(text))


#: A model's `field_sources`: field (or `capability:X`) -> the source that stated it, and
#: `disputes` -> the disagreements between sources the last pricing sync recorded.
FieldSources = dict[str, str | list[JSON]]


def field_sources_of(value: JSON) -> FieldSources:
    """A decoded `field_sources` column as a fresh dict; entries of any other kind are left out."""
    return {key: item for key, item in as_object(value).items() if isinstance(item, (str, list))}


def mapping(text: str | None) -> dict[str, JSON]:
    """A JSON object column (field_sources), as a fresh dict the caller may change; missing or
    of another kind reads as empty."""
    return dict(as_object(decoded(text))) if text else {}
