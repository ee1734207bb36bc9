"""The pricing sync: feeds -> match -> plan (pure) -> apply (one transaction per provider group).

Sources in order of trust (store/ledger.SOURCE_TRUST): the provider's own published price >
the LiteLLM feed > genai-prices > the bundled snapshot. A price from a less trusted source never
replaces a current price from a more trusted one; the same price writes nothing.

Everything is loaded in bulk and compared in memory, and only changes are written, so a re-run
with nothing new costs two SELECTs and the feed parse.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Sequence

from ..domain import PRICE_COMPONENTS, Price, PriceTier, as_utc, utcnow
from ..errors import BadResponse, ProviderError, UsageError
from ..events import EmitFn, Progress, RunFinished, RunStarted, Warning, ignore
from ..store.ledger import LedgerWrite, record_many, trust
from ..store.models import Model, ModelChange, Provider, SyncRun
from ..store.models import Price as PriceTable
from ..sync.apply import bulk_insert
from ..sync.runner import ProviderOutcome, RunSummary
from .catalog import ENRICH_FIELDS, SEEDED_KEY, enrich, new_model_values
from .feeds import FeedEntry, GenaiModel, parse_genai, parse_litellm, provider_names
from .clouds import prepare as prepare_cloud_matching
from .match import Matcher
from .sources import LoadedFeed, load_feed

CATALOG = "catalog"
CHUNK = 400


class PricingSummary(RunSummary):
    """A RunSummary whose totals also carry the pricing counts (unmatched, enriched)."""

    def totals(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.synced:
            for k, v in o.plan.counts().items():  # type: ignore[union-attr]
                out[k] = out.get(k, 0) + v
        return out


@dataclass(frozen=True, slots=True)
class PricedModel:
    """One model's line in the report."""

    model_id: str
    status: str
    """updated, unchanged, kept (a more trusted price stays), unmatched, added"""
    new: Price | None = None
    old: Price | None = None
    source: str | None = None
    effective_from: datetime | None = None


@dataclass
class PricingPlan:
    provider: str
    name: str
    items: list[PricedModel] = field(default_factory=list)
    writes: list[LedgerWrite] = field(default_factory=list)
    olds: list[Price | None] = field(default_factory=list)
    """The price each write replaces (None = unknown until now), for the change log."""
    new_models: list[tuple[FeedEntry, LedgerWrite | None]] = field(default_factory=list)
    """Catalog additions; the LedgerWrite has model_pk 0 until the row exists."""
    field_updates: list[tuple[int, dict[str, Any], list[tuple[str, Any, Any]]]] = field(default_factory=list)
    flag_in_catalog: list[int] = field(default_factory=list)
    retire: list[int] = field(default_factory=list)
    guard: str | None = None
    fetch_seconds: float = 0.0

    def by_status(self, status: str) -> list[PricedModel]:
        return [i for i in self.items if i.status == status]

    @property
    def found(self) -> int:
        return len(self.items)

    @property
    def has_changes(self) -> bool:
        return bool(self.writes or self.new_models or self.field_updates or self.flag_in_catalog or self.retire)

    def counts(self) -> dict[str, int]:
        return {
            "found": self.found,
            "added": len(self.new_models),
            "updated": len(self.by_status("updated")),
            "unchanged": len(self.by_status("unchanged")) + len(self.by_status("kept")),
            "missing": len(self.retire),
            "prices_changed": len(self.writes) + sum(1 for _, w in self.new_models if w is not None),
            "unmatched": len(self.by_status("unmatched")),
            "enriched": len(self.field_updates),
        }


@dataclass
class _Stored:
    pk: int
    provider: str
    model_id: str
    status: str
    available: bool
    in_catalog: bool
    values: dict[str, Any]
    capabilities: list[str]
    sources: dict[str, Any]
    aliases: tuple[str, ...] = ()
    """The ids the provider states for this model besides its own (matched when its own is not)."""


@dataclass
class _Current:
    row_id: int
    price: Price
    source: str
    effective_from: datetime


@lru_cache(maxsize=4096)
def _json_text(text: str) -> Any:
    return json.loads(text)


def _json(value: Any) -> Any:
    """Decode a raw JSON column. Cached by text: callers copy before changing the result."""
    if value is None or not isinstance(value, str):
        return value
    return _json_text(value)


def _when(value: Any) -> datetime | None:
    """A raw UTCDateTimeField value (naive UTC text on SQLite, datetime elsewhere) -> aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


def _same_list_price(a: Price, b: Price) -> bool:
    return a.input is not None and a.input == b.input and a.output == b.output


def desired_price(
    entry: FeedEntry | None, genai: GenaiModel | None, now: datetime, litellm_source: str, genai_source: str
) -> tuple[Price, str, datetime | None, tuple[tuple[datetime, datetime, Price], ...]] | None:
    """(price, source, effective_from, earlier dated periods) from the best feed, or None.

    LiteLLM gives the current price; genai-prices dates it when its period in force says the same.
    genai-prices alone gives both the price and its dated history.
    """
    active = genai.active(now) if genai else None
    history: tuple[tuple[datetime, datetime, Price], ...] = ()
    if genai is not None:
        dated = genai.history(now)
        history = tuple((a.start, b.start, a.price) for a, b in zip(dated, dated[1:]))  # type: ignore[misc]
    if entry is not None and entry.price is not None:
        if active is not None and active.start is not None and _same_list_price(active.price, entry.price):
            return entry.price, litellm_source, active.start, history
        return entry.price, litellm_source, None, ()
    if active is not None:
        return active.price, genai_source, active.start, history
    return None


class PricingSync:
    def __init__(
        self,
        settings: Any,
        store: Any,
        *,
        providers: Sequence[str] | None = None,
        force: bool = False,
        dry_run: bool = False,
        offline: bool = False,
        emit: EmitFn = ignore,
        client: Any = None,
        now: datetime | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.requested = list(providers) if providers else None
        self.force = force
        self.dry_run = dry_run
        pricing = getattr(settings, "pricing", None)
        self.offline = offline or (pricing is not None and not pricing.remote)
        self.emit = emit
        self._client = client
        self.now = now or utcnow()
        self.group = uuid.uuid4().hex[:12]
        self.summary = PricingSummary("pricing", self.group, dry_run, self.now)
        self.feeds: list[LoadedFeed] = []
        self.reports: list[Any] = []
        self.plans: list[PricingPlan] = []

    # ------------------------------------------------------------------ feeds

    def _fetcher(self) -> Any:
        def client() -> Any:
            # Made on the first URL fetch only: a local feed file never pays for the TLS set-up.
            from ..providers.http import HttpClient, options_from

            if self._client is None:
                ms = self.settings.model_sync
                self._client = HttpClient(
                    options_from(ms),
                    emit=self.emit,
                )
                self._owns_client = True
            return self._client

        def classify(name: str, status: int, body: Any) -> ProviderError:
            return BadResponse(name, f"HTTP {status}" + (" (not found; check pricing.feed_url)" if status == 404 else ""))

        def fetch(url: str, etag: str | None) -> tuple[int, bytes | None, str | None]:
            headers = {"accept": "application/json, */*"}
            if etag:
                headers["if-none-match"] = etag
            r = client().request_json("price feed", "GET", url, headers=headers, raw=True, classify=classify)
            return r.status, (None if r.status == 304 else r.body), r.headers.get("etag")

        return fetch

    def load_feeds(self) -> tuple[LoadedFeed, LoadedFeed]:
        pricing = getattr(self.settings, "pricing", None)
        fetch = None if self.offline else self._fetcher()
        feeds = []
        try:
            for kind, location in (
                ("litellm", pricing.feed_url if pricing else ""),
                ("genai", pricing.genai_prices_url if pricing else ""),
            ):
                self.emit(Progress(None, f"loading the {kind} price feed"))
                feed = load_feed(
                    kind, location, self.store.meta_get, offline=self.offline, force=self.force,
                    cache_ttl=pricing.cache_ttl if pricing else 0, fetch=fetch, now=self.now,
                )
                for w in feed.warnings:
                    self.emit(Warning(None, w))
                feeds.append(feed)
        finally:
            if getattr(self, "_owns_client", False):
                self._client.close()
                self._client = None
        self.feeds = feeds
        return feeds[0], feeds[1]

    # ------------------------------------------------------------------ plan

    def _configured(self) -> dict[str, str]:
        if self.settings is None:
            return {}
        return {slug: p.name for slug, p in self.settings.providers.items()}

    def prepare(self) -> list[PricingPlan]:
        litellm, genai = self.load_feeds()
        lfeed = parse_litellm(litellm.data)
        gfeed = parse_genai(genai.data)
        self.reports = [lfeed.report, gfeed.report]
        matcher = Matcher(lfeed.entries, gfeed)
        prepare_cloud_matching(matcher, self.settings)
        providers = {slug: (pk, name) for pk, slug, name in Provider.select(Provider.id, Provider.slug, Provider.name).tuples()}
        configured = self._configured()
        feed_names = provider_names(lfeed.entries)
        if self.requested:
            known = set(configured) | set(providers) | set(feed_names)
            for slug in self.requested:
                if slug not in known:
                    raise UsageError(
                        f"unknown provider {slug!r} for pricing",
                        hint="use a configured provider (`aisync config check`) or a provider from the price feed",
                    )
        wanted = set(self.requested) if self.requested else None
        by_pk = {pk: slug for slug, (pk, _) in providers.items()}
        stored = self._load_models(by_pk, wanted)
        detailed = {m.provider for m in stored if m.available and m.provider in configured} | (wanted or set())
        current = self._load_prices()
        from ..config import KNOWN_PROVIDERS

        name_of = {**feed_names, **{s: spec.name for s, spec in KNOWN_PROVIDERS.items()}, **{s: n for s, (_, n) in providers.items()}, **configured}
        plans: dict[str, PricingPlan] = {}

        def plan_for(slug: str, available: bool) -> PricingPlan:
            key = slug if available and slug in detailed else CATALOG
            if key not in plans:
                plans[key] = PricingPlan(key, name_of.get(key, key) if key != CATALOG else "Catalog")
            return plans[key]

        for slug in sorted(detailed):
            plan_for(slug, True)
        lsrc, gsrc = litellm.source, genai.source
        self.litellm_source = lsrc
        may_retire = wanted is None and litellm.origin != "snapshot"
        seen: set[tuple[str, str]] = set()
        for m in stored:
            seen.add((m.provider, m.model_id))
            seen.update((m.provider, a) for a in m.aliases)
            plan = plan_for(m.provider, m.available)
            entry = matcher.litellm_for_model(m.provider, m.model_id, m.aliases)
            g = matcher.genai_for_model(m.provider, m.model_id, m.aliases)
            if entry is not None:
                updates, _, changes = enrich(m.values, m.capabilities, m.sources, entry, lsrc)
                if updates:
                    plan.field_updates.append((m.pk, updates, changes))
            if (entry is not None or g is not None) and not m.in_catalog:
                plan.flag_in_catalog.append(m.pk)
            cur = current.get(m.pk)
            want = desired_price(entry, g, self.now, lsrc, gsrc)
            if may_retire and entry is None and g is None and m.status == CATALOG and not m.available and m.in_catalog:
                plan.retire.append(m.pk)  # gone upstream: kept (with its price history), marked retired
            if want is None:
                if cur is None:
                    plan.items.append(PricedModel(m.model_id, "unmatched"))
                else:
                    plan.items.append(PricedModel(m.model_id, "kept", cur.price, cur.price, cur.source))
                continue
            price, source, eff, history = want
            if cur is not None and trust(source) < trust(cur.source):
                plan.items.append(PricedModel(m.model_id, "kept", cur.price, cur.price, cur.source))
            elif cur is not None and cur.price.same_as(price):
                plan.items.append(PricedModel(m.model_id, "unchanged", price, cur.price, cur.source, cur.effective_from))
            else:
                plan.items.append(PricedModel(m.model_id, "updated", price, cur.price if cur else None, source, eff))
                plan.olds.append(cur.price if cur else None)
                plan.writes.append(
                    LedgerWrite(
                        m.pk, price, source, eff, cur.row_id if cur else None, cur.effective_from if cur else None,
                        history if cur is None else (),
                    )
                )
        for entry in lfeed.entries:
            if (entry.provider, entry.model_id) in seen or (wanted is not None and entry.provider not in wanted):
                continue
            plan = plan_for(entry.provider, False)
            want = desired_price(entry, matcher.genai_for(entry.provider, entry.model_id), self.now, lsrc, gsrc)
            write = None
            if want is not None:
                price, source, eff, history = want
                write = LedgerWrite(0, price, source, eff, None, None, history)
            plan.new_models.append((entry, write))
            plan.items.append(PricedModel(entry.model_id, "added", write.price if write else None, None, write.source if write else None))
        order = [s for s in sorted(plans) if s != CATALOG] + ([CATALOG] if CATALOG in plans else [])
        self.plans = [plans[k] for k in order]
        for plan in self.plans:
            self.summary.outcomes.append(ProviderOutcome(plan.provider, "dry_run" if self.dry_run else "planned", plan=plan))  # type: ignore[arg-type]
        return self.plans

    def _load_models(self, by_pk: dict[int, str], wanted: set[str] | None) -> list[_Stored]:
        """Every model in one raw SELECT: Peewee's per-row conversion was most of a no-change re-run,
        and the JSON columns repeat the same few texts, so each distinct text is decoded once."""
        cols = [getattr(Model, f) for f in ENRICH_FIELDS]
        query = Model.select(
            Model.id, Model.provider, Model.model_id, Model.status, Model.available, Model.in_catalog,
            Model.capabilities, Model.field_sources, *cols,
        )
        if wanted is not None:
            pks = [pk for pk, slug in by_pk.items() if slug in wanted]
            query = query.where(Model.provider.in_(pks))
        from ..store.queries import aliases_by_model

        aliases = aliases_by_model()
        out = []
        for row in self.store.db.execute_sql(*query.sql()):
            pk, provider_pk, model_id, status, available, in_catalog, caps, sources, mtype, ctx, max_out, ins, outs, dep = row
            values = {
                "type": mtype, "context_length": ctx, "max_output_tokens": max_out,
                "input_modalities": _json(ins) or (), "output_modalities": _json(outs) or (), "deprecated_at": _when(dep),
            }
            out.append(
                _Stored(
                    pk, by_pk[provider_pk], model_id, status, bool(available), bool(in_catalog),
                    values, list(_json(caps) or ()), dict(_json(sources) or {}), aliases.get(pk, ()),
                )
            )
        return out

    def _load_prices(self) -> dict[int, _Current]:
        cols = [getattr(PriceTable, name) for name in PRICE_COMPONENTS]
        out: dict[int, _Current] = {}
        query = PriceTable.select(
            PriceTable.id, PriceTable.model, PriceTable.tiers, PriceTable.currency, PriceTable.effective_from, PriceTable.source, *cols
        ).where(PriceTable.effective_until.is_null())
        for row_id, model_pk, tiers, currency, eff_raw, source, *values in self.store.db.execute_sql(*query.sql()):
            eff = _when(eff_raw)
            old = out.get(model_pk)
            if old is not None and old.effective_from >= eff:  # type: ignore[operator]
                continue
            price = Price(
                **{name: (None if v is None else Decimal(str(v))) for name, v in zip(PRICE_COMPONENTS, values)},
                tiers=tuple(PriceTier.from_json(t) for t in _json(tiers) or ()),
                currency=currency,
            )
            out[model_pk] = _Current(row_id, price, source, eff)  # type: ignore[arg-type]
        return out

    # ------------------------------------------------------------------ apply

    def apply(self) -> RunSummary:
        from ..sync.plan import format_value

        now = self.now
        db = self.store.db
        configured = self._configured()
        for outcome in self.summary.outcomes:
            plan: PricingPlan = outcome.plan  # type: ignore[assignment]
            run = SyncRun.create(
                kind="pricing", provider=plan.provider, group=self.group, started_at=now, status="running",
                found=plan.found, host=socket.gethostname(), pid=os.getpid(),
            )
            outcome.run_id = run.id
            try:
                with db.atomic():
                    self._apply_plan(plan, run.id, now, format_value)
                    counts = plan.counts()
                    SyncRun.update(
                        status="ok", finished_at=utcnow(), added=counts["added"], updated=counts["updated"],
                        unchanged=counts["unchanged"], missing=counts["missing"], prices_changed=counts["prices_changed"],
                        error="; ".join(w for f in self.feeds for w in f.warnings) or None,
                    ).where(SyncRun.id == run.id).execute()
                    if plan.provider in configured:
                        Provider.update(last_pricing_at=now).where(Provider.slug == plan.provider).execute()
            except BaseException:
                SyncRun.update(status="cancelled", finished_at=utcnow(), error="interrupted").where(SyncRun.id == run.id).execute()
                raise
            outcome.status = "ok"
        with db.atomic():
            for feed in self.feeds:
                for key, value in feed.meta_updates.items():
                    self.store.meta_set(key, value)
            if self.requested is None:
                litellm = self.feeds[0]
                self.store.meta_set(SEEDED_KEY, f"{litellm.origin}:{litellm.revision}:{now.isoformat()}")
        return self.summary

    def _apply_plan(self, plan: PricingPlan, run_id: int, now: datetime, format_value: Any) -> None:
        changes: list[dict[str, Any]] = []
        writes = list(plan.writes)
        if plan.new_models:
            slugs = sorted({e.provider for e, _ in plan.new_models})
            have = dict(Provider.select(Provider.slug, Provider.id).where(Provider.slug.in_(slugs)).tuples())
            names = provider_names(e for e, _ in plan.new_models)
            configured = self._configured()
            from ..config import KNOWN_PROVIDERS

            for slug in slugs:
                if slug not in have:
                    spec = KNOWN_PROVIDERS.get(slug)
                    kind = self.settings.providers[slug].kind if slug in configured else (spec.kind if spec else CATALOG)
                    name = configured.get(slug) or (spec.name if spec else names[slug])
                    have[slug] = Provider.insert(slug=slug, name=name, kind=kind).execute()
            rows = []
            for entry, _ in plan.new_models:
                values = new_model_values(entry, self.litellm_source)
                values.update(provider=have[entry.provider], first_seen_at=now)
                rows.append(values)
            for i in range(0, len(rows), CHUNK):
                bulk_insert(self.store.db, Model, rows[i : i + CHUNK])
            pks: dict[tuple[int, str], int] = {}
            for pk, provider_pk, model_id in (
                Model.select(Model.id, Model.provider, Model.model_id).where(Model.provider.in_(list(have.values()))).tuples()
            ):
                pks[(provider_pk, model_id)] = pk
            for entry, write in plan.new_models:
                if write is not None:
                    pk = pks[(have[entry.provider], entry.model_id)]
                    writes.append(LedgerWrite(pk, write.price, write.source, write.effective_from, None, None, write.history))
        record_many(writes, at=now, insert=lambda rows: bulk_insert(self.store.db, PriceTable, rows))
        for pk, updates, field_changes in plan.field_updates:
            Model.update(**updates).where(Model.id == pk).execute()
            for name, old, new in field_changes:
                changes.append({"model": pk, "run": run_id, "field": name, "old": format_value(old), "new": format_value(new), "at": now})
        for i in range(0, len(plan.flag_in_catalog), CHUNK):
            Model.update(in_catalog=True).where(Model.id.in_(plan.flag_in_catalog[i : i + CHUNK])).execute()
        for i in range(0, len(plan.retire), CHUNK):
            ids = plan.retire[i : i + CHUNK]
            Model.update(status="retired", in_catalog=False).where(Model.id.in_(ids)).execute()
            changes.extend({"model": pk, "run": run_id, "field": "status", "old": CATALOG, "new": "retired", "at": now} for pk in ids)
        for w, old in zip(plan.writes, plan.olds):
            changes.append(
                {"model": w.model_pk, "run": run_id, "field": "pricing", "old": format_value(old), "new": format_value(w.price), "at": now}
            )
        for i in range(0, len(changes), CHUNK):
            bulk_insert(self.store.db, ModelChange, changes[i : i + CHUNK])

    # ------------------------------------------------------------------ run

    def run(self) -> RunSummary:
        """prepare + apply (or only prepare with dry_run). The caller holds the run lock to write."""
        self.emit(RunStarted("pricing", tuple(self.requested or ()), self.dry_run, self.group))
        try:
            self.prepare()
            if not self.dry_run:
                self.apply()
        finally:
            self.summary.finished_at = utcnow()
        self.summary.extra["feeds"] = [
            {"feed": f.kind, "origin": f.origin, "revision": f.revision, "models": f.count, "source": f.source} for f in self.feeds
        ]
        self.summary.extra["warnings"] = [w for f in self.feeds for w in f.warnings]
        self.summary.extra["notices"] = [n for f in self.feeds for n in f.notices]
        self.emit(RunFinished("pricing", self.summary, False))
        return self.summary


def sync_all_stage(ctx: Any, *, force: bool = False, dry_run: bool = False) -> RunSummary:
    """The pricing step of `aisync --sync-all` (after the model sync): prints nothing itself except
    feed warnings on stderr; the caller prints the summary."""
    sync = PricingSync(ctx.settings, ctx.store(), force=force, dry_run=dry_run)
    if dry_run:
        summary = sync.run()
    else:
        with ctx.lock():
            summary = sync.run()
    for line in summary.extra.get("warnings", []):  # type: ignore[union-attr]
        ctx.warn(f"pricing: {line}")
    return summary
