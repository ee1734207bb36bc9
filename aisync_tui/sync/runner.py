"""Runs a model sync: choose providers, fetch them concurrently, plan, then (unless dry-run) apply.

The same runner serves the headless commands and the TUI; the TUI calls `prepare()` in one worker,
shows the plans, and calls `apply()` in another once the user confirms.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, wait
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable, Sequence, TypeVar

from .. import bounds
from ..config import ProviderSettings, Settings
from ..domain import RemoteModel, utcnow
from ..errors import (
    Cancelled,
    NotConfigured,
    ProviderError,
    StalePlan,
    error_kind,
)
from ..events import (
    EmitFn,
    ProviderApplied,
    ProviderFailed,
    ProviderFetched,
    ProviderPlanned,
    ProviderSkipped,
    ProviderStarted,
    RunFinished,
    RunStarted,
    ValuesRefused,
    Warning,
    ignore,
)
from ..outcomes import ProviderOutcome, RunSummary
from ..providers.registry import has_adapter, make_adapter
from ..store.db import Store
from ..store.models import Provider, SyncRun, tuples
from ..store.run_status import mark_interrupted_runs
from .apply import apply_plan, ensure_provider, load_stored
from .plan import ProviderPlan, compute_plan

if TYPE_CHECKING:
    # httpx is imported when a fetch starts: the pricing sync imports this module for RunSummary
    # and, with a local feed file, never makes a request (about 25 ms of its start-up).
    from ..providers.http import HttpClient

T = TypeVar("T")


class ModelSyncRunner:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        providers: Sequence[str] | None = None,
        force: bool = False,
        accept_shrink: bool = False,
        dry_run: bool = False,
        timeout: float | None = None,
        emit: EmitFn = ignore,
        cancel: threading.Event | None = None,
        client: HttpClient | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.requested = list(providers) if providers else None
        self.force = force
        """Sync even a provider synced within cache_ttl."""
        self.accept_shrink = accept_shrink
        """Mark models missing even when the list came back empty or lost more than half."""
        self.dry_run = dry_run
        self.emit = emit
        self.cancel = cancel or threading.Event()
        from ..providers.http import options_from

        ms = settings.model_sync
        self.options = options_from(ms, timeout)
        self._client = client
        self.group = uuid.uuid4().hex[:12]
        self.summary: RunSummary[ProviderPlan] = RunSummary("models", self.group, dry_run, utcnow())
        self._refused: dict[str, int] = {}
        self._unidentified: dict[str, int] = {}

    # ------------------------------------------------------------------ selection

    def select(self) -> list[ProviderSettings]:
        """Providers to fetch now. Skips (with an event) disabled, unconfigured and recently synced ones."""
        if self.requested:
            chosen = [self.settings.provider(slug) for slug in self.requested]
        else:
            chosen = list(self.settings.providers.values())
        out = []
        now = utcnow()
        recent = self._recent_syncs()
        for p in chosen:
            if not p.enabled and not self.requested:
                self._skip(p, "disabled", "disabled in the config")
                continue
            if not has_adapter(p.kind):
                self._skip(p, "unsupported", f"no adapter for kind {p.kind!r} yet")
                continue
            if not p.is_configured() and not (self.requested and not p.needs_key):
                if p.needs_key and (self.requested or p.explicit):
                    self._fail(p, NotConfigured(p.slug, "no API key", hint=f"set {' or '.join('$' + e for e in p.api_key_env)}"))
                elif p.needs_key:
                    self._skip(p, "not_configured", f"set {' or '.join('$' + e for e in p.api_key_env)} to sync it")
                else:
                    self._skip(p, "not_configured", f"add [providers.{p.slug}] to the config (or use --provider {p.slug}) to sync it")
                continue
            last = recent.get(p.slug)
            ttl = self.settings.model_sync.cache_ttl
            if not self.force and last is not None and ttl > 0 and now - last < timedelta(seconds=ttl - ttl_tolerance(ttl)):
                ago = int((now - last).total_seconds())
                self._skip(p, "recently_synced", f"synced {_ago(ago)} ago (cache_ttl {ttl}s); use --force to sync now")
                continue
            out.append(p)
        return out

    def _recent_syncs(self) -> dict[str, datetime]:
        """When each provider's last successful sync started (its fetch, not its write): counted
        from there, an hourly job with cache_ttl = 3600 finds the previous run an hour old, not
        an hour minus the fetch. Providers with no such run fall back to their last_synced_at."""
        from peewee import fn

        out = {
            slug: ts
            for slug, ts in tuples(Provider.select(Provider.slug, Provider.last_synced_at).where(Provider.last_status == "ok"))
            if ts is not None
        }
        started = (
            SyncRun.select(SyncRun.provider, fn.MAX(SyncRun.started_at))
            .where((SyncRun.kind == "models") & (SyncRun.status == "ok") & SyncRun.provider.in_(list(out)))
            .group_by(SyncRun.provider)
        )
        for slug, ts in tuples(started):
            if ts is not None:
                out[slug] = SyncRun.started_at.python_value(ts)
        return out

    def _skip(self, p: ProviderSettings, reason: str, detail: str) -> None:
        self.summary.outcomes.append(ProviderOutcome(p.slug, "skipped", skip_reason=reason, skip_detail=detail))
        self.emit(ProviderSkipped(p.slug, reason, detail))

    def _fail(self, p: ProviderSettings, error: ProviderError, elapsed: float = 0.0) -> None:
        self.summary.outcomes.append(ProviderOutcome(p.slug, "failed", error=error, elapsed=elapsed))
        self.emit(ProviderFailed(p.slug, error.message, error.hint, error_kind(error)))
        if not self.dry_run:
            self._record_failure(p, error)

    # ------------------------------------------------------------------ phases

    def prepare(self) -> list[ProviderOutcome[ProviderPlan]]:
        """Fetch every selected provider concurrently and compute the plans. Writes nothing
        except failure records (never in dry-run)."""
        selected = self.select()
        self.emit(RunStarted("models", tuple(p.slug for p in selected), self.dry_run, self.group))
        if not selected:
            return []
        from ..providers.http import HttpClient

        client = self._client or HttpClient(self.options, emit=self.emit, cancel=self.cancel)
        planned: list[ProviderOutcome[ProviderPlan]] = []
        try:
            slots = threading.BoundedSemaphore(min(len(selected), self.settings.model_sync.concurrency))
            futures: dict[Future[tuple[list[RemoteModel], float]], ProviderSettings] = {}
            for p in selected:
                self.emit(ProviderStarted(p.slug))
                futures[_in_daemon_thread(slots, f"aisync-fetch-{p.slug}", self._fetch, p, client)] = p
            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    for fut in done:
                        p = futures[fut]
                        outcome = self._after_fetch(p, fut)
                        if outcome is not None:
                            planned.append(outcome)
            except BaseException:
                # Ctrl+C / SIGTERM: stop now. Fetches still waiting on a silent server are
                # abandoned (their threads are daemons), so exit never waits out a timeout.
                self.cancel.set()
                raise
        finally:
            if self._client is None:
                try:
                    client.close()
                except Exception:  # a fetch abandoned mid-request must not mask the real exit
                    pass
        order = {p.slug: i for i, p in enumerate(selected)}
        planned.sort(key=lambda o: order[o.provider])
        # Fetches finish in any order; report and apply in the config's order so runs read alike.
        rank = {slug: i for i, slug in enumerate(self.settings.providers)}
        self.summary.outcomes.sort(key=lambda o: rank.get(o.provider, len(rank)))
        return planned

    def _fetch(self, p: ProviderSettings, client: HttpClient) -> tuple[list[RemoteModel], float]:
        start = time.monotonic()
        adapter = make_adapter(p, client, self.emit)
        with bounds.collect() as refused:
            checked = [m for m in map(bounds.check_model, adapter.fetch()) if m is not None]
        self._unidentified[p.slug] = adapter.unidentified
        if refused:
            self._refused[p.slug] = len(refused)
            self.emit(ValuesRefused(p.slug, tuple(r.line() for r in refused)))
        models = plausible_prices(p.slug, checked, self.emit)
        return models, time.monotonic() - start

    def _after_fetch(self, p: ProviderSettings, fut: Future[tuple[list[RemoteModel], float]]) -> ProviderOutcome[ProviderPlan] | None:
        try:
            models, elapsed = fut.result()
        except Cancelled:
            return None
        except ProviderError as exc:
            self._fail(p, exc)
            return None
        except Exception as exc:  # an adapter bug must not take the other providers down
            self._fail(p, self._internal(p.slug, "fetch", exc))
            return None
        models = self._without_echoed_keys(p, models)
        self.emit(ProviderFetched(p.slug, len(models), elapsed))
        try:
            provider_pk = self._provider_pk(p)
            stored = load_stored(provider_pk) if provider_pk else []
            plan = compute_plan(
                p.slug, models, stored, now=utcnow(), accept_shrink=self.accept_shrink, unidentified=self._unidentified.get(p.slug, 0)
            )
        except Exception as exc:  # a planning bug fails this provider only
            self._fail(p, self._internal(p.slug, "plan", exc))
            return None
        plan.fetch_seconds = elapsed
        self.emit(ProviderPlanned(p.slug, plan))
        if plan.guard:
            self.emit(Warning(p.slug, plan.guard))
        outcome = ProviderOutcome(
            p.slug, "dry_run" if self.dry_run else "planned", plan=plan, elapsed=elapsed, remote=models,
            refused=self._refused.get(p.slug, 0),
        )
        self.summary.outcomes.append(outcome)
        return outcome

    def _without_echoed_keys(self, p: ProviderSettings, models: list[RemoteModel]) -> list[RemoteModel]:
        """Drop models whose id held a key the provider echoed back (the HTTP client replaced it
        with `***`): such an id is not the provider's real one, and keeping it would either store
        the key or invent an id. Every other field was already scrubbed."""
        from ..errors import REDACTED

        kept = [m for m in models if REDACTED not in m.model_id]
        if len(kept) != len(models):
            n = len(models) - len(kept)
            self.emit(Warning(p.slug, f"skipped {n} model{'s' if n != 1 else ''} whose id held an API key the provider echoed back"))
        return kept

    def _provider_pk(self, p: ProviderSettings) -> int | None:
        row = Provider.get_or_none(Provider.slug == p.slug)
        return row.id if row else None

    def apply(self, outcomes: Sequence[ProviderOutcome[ProviderPlan]] | None = None) -> RunSummary[ProviderPlan]:
        """Write every planned provider, each in its own transaction."""
        todo = [o for o in (outcomes if outcomes is not None else self.summary.outcomes) if o.status == "planned"]
        mark_interrupted_runs()
        for outcome in todo:
            if self.cancel.is_set():
                outcome.status = "cancelled"
                continue
            try:
                self._apply_one(outcome)
            except (Cancelled, KeyboardInterrupt):
                raise
            except Exception as exc:  # one provider's write failing must not stop the others
                self._apply_failed(outcome, exc)
        return self.summary

    def _apply_failed(self, outcome: ProviderOutcome[ProviderPlan], exc: Exception) -> None:
        """The provider's transaction was rolled back: record its run as failed and carry on."""
        import peewee as pw

        from ..errors import AisyncError

        if (isinstance(exc, AisyncError) and not isinstance(exc, ProviderError)) or isinstance(exc, pw.OperationalError):
            raise exc  # the store itself failed (disk full, read-only, locked): every provider would fail alike
        error = exc if isinstance(exc, ProviderError) else self._internal(outcome.provider, "apply", exc)
        outcome.status = "failed"
        outcome.error = error
        self.emit(ProviderFailed(outcome.provider, error.message, error.hint, error_kind(error)))
        if outcome.run_id is not None:
            SyncRun.update(status="failed", finished_at=utcnow(), error=error.line(), error_kind=error_kind(error)).where(
                SyncRun.id == outcome.run_id
            ).execute()
        p = self.settings.providers[outcome.provider]
        Provider.update(
            last_attempt_at=utcnow(), last_status="failed", last_error=error.line(), last_error_kind=error_kind(error)
        ).where(Provider.slug == p.slug).execute()

    def _internal(self, provider: str, stage: str, exc: BaseException) -> ProviderError:
        """An unexpected exception as the provider's "Internal error"; its traceback goes to the log file."""
        from ..errors import InternalError
        from ..runlog import log_traceback

        log_traceback(self.settings, self.group, provider, stage, exc)
        return InternalError(provider, f"unexpected {type(exc).__name__} while the {stage} step ran")

    def _apply_one(self, outcome: ProviderOutcome[ProviderPlan]) -> None:
        p = self.settings.providers[outcome.provider]
        plan = outcome.plan
        assert plan is not None
        now = utcnow()
        start = time.monotonic()
        provider_pk = ensure_provider(p.slug, p.name, p.kind)
        run = SyncRun.create(
            # The run started with its fetch: cache_ttl counts from there (see _recent_syncs).
            kind="models", provider=p.slug, group=self.group, started_at=self.summary.started_at, status="running",
            found=plan.found, host=socket.gethostname(), pid=os.getpid(),
        )
        outcome.run_id = run.id
        try:
            apply_plan(
                plan, provider_pk, run_id=run.id, now=now, batch_size=self.settings.model_sync.batch_size,
                emit=self.emit, cancel=self.cancel, db=self.store.db,
            )
        except Cancelled:
            outcome.status = "cancelled"
            SyncRun.update(status="cancelled", finished_at=utcnow(), error="cancelled by the user").where(SyncRun.id == run.id).execute()
            self.summary.cancelled = True
            raise
        except StalePlan as exc:
            # Not the provider's failure: the preview is out of date; the caller plans again.
            outcome.status = "cancelled"
            SyncRun.update(status="cancelled", finished_at=utcnow(), error=exc.message).where(SyncRun.id == run.id).execute()
            raise
        except Exception:
            raise  # the transaction was rolled back; `apply()` records the failure
        except BaseException:
            SyncRun.update(status="cancelled", finished_at=utcnow(), error="interrupted").where(SyncRun.id == run.id).execute()
            raise
        counts = plan.counts()
        SyncRun.update(status="ok", finished_at=utcnow(), **{k: v for k, v in counts.items() if k != "found"}).where(
            SyncRun.id == run.id
        ).execute()
        outcome.status = "ok"
        self.emit(
            ProviderApplied(
                p.slug, "models", counts["added"], counts["updated"], counts["unchanged"], counts["missing"],
                counts["prices_changed"], time.monotonic() - start,
            )
        )

    def _record_failure(self, p: ProviderSettings, error: ProviderError) -> None:
        now = utcnow()
        pk = ensure_provider(p.slug, p.name, p.kind)
        SyncRun.create(
            kind="models", provider=p.slug, group=self.group, started_at=now, finished_at=now, status="failed",
            error=error.line(), error_kind=error_kind(error), host=socket.gethostname(), pid=os.getpid(),
        )
        Provider.update(last_attempt_at=now, last_status="failed", last_error=error.line(), last_error_kind=error_kind(error)).where(
            Provider.id == pk
        ).execute()

    def run(self) -> RunSummary[ProviderPlan]:
        """prepare + apply (or only prepare with dry_run). The caller holds the run lock."""
        try:
            self.prepare()
            if not self.dry_run:
                self.apply()
        except (KeyboardInterrupt, Cancelled):
            self.summary.cancelled = True
            self.cancel.set()
            raise
        finally:
            self.summary.finished_at = utcnow()
        self.emit(RunFinished("models", self.summary, self.summary.cancelled))
        return self.summary


def _in_daemon_thread(slots: threading.BoundedSemaphore, name: str, fn: Callable[..., T], *args: object) -> Future[T]:
    """Run `fn` in a daemon thread (at most `slots` at once) and return its Future.

    Not a ThreadPoolExecutor: the interpreter joins pool threads at exit, so a provider that
    accepted the connection and never answered would hold Ctrl+C for timeout x attempts."""
    fut: Future[T] = Future()

    def work() -> None:
        with slots:
            if not fut.set_running_or_notify_cancel():
                return
            try:
                fut.set_result(fn(*args))
            except BaseException as exc:  # handed to the main thread through the Future
                fut.set_exception(exc)

    threading.Thread(target=work, name=name, daemon=True).start()
    return fut


def plausible_prices(provider: str, models: list[RemoteModel], emit: EmitFn) -> list[RemoteModel]:
    """A published price that cannot be right for its unit (domain.PRICE_CEILINGS: negative, far
    too large, or absurdly small) is refused: the model keeps its previous price, with one warning."""
    refused: list[str] = []
    out = []
    for m in models:
        if m.price is not None:
            wrong = m.price.problems()
            if wrong:
                refused.append(f"{m.model_id} ({wrong[0]})")
                m = m.with_changes(price=None)
        out.append(m)
    if refused:
        shown = ", ".join(refused[:3]) + (f" and {len(refused) - 3:,} more" if len(refused) > 3 else "")
        emit(Warning(provider, f"{len(refused):,} published prices refused as implausible (previous price kept): {shown}"))
    return out


def ttl_tolerance(ttl: float) -> float:
    """Slack on cache_ttl: a job scheduled every `ttl` seconds starts a little early or late
    (cron start-up, a slow previous fetch), and must not be skipped for a second's difference."""
    return min(60.0, ttl / 10)


def _ago(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds}s"
    if seconds < 5400:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


__all__ = ["ModelSyncRunner", "ProviderOutcome", "RunSummary", "mark_interrupted_runs"]
