"""Usage statistics over the `usage_record` table: what `models info`, `usage report` and the TUI show.

Everything here is read-only and returns frozen dataclasses. Money is summed as `Decimal` in
Python (the store keeps it as exact text; SQL SUM would go through a float).

Unknown stays unknown:
- `requests` is None for records whose source gives no request count (Anthropic's reports); totals
  add only the known counts and say how many records had none (`unknown_request_records`);
  `total_requests` is None when no record in the window had a count.
- `cost` is None for records no price could be found for; totals add only the priced records and
  say how much they could not price (`unpriced_records`, `unpriced_tokens`, `unpriced_share`).
  `total_cost` is None when nothing in the window was priced.
- The average cost per request divides only over records whose requests AND cost are both known;
  it is rounded to a millionth of a dollar, the same figure in every view.

Requested and resolved: a record keeps the id it asked for (`requested_model`, e.g. llm's
`gpt-4o-mini`) and the one that served it (`model_id`, `gpt-4o-mini-2024-07-18`). The report groups
by what was asked for and lists what it resolved to; one model's figures count every record that
asked for it (or one of its aliases) or resolved to it, each record once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Iterable, NamedTuple, TypedDict

from ..domain import utcnow

if TYPE_CHECKING:
    from ..store.models import DBRow

#: Quotients (averages, shares) are rounded to 12 places: exact sums, readable ratios.
_PLACES = Decimal("1e-12")
#: The average cost per request is in whole millionths of a dollar.
_AVERAGE_PLACES = Decimal("1e-6")


def _avg(value: Decimal) -> Decimal:
    return value.quantize(_AVERAGE_PLACES).normalize() if value else Decimal(0)


def _q(value: Decimal) -> Decimal:
    """Rounded to 12 places; a value too large for that (whatever a store holds) stays as it is,
    so no stored amount can make a report fail."""
    if not value:
        return Decimal(0)
    try:
        return value.quantize(_PLACES).normalize()
    except InvalidOperation:
        return value


class DayUsage(NamedTuple):
    """One day of the daily series; a plain tuple `(date, requests, tokens, cost)` to unpack.

    requests is None when that day's records carry no request count; cost is None when none of
    that day's records could be priced (a day without any record is (d, 0, 0, Decimal(0))).
    """

    date: date
    requests: int | None
    tokens: int
    cost: Decimal | None


@dataclass(frozen=True, slots=True)
class UsageTotals:
    """Sums over a set of usage records, with what could not be counted said explicitly."""

    records: int = 0
    total_requests: int | None = None
    """Sum of the known request counts; None when no record had one."""
    unknown_request_records: int = 0
    input_tokens: int = 0
    """Includes cached input tokens (the providers' convention)."""
    output_tokens: int = 0
    cached_tokens: int = 0
    total_cost: Decimal | None = None
    """Sum of the known costs; None when nothing could be priced."""
    reported_cost: Decimal = Decimal(0)
    """The part of total_cost the provider reported itself."""
    computed_cost: Decimal = Decimal(0)
    """The part computed from the price ledger (price in force at the record's time)."""
    estimated_cost: Decimal = Decimal(0)
    """The part computed with the earliest known price, for records older than every price period."""
    unpriced_records: int = 0
    unpriced_tokens: int = 0
    unpriced_requests: int = 0
    """Known request counts of the unpriced records."""
    average_cost_per_request: Decimal | None = None
    first_ts: datetime | None = None
    last_ts: datetime | None = None

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    @property
    def priced_records(self) -> int:
        return self.records - self.unpriced_records

    @property
    def unpriced_share(self) -> Decimal | None:
        """Fraction (0..1) of the tokens that could not be priced; None when there are no tokens.

        Records without tokens (a cost-only line item) count by record instead.
        """
        if self.total_tokens:
            return _q(Decimal(self.unpriced_tokens) / Decimal(self.total_tokens))
        if self.records:
            return _q(Decimal(self.unpriced_records) / Decimal(self.records))
        return None


class TotalsFields(TypedDict):
    """The fields of `UsageTotals`, as the sums of a set of records give them (`_Acc.fields`)."""

    records: int
    total_requests: int | None
    unknown_request_records: int
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    total_cost: Decimal | None
    reported_cost: Decimal
    computed_cost: Decimal
    estimated_cost: Decimal
    unpriced_records: int
    unpriced_tokens: int
    unpriced_requests: int
    average_cost_per_request: Decimal | None
    first_ts: datetime | None
    last_ts: datetime | None


@dataclass(frozen=True, slots=True)
class ModelUsage(UsageTotals):
    """One model's usage in a window: the "Usage Statistics (Last N days)" block."""

    provider: str = ""
    model_id: str = ""
    days: int = 30
    since: datetime | None = None
    until: datetime | None = None
    in_store: bool = False
    """False for usage of a model the catalog does not know (kept and shown, never dropped)."""
    daily: tuple[DayUsage, ...] = ()
    damaged_records: int = 0
    """Records left out because their stored time or token counts do not read (see `unreadable`)."""


@dataclass(frozen=True, slots=True)
class GroupUsage(UsageTotals):
    """Totals of one provider (model_id == "") or one model."""

    provider: str = ""
    model_id: str = ""
    """For a model group: the id the records asked for."""
    in_store: bool = True
    resolved: tuple[str, ...] = ()
    """The ids those requests resolved to, where they differ from model_id."""


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """Everything the usage report and the TUI usage screen show for one window."""

    days: int
    since: datetime
    until: datetime
    provider: str | None
    totals: UsageTotals
    by_provider: tuple[GroupUsage, ...]
    """Highest cost first (unpriced after priced), then most tokens."""
    by_model: tuple[GroupUsage, ...]
    """Same order as by_provider."""
    daily: tuple[DayUsage, ...]
    sources: dict[str, int] = field(default_factory=dict)
    """source -> record count (llm, openai-admin, anthropic-admin, csv, jsonl, api)."""
    damaged_records: int = 0
    """Records left out because their stored time or token counts do not read (see `unreadable`)."""

    def top_models(self, n: int = 10) -> list[GroupUsage]:
        """The n models that cost most (models with a known cost only)."""
        return [m for m in self.by_model if m.total_cost is not None and m.total_cost > 0][:n]

    @property
    def unpriced_share(self) -> Decimal | None:
        return self.totals.unpriced_share


# ----------------------------------------------------------------------------- accumulation


class _Acc:
    """Mutable running sums; `freeze` turns them into a dataclass."""

    __slots__ = (
        "records", "requests", "unknown_requests", "input", "output", "cached", "cost", "any_cost",
        "reported", "computed", "estimated", "unpriced", "unpriced_tokens", "unpriced_requests",
        "avg_cost", "avg_requests", "first", "last",
    )

    def __init__(self) -> None:
        self.records = 0
        self.requests = 0
        self.unknown_requests = 0
        self.input = 0
        self.output = 0
        self.cached = 0
        self.cost = Decimal(0)
        self.any_cost = False
        self.reported = Decimal(0)
        self.computed = Decimal(0)
        self.estimated = Decimal(0)
        self.unpriced = 0
        self.unpriced_tokens = 0
        self.unpriced_requests = 0
        self.avg_cost = Decimal(0)
        self.avg_requests = 0
        self.first: datetime | None = None
        self.last: datetime | None = None

    def add(self, ts: datetime, requests: int | None, inp: int, out: int, cached: int, cost: Decimal | None, cost_source: str | None) -> None:
        self.records += 1
        if requests is None:
            self.unknown_requests += 1
        else:
            self.requests += requests
        self.input += inp
        self.output += out
        self.cached += cached
        if cost is None:
            self.unpriced += 1
            self.unpriced_tokens += inp + out
            self.unpriced_requests += requests or 0
        else:
            self.any_cost = True
            self.cost += cost
            if cost_source == "reported":
                self.reported += cost
            elif cost_source == "estimated":
                self.estimated += cost
            else:
                self.computed += cost
            if requests:
                self.avg_cost += cost
                self.avg_requests += requests
        if self.first is None or ts < self.first:
            self.first = ts
        if self.last is None or ts > self.last:
            self.last = ts

    def fields(self) -> TotalsFields:
        known_requests = self.records - self.unknown_requests
        return TotalsFields(
            records=self.records,
            total_requests=self.requests if known_requests else None,
            unknown_request_records=self.unknown_requests,
            input_tokens=self.input,
            output_tokens=self.output,
            cached_tokens=self.cached,
            total_cost=self.cost if self.any_cost else None,
            reported_cost=self.reported,
            computed_cost=self.computed,
            estimated_cost=self.estimated,
            unpriced_records=self.unpriced,
            unpriced_tokens=self.unpriced_tokens,
            unpriced_requests=self.unpriced_requests,
            average_cost_per_request=_avg(self.avg_cost / self.avg_requests) if self.avg_requests else None,
            first_ts=self.first,
            last_ts=self.last,
        )

    def day(self, d: date) -> DayUsage:
        known_requests = self.records - self.unknown_requests
        if self.records == 0:
            return DayUsage(d, 0, 0, Decimal(0))
        return DayUsage(
            d,
            self.requests if known_requests else None,
            self.input + self.output,
            self.cost if self.any_cost else None,
        )


def window(days: int, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last `days` calendar days in UTC, today included: [midnight days-1 ago, now]."""
    if days < 1:
        raise ValueError("days must be at least 1")
    now = (now or utcnow()).astimezone(timezone.utc)
    start = datetime.combine(now.date() - timedelta(days=days - 1), time(0), tzinfo=timezone.utc)
    return start, now


def _daily(per_day: dict[date, _Acc], since: datetime, until: datetime) -> tuple[DayUsage, ...]:
    out = []
    d = since.date()
    while d <= until.date():
        out.append(per_day[d].day(d) if d in per_day else DayUsage(d, 0, 0, Decimal(0)))
        d += timedelta(days=1)
    return tuple(out)


def unreadable(ts: object, *counts: object) -> bool:
    """A usage record whose stored time or token counts read as None (damaged by a hand edit or
    another tool): left out of every sum and counted, never taken as 0 tokens, never repriced."""
    return ts is None or None in counts


def _rows(since: datetime, until: datetime, provider: str | None = None, model_ids: Iterable[str] = ()) -> Iterable[DBRow]:
    """Records in the window: (ts, provider, model_id, requests, input, output, cached, cost,
    cost_source, source, requested_model), as the store's fields read them. With `model_ids`, those
    that asked for one of them or resolved to one of them (an OR: a record that did both is still
    one row). A damaged time or token count reads as None (a hand edit, another tool): the callers
    leave such a record out of every sum and count it, rather than take its tokens as 0."""
    from ..store.models import UsageRecord as U
    from ..store.models import tuples

    query = U.select(
        U.ts, U.provider, U.model_id, U.requests, U.input_tokens, U.output_tokens, U.cached_tokens, U.cost_usd,
        U.cost_source, U.source, U.requested_model,
    ).where((U.ts >= since) & (U.ts <= until))
    if provider:
        query = query.where(U.provider == provider)
    ids = sorted(set(model_ids))
    if ids:
        query = query.where(U.model_id.in_(ids) | U.requested_model.in_(ids))
    return tuples(query.order_by(U.ts))


def _dec(value: object) -> Decimal | None:
    """A stored amount; one that is not a finite number (written by hand or by an older
    version) counts as unknown rather than failing the report."""
    if value is None:
        return None
    try:
        dec = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    # An amount past 10^20 USD is no amount at all: unknown, so it cannot swamp every total.
    return dec if dec.is_finite() and (not dec or dec.adjusted() <= 20) else None


def _store_models(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pairs that name a store model, by its id or an alias its provider states."""
    from ..store.queries import resolve_ids

    return set(resolve_ids(pairs))


# ----------------------------------------------------------------------------- public API


def model_usage(
    provider: str, model_id: str, days: int = 30, *, now: datetime | None = None, aliases: Iterable[str] = ()
) -> ModelUsage:
    """One model's usage over the last `days` days (today included), with a daily series: every
    record that asked for `model_id` (or one of its `aliases`) or resolved to it, each once.

    Needs an open store (tables bound). A model with no usage gives zero counts, total_requests 0,
    total_cost Decimal(0) and average None: "no usage" is known, not unknown.
    """
    since, until = window(days, now)
    total = _Acc()
    per_day: dict[date, _Acc] = defaultdict(_Acc)
    damaged = 0
    for ts, _p, _m, requests, inp, out, cached, cost, cost_source, _src, _req in _rows(since, until, provider, (model_id, *aliases)):
        if unreadable(ts, inp, out, cached):
            damaged += 1
            continue
        cost = _dec(cost)
        total.add(ts, requests, inp, out, cached, cost, cost_source)
        per_day[ts.date()].add(ts, requests, inp, out, cached, cost, cost_source)
    values = total.fields()
    if total.records == 0:
        values["total_requests"] = 0
        values["total_cost"] = Decimal(0)
    return ModelUsage(
        **values,
        provider=provider,
        model_id=model_id,
        days=days,
        since=since,
        until=until,
        in_store=bool(_store_models([(provider, model_id)])),
        daily=_daily(per_day, since, until),
        damaged_records=damaged,
    )


def _order(item: GroupUsage) -> tuple[bool, Decimal, int, str, str]:
    # Highest known cost first; unpriced groups after priced ones, then by tokens.
    cost = item.total_cost
    return (cost is None, -(cost or Decimal(0)), -item.total_tokens, item.provider, item.model_id)


def usage_summary(days: int = 30, *, provider: str | None = None, now: datetime | None = None) -> UsageSummary:
    """Totals, per provider, per model and per day over the last `days` days."""
    since, until = window(days, now)
    total = _Acc()
    per_provider: dict[str, _Acc] = defaultdict(_Acc)
    per_model: dict[tuple[str, str], _Acc] = defaultdict(_Acc)
    resolved: dict[tuple[str, str], set[str]] = defaultdict(set)
    per_day: dict[date, _Acc] = defaultdict(_Acc)
    sources: dict[str, int] = defaultdict(int)
    damaged = 0
    for ts, prov, model, requests, inp, out, cached, cost, cost_source, src, requested in _rows(since, until, provider):
        if unreadable(ts, inp, out, cached):
            damaged += 1
            continue
        cost = _dec(cost)
        args = (ts, requests, inp, out, cached, cost, cost_source)
        total.add(*args)
        per_provider[prov].add(*args)
        asked = requested or model
        per_model[(prov, asked)].add(*args)
        if model != asked:
            resolved[(prov, asked)].add(model)
        per_day[ts.date()].add(*args)
        sources[src] += 1
    known = _store_models([*per_model, *((p, r) for (p, _), ids in resolved.items() for r in ids)])
    by_provider = sorted((GroupUsage(**acc.fields(), provider=p) for p, acc in per_provider.items()), key=_order)
    by_model = sorted(
        (
            GroupUsage(
                **acc.fields(), provider=p, model_id=m, resolved=tuple(sorted(resolved.get((p, m), ()))),
                in_store=(p, m) in known or any((p, r) in known for r in resolved.get((p, m), ())),
            )
            for (p, m), acc in per_model.items()
        ),
        key=_order,
    )
    return UsageSummary(
        days=days,
        since=since,
        until=until,
        provider=provider,
        totals=UsageTotals(**total.fields()),
        by_provider=tuple(by_provider),
        by_model=tuple(by_model),
        daily=_daily(per_day, since, until),
        sources=dict(sources),
        damaged_records=damaged,
    )
