"""Sources that check each other: where two sources state different values for one model.

aisync keeps its order of trust (the provider's own word, then the feeds in the order the README
states) whatever the sources say; this module only notices when they disagree, so the user sees
"sources disagree: LiteLLM $2.50, models.dev $3.00" instead of one number that may be wrong.

Two prices disagree when they differ by more than rounding: more than half a percent of the larger
and more than $0.001 per 1M tokens. Two limits disagree when they differ by more than one percent
(128,000 and 131,072 are different statements; 200,000 and 200,000 are one).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Sequence, TypedDict

from ..domain import Price, to_decimal

#: Price components compared between sources (USD per token).
COMPARED_COMPONENTS: tuple[str, ...] = ("input", "output", "cached_input", "cache_write")
#: Limits compared between sources (tokens).
COMPARED_LIMITS: tuple[str, ...] = ("context_length", "max_output_tokens")

PRICE_RELATIVE = Decimal("0.005")
PRICE_ABSOLUTE = Decimal("0.000000001")
LIMIT_RELATIVE = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Statement:
    """What one source says about one model."""

    source: str
    price: Price | None = None
    context_length: int | None = None
    max_output_tokens: int | None = None


class DisputeJSON(TypedDict):
    """A dispute as `field_sources["disputes"]` keeps it: amounts as exact decimal text."""

    field: str
    values: dict[str, str | int]


@dataclass(frozen=True, slots=True)
class Dispute:
    """One field on which sources disagree: each source's value, in the order of trust."""

    field: str
    values: tuple[tuple[str, Decimal | int], ...]

    def to_json(self) -> DisputeJSON:
        return {
            "field": self.field,
            "values": {source: (format(v, "f") if isinstance(v, Decimal) else v) for source, v in self.values},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Dispute:
        """A stored dispute read back; ValueError when it is not one (the store is outside data)."""
        field, said = data.get("field"), data.get("values")
        if not isinstance(field, str) or not isinstance(said, dict):
            raise ValueError("a dispute needs a field name and an object of values")
        values: list[tuple[str, Decimal | int]] = []
        for source, value in said.items():
            amount = to_decimal(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
            if amount is None:
                raise ValueError(f"{field}: {str(value)[:20]!r} is not an amount")
            if field in COMPARED_LIMITS:
                if amount != amount.to_integral_value():  # a token count is whole: 128000.5 is not 128000
                    raise ValueError(f"{field}: {str(value)[:20]!r} is not a whole number of tokens")
                values.append((str(source), int(amount)))
            else:
                values.append((str(source), amount))
        return cls(field=field, values=tuple(values))


def prices_differ(a: Decimal, b: Decimal) -> bool:
    """More than rounding apart (see the module's docstring)."""
    diff = abs(a - b)
    return diff > PRICE_ABSOLUTE and diff > PRICE_RELATIVE * max(abs(a), abs(b))


def limits_differ(a: int, b: int) -> bool:
    return abs(a - b) > LIMIT_RELATIVE * max(a, b)


def disputes(statements: Sequence[Statement]) -> list[Dispute]:
    """The fields on which at least two of `statements` (in the order of trust) disagree."""
    found: list[Dispute] = []
    for component in COMPARED_COMPONENTS:
        said = [(s.source, getattr(s.price, component)) for s in statements if s.price is not None and getattr(s.price, component) is not None]
        if len(said) > 1 and any(prices_differ(said[0][1], v) for _, v in said[1:]):
            found.append(Dispute(field=component, values=tuple(said)))
    for limit in COMPARED_LIMITS:
        said_limits = [(s.source, getattr(s, limit)) for s in statements if getattr(s, limit) is not None]
        if len(said_limits) > 1 and any(limits_differ(said_limits[0][1], v) for _, v in said_limits[1:]):
            found.append(Dispute(field=limit, values=tuple(said_limits)))
    return found
