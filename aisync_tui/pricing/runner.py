"""Runs a pricing sync: load the feeds, read the store, plan (pure), then (unless dry-run) apply.

The same runner serves `sync-pricing`, `--sync-all`, the app (prepare in one worker, preview,
apply in another once the user confirms) and the first-run seeding from the bundled snapshot.
It takes settings and a store, never a command's context; the caller holds the run lock to write.
"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Sequence

from ..domain import utcnow
from ..errors import BadResponse, ProviderError, UsageError
from ..events import EmitFn, Progress, RunFinished, RunStarted, Warning, ignore
from ..outcomes import ProviderOutcome, RunSummary
from ..store.pricing_rows import load_pricing_state
from ..store.run_status import mark_interrupted_runs
from .apply import ApplyContext, apply_plans
from .catalog import SEEDED_KEY, STATE_FIELDS
from .clouds import prepare as prepare_cloud_matching
from .feeds import GenaiFeed, LiteLLMFeed, ParseReport, parse_genai, parse_litellm, provider_names
from .match import Matcher
from .modelsdev import MODELSDEV_PROVIDERS, ModelsDevReport, parse_modelsdev
from .plan import CATALOG, PlanInputs, PricingPlan, build_plans
from .sources import LoadedFeed, load_feed, snapshot_date

if TYPE_CHECKING:
    from ..config import Settings
    from ..providers.http import HttpClient
    from ..store.db import Store


class PricingRun:
    def __init__(
        self,
        settings: Settings | None,
        store: Store,
        *,
        providers: Sequence[str] | None = None,
        force: bool = False,
        dry_run: bool = False,
        offline: bool = False,
        accept_shrink: bool = False,
        timeout: float | None = None,
        emit: EmitFn = ignore,
        cancel: threading.Event | None = None,
        client: HttpClient | None = None,
        now: datetime | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.requested = list(providers) if providers else None
        self.force = force
        self.dry_run = dry_run
        pricing = settings.pricing if settings is not None else None
        self.offline = offline or (pricing is not None and not pricing.remote)
        self.accept_shrink = accept_shrink
        self.timeout = timeout
        self.emit = emit
        self.cancel = cancel or threading.Event()
        self._client = client
        self._owns_client = False
        self.now = now or utcnow()
        self.group = uuid.uuid4().hex[:12]
        self.summary: RunSummary[PricingPlan] = RunSummary("pricing", self.group, dry_run, self.now)
        self.feeds: list[LoadedFeed] = []
        self.reports: list[ParseReport] = []
        self.modelsdev_report = ModelsDevReport()
        self.plans: list[PricingPlan] = []
        self.warnings: list[str] = []
        self.litellm_source = "snapshot"

    # ------------------------------------------------------------------ feeds

    def _fetcher(self) -> Callable[[str, str | None], tuple[int, bytes | None, str | None]]:
        def client() -> HttpClient:
            # Made on the first URL fetch only: a local feed file never pays for the TLS set-up.
            from ..providers.http import HttpClient, options_from

            if self._client is None:
                assert self.settings is not None
                self._client = HttpClient(options_from(self.settings.model_sync, self.timeout), emit=self.emit, cancel=self.cancel)
                self._owns_client = True
            return self._client

        def classify(name: str, status: int, body: object) -> ProviderError:
            return BadResponse(name, f"HTTP {status}" + (" (not found; check pricing.feed_url)" if status == 404 else ""))

        def fetch(url: str, etag: str | None) -> tuple[int, bytes | None, str | None]:
            headers = {"accept": "application/json, */*"}
            if etag:
                headers["if-none-match"] = etag
            r = client().get_raw("price feed", url, headers=headers, classify=classify)
            return r.status, (None if r.status == 304 else r.body), r.headers.get("etag")

        return fetch

    def load_feeds(self) -> tuple[LoadedFeed, LoadedFeed, LoadedFeed]:
        pricing = self.settings.pricing if self.settings is not None else None
        fetch = None if self.offline else self._fetcher()
        feeds = []
        try:
            for kind, location in (
                ("litellm", pricing.feed_url if pricing else ""),
                ("genai", pricing.genai_prices_url if pricing else ""),
                ("modelsdev", pricing.modelsdev_url if pricing else ""),
            ):
                self.emit(Progress(None, f"loading the {kind} price feed"))
                feed = load_feed(
                    kind, location, self.store.meta_get, offline=self.offline, force=self.force,
                    cache_ttl=pricing.cache_ttl if pricing else 0, fetch=fetch, now=self.now,
                    accept_shrink=self.accept_shrink,
                )
                feeds.append(feed)
        finally:
            if self._owns_client and self._client is not None:
                self._client.close()
                self._client = None
        self.feeds = feeds
        return feeds[0], feeds[1], feeds[2]

    # ------------------------------------------------------------------ plan

    def _configured(self) -> dict[str, str]:
        if self.settings is None:
            return {}
        return {slug: p.name for slug, p in self.settings.providers.items()}

    def prepare(self) -> list[PricingPlan]:
        """Load the feeds and the store, and plan. Writes nothing."""
        litellm, genai, modelsdev = self.load_feeds()
        lfeed: LiteLLMFeed = parse_litellm(litellm.data)
        gfeed: GenaiFeed = parse_genai(genai.data)
        md_entries, md_report = parse_modelsdev(modelsdev.data, MODELSDEV_PROVIDERS)
        self.reports = [lfeed.report, gfeed.report]
        self.modelsdev_report = md_report
        configured = self._configured()
        feed_names = provider_names(lfeed.entries)
        wanted = frozenset(self.requested) if self.requested else None
        state = load_pricing_state(self.store.db, STATE_FIELDS, set(wanted) if wanted else None)
        if wanted:
            known = set(configured) | set(state.providers) | set(feed_names)
            for slug in sorted(wanted - known):
                raise UsageError(
                    f"unknown provider {slug!r} for pricing",
                    hint="use a configured provider (`aisync config check`) or a provider from the price feed",
                )
        from ..config import KNOWN_PROVIDERS

        names = {**feed_names, **{s: spec.name for s, spec in KNOWN_PROVIDERS.items()}, **{s: p.name for s, p in state.providers.items()}, **configured}
        detailed = frozenset({m.provider for m in state.models if m.available and m.provider in configured} | (wanted or set()))
        self.litellm_source = litellm.source
        matcher = Matcher(lfeed.entries, gfeed, md_entries)
        prepare_cloud_matching(matcher, self.settings)
        result = build_plans(
            PlanInputs(
                matcher=matcher,
                litellm=lfeed, genai=gfeed, litellm_source=litellm.source, genai_source=genai.source, state=state,
                modelsdev_source=modelsdev.source,
                now=self.now, names=names, detailed=detailed, requested=wanted,
                may_retire=wanted is None and litellm.origin not in ("snapshot", "cache"),
                accept_shrink=self.accept_shrink,
                undated_from=snapshot_date() if litellm.origin == "snapshot" else None,
            )
        )
        self.warnings = [w for f in self.feeds for w in f.warnings] + _refused_warnings(self.reports) + result.warnings
        for line in self.warnings:
            self.emit(Warning(None, line))
        self.plans = result.plans
        for plan in self.plans:
            self.summary.outcomes.append(ProviderOutcome(plan.provider, "dry_run" if self.dry_run else "planned", plan=plan))
        return self.plans

    # ------------------------------------------------------------------ apply

    def _provider_specs(self) -> dict[str, tuple[str, str]]:
        from ..config import KNOWN_PROVIDERS

        specs: dict[str, tuple[str, str]] = {}
        names = provider_names(n.entry for p in self.plans for n in p.new_models)
        for slug, name in names.items():
            spec = KNOWN_PROVIDERS.get(slug)
            specs[slug] = (spec.name, spec.kind) if spec else (name, CATALOG)
        if self.settings is not None:
            for slug, p in self.settings.providers.items():
                specs[slug] = (p.name, p.kind)
        return specs

    def apply(self) -> RunSummary[PricingPlan]:
        """Write the plans in one transaction. Raises Cancelled (rolled back) when cancelled."""
        mark_interrupted_runs()
        meta: dict[str, str | None] = {}
        for feed in self.feeds:
            meta.update(feed.meta_updates)
        if self.requested is None and self.feeds:
            litellm = self.feeds[0]
            meta[SEEDED_KEY] = f"{litellm.origin}:{litellm.revision}:{self.now.isoformat()}"
        ctx = ApplyContext(
            db=self.store.db, group=self.group, now=self.now, litellm_source=self.litellm_source,
            provider_specs=self._provider_specs(), priced_providers=frozenset(self._configured()),
            meta_updates=meta, meta_set=self.store.meta_set,
            error="; ".join(self.warnings)[:2000] or None,
        )
        todo = [o for o in self.summary.outcomes if o.status == "planned"]
        try:
            run_ids = apply_plans([o.plan for o in todo if o.plan is not None], ctx, emit=self.emit, cancel=self.cancel)
        except BaseException:
            for o in todo:
                o.status = "cancelled"
            self.summary.cancelled = True
            raise
        for o in todo:
            o.status = "ok"
            o.run_id = run_ids.get(o.provider)
        return self.summary

    # ------------------------------------------------------------------ run

    def run(self) -> RunSummary[PricingPlan]:
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
        self.summary.extra["warnings"] = list(self.warnings)
        self.summary.extra["notices"] = list(dict.fromkeys(n for f in self.feeds for n in f.notices))
        self.emit(RunFinished("pricing", self.summary, False))
        return self.summary


def _refused_warnings(reports: Sequence[ParseReport]) -> list[str]:
    """One line per feed that stated prices aisync refused (their models keep their previous price)."""
    out = []
    for r in reports:
        if r.price_problems:
            shown = "; ".join(r.price_problems[:3]) + (f"; and {len(r.price_problems) - 3:,} more" if len(r.price_problems) > 3 else "")
            out.append(
                f"{r.feed}: {len(r.price_problems):,} entries with a malformed or implausible price were not taken "
                f"(those models keep their previous price): {shown}"
            )
    return out
