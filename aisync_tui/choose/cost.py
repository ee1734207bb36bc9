"""The cost of a workload at one price: exact Decimal arithmetic, one line per price component.

A workload is per request (tokens in and out, cached tokens, images, seconds, characters) times a number of
requests. Each quantity the workload has needs its price component; a component the price does
not know makes the whole cost unknown and is named in `missing`, never counted as 0. A per-request
fee is added when the price states one (most models have none, and its absence is not unknown).

Long-context tiers apply per request: the tier whose threshold the request's prompt exceeds
replaces the input, output and cached-input prices (the highest such tier wins).
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal

from ..domain import Price, PriceTier
from ..jsonvalue import JSONOut

#: Enough digits that no product of a bounded token count and a feed price is ever rounded.
_EXACT = decimal.Context(prec=80, traps=[decimal.InvalidOperation, decimal.Overflow])


#: Workload quantities other than tokens, per request -> the price component each is billed at.
UNIT_QUANTITIES: tuple[tuple[str, str], ...] = (
    ("input_images", "input_per_image"),
    ("images", "per_image"),
    ("input_seconds", "input_per_second"),
    ("output_seconds", "output_per_second"),
    ("input_characters", "input_per_character"),
    ("output_characters", "output_per_character"),
    ("input_video_seconds", "input_per_video_second"),
    ("video_seconds", "output_per_video_second"),
)
#: Components a long-context tier can replace.
TIERED = ("input", "output", "cached_input")

#: What a quote names as missing when the long-context tiers that may set a price are unknown.
LONG_CONTEXT = "long_context_tier"


@dataclass(frozen=True, slots=True)
class Workload:
    """One request's shape, and how many requests. `input_tokens` includes `cached_tokens`
    (the providers' convention: the cached part of the prompt is billed at the cached price)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    input_images: int = 0
    """Images read per request, where a model prices them per image."""
    images: int = 0
    """Images generated per request."""
    input_seconds: Decimal = Decimal(0)
    """Seconds of audio read per request (transcription, audio input priced per second)."""
    output_seconds: Decimal = Decimal(0)
    """Seconds of audio produced per request."""
    input_characters: int = 0
    """Characters read per request (models priced per character, e.g. speech synthesis)."""
    output_characters: int = 0
    """Characters written per request."""
    input_video_seconds: Decimal = Decimal(0)
    """Seconds of video read per request."""
    video_seconds: Decimal = Decimal(0)
    """Seconds of video generated per request."""
    requests: int = 1

    def quantities(self) -> list[tuple[str, Decimal]]:
        """(price component, quantity per request) for every quantity this workload has."""
        out: list[tuple[str, Decimal]] = []
        for component, amount in (
            ("input", self.input_tokens - self.cached_tokens),
            ("cached_input", self.cached_tokens),
            ("output", self.output_tokens),
        ):
            if amount:
                out.append((component, Decimal(amount)))
        for name, component in UNIT_QUANTITIES:
            value = getattr(self, name)
            if value:
                out.append((component, Decimal(value)))
        return out

    def problems(self) -> list[str]:
        """What is wrong with this workload, in the words of the command's options."""
        out = []
        names = ("input_tokens", "output_tokens", "cached_tokens", *(name for name, _ in UNIT_QUANTITIES))
        for name in names:
            if getattr(self, name) < 0:
                out.append(f"--{name.replace('_', '-')} must not be negative")
        if self.requests < 1:
            out.append("--requests must be at least 1")
        if self.cached_tokens > self.input_tokens:
            out.append("--cached-tokens counts part of the input: it cannot exceed --input-tokens")
        if not any(getattr(self, name) for name in names):
            options = ", ".join(f"--{name.replace('_', '-')}" for name in names if name != "cached_tokens")
            out.append(f"the workload is empty: give at least one of {options}")
        return out


@dataclass(frozen=True, slots=True)
class CostLine:
    """One component of a cost: quantity x unit price = cost (all for the whole workload)."""

    component: str
    quantity: Decimal
    unit_price: Decimal | None
    cost: Decimal | None

    def to_json(self) -> JSONOut:
        return {
            "quantity": decimal_text(self.quantity),
            "unit_price_usd": decimal_text(self.unit_price),
            "cost_usd": decimal_text(self.cost),
        }


@dataclass(frozen=True, slots=True)
class Quote:
    """What a workload costs at one price. `cost` is None when any needed component is unknown."""

    lines: tuple[CostLine, ...]
    missing: tuple[str, ...]
    tier: int | None = None
    """The long-context threshold that applied, if any."""

    @property
    def cost(self) -> Decimal | None:
        if self.missing:
            return None
        total = Decimal(0)
        for line in self.lines:
            assert line.cost is not None
            total = _EXACT.add(total, line.cost)
        return total

    def breakdown_json(self) -> JSONOut:
        return {line.component: line.to_json() for line in self.lines}


def component_label(component: str) -> str:
    """How a component is named in a table: its label, with its unit unless that is a token
    ("Input /second" and "Input" are different prices)."""
    from ..domain import COMPONENT_LABELS, COMPONENT_UNITS

    if component == LONG_CONTEXT:
        return "Long-context"
    label = COMPONENT_LABELS.get(component, component)
    unit = COMPONENT_UNITS.get(component, "token")
    return label if unit in ("token", "request") else f"{label} /{unit}"


def decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if value == 0:
        return "0"
    return format(value.normalize(_EXACT), "f")


def tier_for(price: Price, prompt_tokens: int) -> PriceTier | None:
    """The long-context tier a prompt of this size falls in (the highest threshold it exceeds)."""
    chosen: PriceTier | None = None
    for tier in price.tiers:
        if prompt_tokens > tier.threshold and (chosen is None or tier.threshold > chosen.threshold):
            chosen = tier
    return chosen


def _rate(price: Price, tier: PriceTier | None, component: str) -> Decimal | None:
    """The price of one unit of `component`: the long-context tier's when it has one."""
    if tier is not None and component in TIERED:
        tiered: Decimal | None = getattr(tier, component)
        if tiered is not None:
            return tiered
    value: Decimal | None = getattr(price, component, None)
    return value


def total(price: Price | None, workload: Workload) -> Decimal | None:
    """`quote(price, workload).cost` without building the lines: what ranking a whole catalog
    needs. The same arithmetic, kept in step by a test."""
    if price is None or price.currency != "USD":
        return None
    if price.tiers_unreadable and _tiered_need(workload):
        return None
    tier = tier_for(price, workload.input_tokens) if price.tiers else None
    amount = Decimal(0)
    for component, per_request in workload.quantities():
        unit = _rate(price, tier, component)
        if unit is None:
            return None
        amount = _EXACT.add(amount, _EXACT.multiply(per_request, unit))
    if price.per_request is not None:
        amount = _EXACT.add(amount, price.per_request)
    return _EXACT.multiply(amount, Decimal(workload.requests))


def quote(price: Price | None, workload: Workload) -> Quote:
    """The cost of `workload` at `price` (None = no price known: every needed component missing)."""
    n = Decimal(workload.requests)
    if price is not None and price.currency != "USD":
        # A price in another currency cannot be added to USD: every component is unknown.
        price = None
    tier = tier_for(price, workload.input_tokens) if price is not None and price.tiers else None
    wanted = workload.quantities()
    if price is not None and price.per_request is not None:
        wanted.append(("per_request", Decimal(1)))
    lines = []
    missing = []
    # Long-context tiers the store could not read: every token price may be a tier's, so none is
    # used, and the quote names the tiers as what is missing (not the base prices, which are known).
    unreadable = price is not None and price.tiers_unreadable and _tiered_need(workload)
    for component, per_request in wanted:
        if unreadable and component in TIERED:
            unit = None
            if price is not None and _rate(price, None, component) is None:
                missing.append(component)
        else:
            unit = None if price is None else _rate(price, tier, component)
            if unit is None:
                missing.append(component)
        quantity = _EXACT.multiply(per_request, n)
        cost = None if unit is None else _EXACT.multiply(quantity, unit)
        lines.append(CostLine(component, quantity, unit, cost))
    if unreadable:
        missing.append(LONG_CONTEXT)
    return Quote(tuple(lines), tuple(missing), tier.threshold if tier is not None else None)


def _tiered_need(workload: Workload) -> bool:
    """Whether the workload needs a price a long-context tier may set."""
    return any(component in TIERED for component, _ in workload.quantities())
