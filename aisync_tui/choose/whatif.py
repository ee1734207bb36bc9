"""The user's own usage re-priced on another model: what the last N days would have cost there.

Each usage record is re-priced with the other model's current price; the record's tokens are its
totals. What cannot be priced honestly is counted, never guessed:
- a component the other model has no price for (output, cached input, ...);
- a per-request fee on a record whose source gives no request count;
- long-context tiers on a record of several requests whose prompts could cross the threshold
  (an aggregate does not say how large each prompt was).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from ..domain import Price
from ..jsonvalue import JSONOut
from .cost import LONG_CONTEXT, Workload, decimal_text, quote


def reprice(price: Price | None, *, requests: int | None, input_tokens: int, output_tokens: int, cached_tokens: int) -> tuple[Decimal | None, tuple[str, ...]]:
    """(cost, missing) of one usage record at `price`; cost None when something is missing."""
    if price is None:
        price = Price()
    cached = min(max(cached_tokens, 0), max(input_tokens, 0))
    if price.tiers and requests != 1 and input_tokens > min(t.threshold for t in price.tiers):
        return None, (LONG_CONTEXT,)
    q = quote(replace(price, per_request=None), Workload(input_tokens=input_tokens, output_tokens=output_tokens, cached_tokens=cached))
    missing = list(q.missing)
    fee = Decimal(0)
    if price.per_request is not None and price.currency == "USD":
        if requests is None:
            missing.append("per_request")
        else:
            fee = price.per_request * requests
    if missing:
        return None, tuple(missing)
    cost = q.cost
    assert cost is not None
    return cost + fee, ()


@dataclass
class ModelLine:
    """One model the user used: what its records cost, and what they would cost on the other model."""

    provider: str
    model_id: str
    records: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    actual_cost: Decimal | None = None
    actual_unpriced: int = 0
    whatif_cost: Decimal | None = None
    whatif_unpriced: int = 0

    def to_json(self) -> JSONOut:
        return {
            "provider": self.provider, "model": self.model_id, "records": self.records,
            "input_tokens": self.input_tokens, "cached_tokens": self.cached_tokens, "output_tokens": self.output_tokens,
            "actual_cost_usd": decimal_text(self.actual_cost), "actual_unpriced_records": self.actual_unpriced,
            "whatif_cost_usd": decimal_text(self.whatif_cost), "whatif_unpriced_records": self.whatif_unpriced,
        }


def _add(total: Decimal | None, value: Decimal) -> Decimal:
    return value if total is None else total + value


@dataclass
class WhatIf:
    provider: str
    model_id: str
    days: int
    since: datetime
    until: datetime
    price_from: datetime | None
    records: int = 0
    actual_cost: Decimal | None = None
    """What the records cost as recorded (known costs only)."""
    actual_unpriced: int = 0
    whatif_cost: Decimal | None = None
    """What the records the other model can price would cost there."""
    whatif_unpriced: int = 0
    missing: Counter[str] = field(default_factory=Counter)
    """Why records could not be re-priced: component -> records."""
    both_records: int = 0
    """Records with a known cost both as recorded and on the other model."""
    both_actual: Decimal = Decimal(0)
    both_whatif: Decimal = Decimal(0)
    by_model: list[ModelLine] = field(default_factory=list)

    def to_json(self) -> JSONOut:
        def iso(v: datetime | None) -> str | None:
            return None if v is None else v.strftime("%Y-%m-%dT%H:%M:%SZ")

        return {
            "provider": self.provider, "id": self.model_id, "days": self.days, "since": iso(self.since), "until": iso(self.until),
            "price_effective_from": iso(self.price_from),
            "records": self.records,
            "actual_cost_usd": decimal_text(self.actual_cost), "actual_unpriced_records": self.actual_unpriced,
            "whatif_cost_usd": decimal_text(self.whatif_cost), "whatif_unpriced_records": self.whatif_unpriced,
            "whatif_missing": dict(sorted(self.missing.items())),
            "comparable": {
                "records": self.both_records, "actual_cost_usd": decimal_text(self.both_actual),
                "whatif_cost_usd": decimal_text(self.both_whatif), "difference_usd": decimal_text(self.both_whatif - self.both_actual),
            },
            "by_model": [m.to_json() for m in self.by_model],
        }


def whatif(provider: str, model_id: str, price: Price | None, *, days: int = 30, price_from: datetime | None = None, now: datetime | None = None) -> WhatIf:
    """Every usage record of the last `days` UTC days (today included), re-priced at `price`."""
    from ..store.models import UsageRecord as U
    from ..store.models import tuples
    from ..usage.stats import window

    since, until = window(days, now)
    result = WhatIf(provider, model_id, days, since, until, price_from)
    lines: dict[tuple[str, str], ModelLine] = {}
    query = (
        U.select(U.provider, U.model_id, U.requests, U.input_tokens, U.output_tokens, U.cached_tokens, U.cost_usd)
        .where((U.ts >= since) & (U.ts <= until))
        .order_by(U.ts)
    )
    rows = tuples(query)
    for prov, mid, requests, inp, out, cached, cost in rows:
        inp, out, cached = int(inp or 0), int(out or 0), int(cached or 0)
        actual = None if cost is None else Decimal(str(cost))
        line = lines.get((prov, mid))
        if line is None:
            line = lines[(prov, mid)] = ModelLine(prov, mid)
        line.records += 1
        line.input_tokens += inp
        line.output_tokens += out
        line.cached_tokens += cached
        result.records += 1
        new, missing = reprice(price, requests=requests, input_tokens=inp, output_tokens=out, cached_tokens=cached)
        if actual is None:
            result.actual_unpriced += 1
            line.actual_unpriced += 1
        else:
            result.actual_cost = _add(result.actual_cost, actual)
            line.actual_cost = _add(line.actual_cost, actual)
        if new is None:
            result.whatif_unpriced += 1
            line.whatif_unpriced += 1
            result.missing.update(missing)
        else:
            result.whatif_cost = _add(result.whatif_cost, new)
            line.whatif_cost = _add(line.whatif_cost, new)
        if new is not None and actual is not None:
            result.both_records += 1
            result.both_actual += actual
            result.both_whatif += new
    result.by_model = sorted(lines.values(), key=lambda m: (-(m.actual_cost or 0), m.provider, m.model_id))
    return result
