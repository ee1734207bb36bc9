"""`cost` and `cheapest` as answers: the store's candidates priced by `choose.cost.quote`.

The faces (CLI, MCP server, app) call these and only format what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Iterable, Sequence

from ..jsonvalue import JSONOut
from ..store.candidates import Candidate
from .cost import Quote, Workload, decimal_text, quote, total


@dataclass(frozen=True, slots=True)
class ModelCost:
    """One model's cost for a workload."""

    model: Candidate
    quote: Quote
    at: datetime | None = None
    """The date asked for (None: the current price)."""
    price_from: datetime | None = None
    price_source: str | None = None

    @property
    def cost(self) -> Decimal | None:
        return self.quote.cost

    def to_json(self) -> JSONOut:
        c = self.model
        return {
            "provider": c.provider,
            "id": c.model_id,
            "name": c.name,
            "cost_usd": decimal_text(self.quote.cost),
            "breakdown": self.quote.breakdown_json(),
            "missing": list(self.quote.missing),
            "long_context_tier": self.quote.tier,
            "context_length": c.context_length,
            "max_output_tokens": c.max_output_tokens,
            "type": c.type,
            "status": c.status,
            "available": c.available,
            "priced_at": _iso(self.at),
            "price_effective_from": _iso(self.price_from),
            "price_source": self.price_source,
        }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def price_date(text: str, *, option: str = "at") -> datetime:
    """The moment `--at DATE` means: a date is the end of that UTC day, a date-time is itself;
    never later than now (the ledger knows no future prices)."""
    from datetime import time, timedelta, timezone

    from ..domain import utcnow
    from ..errors import UsageError

    raw = text.strip()
    try:
        if len(raw) == 10:
            day = datetime.strptime(raw, "%Y-%m-%d").date()
            value = datetime.combine(day, time.max, tzinfo=timezone.utc)
        else:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date", hint="write it as YYYY-MM-DD") from None
    now = utcnow()
    if value - now > timedelta(days=1):
        raise UsageError(f"{option} {text!r} is in the future", hint="the ledger knows prices up to now")
    return min(value, now)


@dataclass(frozen=True, slots=True)
class NotFound:
    """A model the user named that the store does not have."""

    model_id: str
    provider: str
    suggestions: tuple[tuple[str, str], ...] = ()


def cost_of(models: Sequence[tuple[str, str]], workload: Workload, *, at: datetime | None = None) -> list[ModelCost | NotFound]:
    """The workload's cost on each named (id or alias, provider), in the order given."""
    from ..store.candidates import find, price_at
    from ..store.queries import close_matches

    out: list[ModelCost | NotFound] = []
    for model_id, provider in models:
        found = find(model_id, provider)
        if found is None:
            out.append(NotFound(model_id, provider, tuple(close_matches(model_id, provider))))
            continue
        if at is None:
            out.append(ModelCost(found, quote(found.price, workload), None, found.price_from, found.price_source))
            continue
        period = price_at(found.pk, at)
        price, start, source = period if period is not None else (None, None, None)
        out.append(ModelCost(found, quote(price, workload), at, start, source))
    return out


@dataclass(frozen=True, slots=True)
class Ranking:
    """`cheapest`'s answer: the priced models in order, and how many were left out unpriced."""

    ranked: tuple[ModelCost, ...]
    considered: int
    """Models that matched every filter."""
    unpriced: int
    """Of those, models left out because their cost is unknown."""
    unpriced_examples: tuple[tuple[str, str, tuple[str, ...]], ...] = field(default=())
    """A few of them: (provider, id, missing components)."""


def rank_key(mc: ModelCost) -> tuple[Decimal, int, str, str]:
    """Cheapest first; on a tie the larger context, then the id (then the provider)."""
    cost = mc.quote.cost
    assert cost is not None
    return (cost, -(mc.model.context_length or 0), mc.model.model_id, mc.model.provider)


def cheapest(
    workload: Workload,
    *,
    providers: Iterable[str] = (),
    type: str | None = None,
    capabilities: Iterable[str] = (),
    min_context: int | None = None,
    available: bool | None = None,
    top: int | None = 10,
) -> Ranking:
    from ..store.candidates import candidates

    found = candidates(providers=providers, type=type, capabilities=capabilities, min_context=min_context, available=available)
    # Rank on the bare total (no per-component lines), then quote in full only what is shown.
    priced: list[tuple[Decimal, int, str, str, Candidate]] = []
    unpriced: list[Candidate] = []
    for c in found:
        amount = total(c.price, workload)
        if amount is None:
            unpriced.append(c)
        else:
            priced.append((amount, -(c.context_length or 0), c.model_id, c.provider, c))
    priced.sort(key=lambda t: t[:4])
    shown = priced[:top] if top else priced
    ranked = tuple(ModelCost(c, quote(c.price, workload), None, c.price_from, c.price_source) for *_, c in shown)
    unpriced.sort(key=lambda c: (c.provider, c.model_id))
    examples = tuple((c.provider, c.model_id, quote(c.price, workload).missing) for c in unpriced[:5])
    return Ranking(ranked, len(found), len(unpriced), examples)
