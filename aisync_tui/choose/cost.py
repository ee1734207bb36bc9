"""The cost of a workload at one price: exact Decimal arithmetic, one line per price component.

A workload is per request (tokens in and out, cached tokens, images, seconds) times a number of
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
from typing import Any

from ..domain import Price, PriceTier

#: Enough digits that no product of a bounded token count and a feed price is ever rounded.
_EXACT = decimal.Context(prec=80, traps=[decimal.InvalidOperation, decimal.Overflow])


@dataclass(frozen=True, slots=True)
class Workload:
    """One request's shape, and how many requests. `input_tokens` includes `cached_tokens`
    (the providers' convention: the cached part of the prompt is billed at the cached price)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    images: int = 0
    """Images per request (generated, or read where a model prices them per image)."""
    seconds: Decimal = Decimal(0)
    """Seconds of audio or video per request."""
    requests: int = 1

    def problems(self) -> list[str]:
        """What is wrong with this workload, in the words of the command's options."""
        out = []
        for name in ("input_tokens", "output_tokens", "cached_tokens", "images"):
            if getattr(self, name) < 0:
                out.append(f"--{name.replace('_', '-')} must not be negative")
        if self.seconds < 0:
            out.append("--seconds must not be negative")
        if self.requests < 1:
            out.append("--requests must be at least 1")
        if self.cached_tokens > self.input_tokens:
            out.append("--cached-tokens counts part of the input: it cannot exceed --input-tokens")
        if not (self.input_tokens or self.output_tokens or self.images or self.seconds):
            out.append("the workload is empty: give --input-tokens, --output-tokens, --images or --seconds")
        return out


@dataclass(frozen=True, slots=True)
class CostLine:
    """One component of a cost: quantity x unit price = cost (all for the whole workload)."""

    component: str
    quantity: Decimal
    unit_price: Decimal | None
    cost: Decimal | None

    def to_json(self) -> dict[str, Any]:
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

    def breakdown_json(self) -> dict[str, Any]:
        return {line.component: line.to_json() for line in self.lines}


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


def total(price: Price | None, workload: Workload) -> Decimal | None:
    """`quote(price, workload).cost` without building the lines: what ranking a whole catalog
    needs. The same arithmetic, kept in step by a test."""
    if price is None or price.currency != "USD":
        return None
    w = workload
    tier = tier_for(price, w.input_tokens) if price.tiers else None
    amount = Decimal(0)
    for component, per_request in (
        ("input", w.input_tokens - w.cached_tokens),
        ("cached_input", w.cached_tokens),
        ("output", w.output_tokens),
        ("per_image", w.images),
    ):
        if not per_request:
            continue
        unit = getattr(tier, component, None) if tier is not None and component in ("input", "output", "cached_input") else None
        if unit is None:
            unit = getattr(price, component)
        if unit is None:
            return None
        amount = _EXACT.add(amount, _EXACT.multiply(Decimal(per_request), unit))
    if w.seconds:
        if price.per_second is None:
            return None
        amount = _EXACT.add(amount, _EXACT.multiply(w.seconds, price.per_second))
    if price.per_request is not None:
        amount = _EXACT.add(amount, price.per_request)
    return _EXACT.multiply(amount, Decimal(w.requests))


def quote(price: Price | None, workload: Workload) -> Quote:
    """The cost of `workload` at `price` (None = no price known: every needed component missing)."""
    w = workload
    n = Decimal(w.requests)
    if price is not None and price.currency != "USD":
        # A price in another currency cannot be added to USD: every component is unknown.
        price = None
    tier = tier_for(price, w.input_tokens) if price is not None else None

    def rate(component: str) -> Decimal | None:
        if price is None:
            return None
        if tier is not None and component in ("input", "output", "cached_input"):
            tiered: Decimal | None = getattr(tier, component)
            if tiered is not None:
                return tiered
        value: Decimal | None = getattr(price, component, None)
        return value

    wanted: list[tuple[str, Decimal]] = []
    uncached = w.input_tokens - w.cached_tokens
    if uncached:
        wanted.append(("input", Decimal(uncached)))
    if w.cached_tokens:
        wanted.append(("cached_input", Decimal(w.cached_tokens)))
    if w.output_tokens:
        wanted.append(("output", Decimal(w.output_tokens)))
    if w.images:
        wanted.append(("per_image", Decimal(w.images)))
    if w.seconds:
        wanted.append(("per_second", w.seconds))
    if price is not None and price.per_request is not None:
        wanted.append(("per_request", Decimal(1)))
    lines = []
    missing = []
    for component, per_request in wanted:
        unit = rate(component)
        quantity = _EXACT.multiply(per_request, n)
        cost = None if unit is None else _EXACT.multiply(quantity, unit)
        if unit is None:
            missing.append(component)
        lines.append(CostLine(component, quantity, unit, cost))
    return Quote(tuple(lines), tuple(missing), tier.threshold if tier is not None else None)
