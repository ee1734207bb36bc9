"""What a committed run changed that the user would want to hear about, read from the store.

A model is in scope when the user can call it (listed by their providers), used it in the last
30 days (by id or a stated alias), or watches it (`notify.watch`). Everything else is catalog
churn and never news. Each kind of news is said once:
- price: a new price period recorded by this run for a model that had one before;
- new: a model first listed by a provider in this run (not on that provider's first sync);
- missing: a model a provider stopped listing in this run;
- deprecation: a used or watched model whose deprecation date is within `deprecation_days`,
  remembered in the store once announced;
- failure: a provider whose `fail_after`-th failure in a row is this run's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Iterable, Sequence

from ..domain import Price, stored_time, utcnow

if TYPE_CHECKING:
    from ..config import Settings
    from ..outcomes import Plan, RunSummary

ANNOUNCED_KEY = "notify.deprecations_announced"


@dataclass(frozen=True, slots=True)
class PriceNews:
    provider: str
    model_id: str
    old: Price
    new: Price


@dataclass(frozen=True, slots=True)
class ModelNews:
    provider: str
    model_id: str
    date: datetime | None = None
    used: bool = False


@dataclass(frozen=True, slots=True)
class FailureNews:
    provider: str
    kind: str
    streak: int
    error: str | None


@dataclass
class News:
    prices: list[PriceNews] = field(default_factory=list)
    new: list[ModelNews] = field(default_factory=list)
    missing: list[ModelNews] = field(default_factory=list)
    deprecations: list[ModelNews] = field(default_factory=list)
    failures: list[FailureNews] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.prices or self.new or self.missing or self.deprecations or self.failures)

    def count(self) -> int:
        return len(self.prices) + len(self.new) + len(self.missing) + len(self.deprecations) + len(self.failures)


def _watched(watch: Iterable[str]) -> set[tuple[str, str]]:
    out = set()
    for entry in watch:
        provider, _, model = entry.partition("/")
        out.add((provider, model))
    return out


class Scope:
    """Which models are the user's business."""

    def __init__(self, watch: Iterable[str], now: datetime) -> None:
        from ..choose.deprecations import recent_usage

        self.watch = _watched(watch)
        self.usage = recent_usage(now=now)

    def used(self, provider: str, model_id: str, aliases: Iterable[str]) -> bool:
        return any((provider, m) in self.usage for m in (model_id, *aliases))

    def includes(self, provider: str, model_id: str, aliases: Iterable[str], available: bool) -> bool:
        if available or (provider, model_id) in self.watch or any((provider, a) in self.watch for a in aliases):
            return True
        return self.used(provider, model_id, aliases)


def _models(pks: Sequence[int]) -> dict[int, tuple[str, str, list[str], bool]]:
    """Model pk -> (provider, model id, aliases, available)."""
    from ..store.models import Model, Provider

    out: dict[int, tuple[str, str, list[str], bool]] = {}
    for i in range(0, len(pks), 500):
        chunk = list(pks[i : i + 500])
        query = Model.select(Model.id, Provider.slug, Model.model_id, Model.aliases, Model.available).join(Provider).where(Model.id.in_(chunk))
        for m in query:
            out[m.id] = (m.provider.slug, m.model_id, list(m.aliases or ()), bool(m.available))
    return out


def price_news(since: datetime, scope: Scope) -> list[PriceNews]:
    from ..store.models import Price as PriceTable
    from ..store.queries import price_from_row

    fresh = list(PriceTable.select().where((PriceTable.recorded_at >= since) & PriceTable.effective_until.is_null()).order_by(PriceTable.id))
    if not fresh:
        return []
    models = _models(sorted({r.model_id for r in fresh}))
    out = []
    for row in fresh:
        info = models.get(row.model_id)
        if info is None or not scope.includes(info[0], info[1], info[2], info[3]):
            continue
        before = (
            PriceTable.select()
            .where((PriceTable.model == row.model_id) & (PriceTable.id != row.id) & (PriceTable.effective_from <= row.effective_from) & (PriceTable.recorded_at < since))
            .order_by(PriceTable.effective_from.desc(), PriceTable.id.desc())
            .first()
        )
        if before is None:
            continue  # a first price: the model is newly priced, not re-priced
        old, new = price_from_row(before), price_from_row(row)
        if not old.same_as(new):
            out.append(PriceNews(info[0], info[1], old, new))
    return out


def model_news(since: datetime, scope: Scope) -> tuple[list[ModelNews], list[ModelNews]]:
    from ..store.models import Model, ModelChange, Provider, SyncRun, tuples

    # A provider's first successful sync lists everything it has: that is not news.
    ok_before = SyncRun.select(SyncRun.provider).where((SyncRun.kind == "models") & (SyncRun.status == "ok") & (SyncRun.started_at < since)).distinct()
    known = {row[0] for row in tuples(ok_before)}
    new = []
    query = (
        Model.select(Provider.slug, Model.model_id, Model.aliases, Model.available)
        .join(Provider)
        .where((Model.first_seen_at >= since) & (Model.available == True))  # noqa: E712
        .order_by(Provider.slug, Model.model_id)
    )
    for m in query:
        if m.provider.slug in known:
            new.append(ModelNews(m.provider.slug, m.model_id))
    missing = []
    changes = ModelChange.select(ModelChange.model).where((ModelChange.at >= since) & (ModelChange.field == "status") & (ModelChange.new == "missing"))
    pks = sorted({c.model_id for c in changes})
    for slug, model_id, aliases, _available in sorted(_models(pks).values(), key=lambda v: (v[0], v[1])):
        # It was listed for the user until this run: in scope by definition.
        missing.append(ModelNews(slug, model_id, used=scope.used(slug, model_id, aliases)))
    return new, missing


def deprecation_news(days: int, scope: Scope, now: datetime, announced: set[str]) -> list[ModelNews]:
    from ..store.models import Model, Provider

    query = (
        Model.select(Provider.slug, Model.model_id, Model.aliases, Model.deprecated_at)
        .join(Provider)
        .where(Model.deprecated_at.is_null(False) & (Model.deprecated_at <= now + timedelta(days=days)) & (Model.deprecated_at >= now - timedelta(days=days)))
    )
    out = []
    for m in query:
        aliases = list(m.aliases or ())
        used = scope.used(m.provider.slug, m.model_id, aliases)
        watched = (m.provider.slug, m.model_id) in scope.watch
        date = stored_time(m.deprecated_at)
        if not (used or watched) or date is None or date < now - timedelta(days=1):
            continue
        key = f"{m.provider.slug}/{m.model_id}@{date:%Y-%m-%d}"
        if key in announced:
            continue
        out.append(ModelNews(m.provider.slug, m.model_id, date=date, used=used))
    out.sort(key=lambda n: (n.date, n.provider, n.model_id))
    return out


def failure_news(summaries: Sequence[RunSummary[Plan]], fail_after: int) -> list[FailureNews]:
    from ..store.run_status import provider_health

    failed = {(s.kind, o.provider): o for s in summaries for o in s.outcomes if o.status == "failed"}
    if not failed:
        return []
    out = []
    for h in provider_health(kinds={k for k, _ in failed}):
        o = failed.get((h.kind, h.provider or ""))
        if o is not None and h.consecutive_failures == fail_after:
            out.append(FailureNews(h.provider or "", h.kind, h.consecutive_failures, o.error.line() if o.error else None))
    return out


def announced() -> set[str]:
    from ..store.models import Meta

    row = Meta.get_or_none(Meta.key == ANNOUNCED_KEY)
    if row is None or not row.value:
        return set()
    try:
        return set(json.loads(row.value))
    except ValueError:
        return set()


def remember_announced(keys: Iterable[str], now: datetime) -> None:
    """Keep the deprecations said, so the next run does not say them again (old ones dropped)."""
    from ..store.models import Meta

    keep = {k for k in announced() | set(keys) if _still_relevant(k, now)}
    value = json.dumps(sorted(keep))
    Meta.insert(key=ANNOUNCED_KEY, value=value).on_conflict(conflict_target=[Meta.key], update={Meta.value: value}).execute()


def _still_relevant(key: str, now: datetime) -> bool:
    try:
        date = datetime.strptime(key.rsplit("@", 1)[1], "%Y-%m-%d")
    except (IndexError, ValueError):
        return False
    return date.date() >= (now - timedelta(days=400)).date()


def collect(summaries: Sequence[RunSummary[Plan]], settings: Settings, *, now: datetime | None = None) -> News:
    """The news of the run whose stages are `summaries`, limited to the configured events."""
    now = now or utcnow()
    cfg = settings.notify
    events = set(cfg.events)
    since = min(s.started_at for s in summaries)
    scope = Scope(cfg.watch, now)
    news = News()
    if "price" in events:
        news.prices = price_news(since, scope)
    if "new" in events or "missing" in events:
        new, missing = model_news(since, scope)
        news.new = new if "new" in events else []
        news.missing = missing if "missing" in events else []
    if "deprecation" in events:
        news.deprecations = deprecation_news(cfg.deprecation_days, scope, now, announced())
    if "failure" in events:
        news.failures = failure_news(summaries, cfg.fail_after)
    return news


def deprecation_keys(news: News) -> list[str]:
    return [f"{n.provider}/{n.model_id}@{n.date:%Y-%m-%d}" for n in news.deprecations if n.date is not None]
