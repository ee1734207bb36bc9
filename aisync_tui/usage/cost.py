"""Pricing usage at the time it happened, from the `price` table (the dated price ledger).

A record at time `ts` is priced with the period where `effective_from <= ts < effective_until`
(`effective_until` NULL = still current): cost_source "computed". A record older than every period
we have is priced with the earliest period and marked "estimated": feeds such as LiteLLM carry no
start date, so their first period starts when we first saw it, and the earliest known price is the
best evidence we have for the time before. A model with no price at all stays unpriced (None), and
the totals say so.

Everything is Decimal: no float ever touches money here.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..domain import PRICE_COMPONENTS, Price, PriceTier, stored_utc


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime | None
    price: Price


def price_periods(provider: str, model_id: str) -> list[Period]:
    """Every price period of one store model, oldest first (reads the price table directly).

    The model is found as every lookup finds it (`store.queries.resolve_model`): its own id, then an
    alias its provider states (never across providers).
    """
    from ..store.models import Price as PriceTable
    from ..store.queries import price_from_row, resolve_model

    model = resolve_model(model_id, provider)
    if model is None:
        return []
    rows = PriceTable.select().where(PriceTable.model == model.id).order_by(PriceTable.effective_from, PriceTable.id)
    # A period whose start the store cannot read cannot be placed in time: it prices nothing, and a
    # record that falls in the gap it leaves has no known cost.
    return [Period(r.effective_from, r.effective_until, price_from_row(r)) for r in rows if r.effective_from is not None]


def pick_period(periods: list[Period], ts: datetime) -> tuple[Price, str] | None:
    """(price, "computed"|"estimated") for a record at `ts`, or None when nothing is known."""
    if not periods:
        return None
    ts = stored_utc(ts)
    starts = [p.start for p in periods]
    i = bisect_right(starts, ts) - 1
    # Several periods can start before ts (closed ones): walk back to the one still open at ts.
    while i >= 0:
        p = periods[i]
        if p.end is None or ts < p.end:
            return p.price, "computed"
        i -= 1
    if ts < periods[0].start:
        return periods[0].price, "estimated"
    # ts falls in a gap between a closed period and the next one: nothing was in force.
    return None


def _tier(price: Price, input_tokens: int) -> Price:
    """The long-context price when the prompt is above a tier's threshold (highest tier wins)."""
    chosen: PriceTier | None = None
    for tier in sorted(price.tiers, key=lambda t: t.threshold):
        if input_tokens > tier.threshold:
            chosen = tier
    if chosen is None:
        return price
    values = {name: getattr(price, name) for name in PRICE_COMPONENTS}
    for name in ("input", "output", "cached_input"):
        value = getattr(chosen, name)
        if value is not None:
            values[name] = value
    return Price(**values, currency=price.currency)


def compute_cost(price: Price, *, requests: int | None, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> Decimal | None:
    """USD for this usage at `price`, or None when a component it needs is unknown.

    input_tokens includes cached_tokens (the providers' convention). Cached tokens are charged at
    the cached-input price, or at the input price when the ledger has no cached price. Long-context
    tiers apply only to a single request (an aggregate's prompt sizes are unknown); tiers the
    store could not read leave the cost unknown.
    """
    if price.currency != "USD" or price.tiers_unreadable:
        return None
    if requests == 1 and price.tiers:
        price = _tier(price, input_tokens)
    cached = min(max(cached_tokens, 0), input_tokens)
    uncached = input_tokens - cached
    total = Decimal(0)
    if uncached:
        if price.input is None:
            return None
        total += uncached * price.input
    if cached:
        rate = price.cached_input if price.cached_input is not None else price.input
        if rate is None:
            return None
        total += cached * rate
    if output_tokens:
        if price.output is None:
            return None
        total += output_tokens * price.output
    if price.per_request is not None and price.per_request != 0:
        if requests is None:
            return None
        total += requests * price.per_request
    if not (uncached or cached or output_tokens) and price.per_request is None and price.input is None and price.output is None:
        return None
    return total


class PriceBook:
    """Caches each model's periods for one import, so a 100k-row logs.db costs one query per model."""

    def __init__(self) -> None:
        self._periods: dict[tuple[str, str], list[Period]] = {}

    def periods(self, provider: str, model_id: str) -> list[Period]:
        key = (provider, model_id)
        if key not in self._periods:
            self._periods[key] = price_periods(provider, model_id)
        return self._periods[key]

    def cost(
        self, provider: str, model_id: str, ts: datetime, *, requests: int | None, input_tokens: int, output_tokens: int, cached_tokens: int = 0
    ) -> tuple[Decimal | None, str | None]:
        """(cost, cost_source) with cost_source "computed", "estimated", or None when unknown."""
        found = pick_period(self.periods(provider, model_id), ts)
        if found is None:
            return None, None
        price, how = found
        cost = compute_cost(price, requests=requests, input_tokens=input_tokens, output_tokens=output_tokens, cached_tokens=cached_tokens)
        return (cost, how) if cost is not None else (None, None)

    def has_price(self, provider: str, *model_ids: str | None) -> bool:
        """True when one of `model_ids` (None skipped) names a store model with a price period."""
        return any(ident and self.periods(provider, ident) for ident in model_ids)

    def record_cost(
        self,
        provider: str,
        served: str,
        requested: str | None,
        ts: datetime,
        *,
        requests: int | None,
        input_tokens: int,
        output_tokens: int,
        cached_tokens: int = 0,
    ) -> tuple[Decimal | None, str | None]:
        """(cost, cost_source) of one usage record, the same at import and when a later pricing
        sync prices what was left unpriced: by the model that served it, else by the one asked
        for. Each id finds its model as every lookup does (its own id, then an alias its provider
        states; never across providers, never a near match). (None, None) when neither has a
        price that covers this usage: unknown, never 0."""
        for ident in (served, requested):
            if not ident:
                continue
            cost, how = self.cost(
                provider, ident, ts, requests=requests, input_tokens=input_tokens, output_tokens=output_tokens, cached_tokens=cached_tokens
            )
            if cost is not None:
                return cost, how
        return None, None
