"""Run health for monitoring: per provider and job, the last success, last failure and the
failure streak, read from `sync_run` in a handful of grouped queries (never one per provider),
so `aisync sync status` stays fast on a store that has run hourly for years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import peewee as pw

from .models import SyncRun, tuples
from .queries import RunRow, run_from_row

#: Run statuses that count as a failure: the provider failed, or the process died mid-run.
FAILED_STATUSES = ("failed", "interrupted")
#: Statuses that say something about a provider's health (dry runs and user cancels do not).
OUTCOME_STATUSES = ("ok", *FAILED_STATUSES)


@dataclass(frozen=True, slots=True)
class ProviderHealth:
    kind: str
    """The job: models, pricing, cleanup, usage."""
    provider: str | None
    """None for jobs that are not per provider (cleanup)."""
    last_run: RunRow
    """The most recent run that succeeded or failed."""
    last_success: RunRow | None
    last_failure: RunRow | None
    consecutive_failures: int
    """Failed runs since the last success (all of them if it never succeeded)."""


def mark_interrupted_runs() -> int:
    """Runs left 'running' by a killed process (of any kind: models, pricing, usage, cleanup).

    Only called while holding the run lock: then no run is in progress, so a `running` row is a
    run whose process died. Taking the lock calls it, so the next run of any kind reports the
    crash to `sync status`, `sync failed` and `--fail-after`.
    """
    from ..domain import utcnow

    marked: int = SyncRun.update(status="interrupted", finished_at=utcnow(), error="the process stopped before finishing").where(
        SyncRun.status == "running"
    ).execute()
    return marked


def _key(kind: str, provider: str | None) -> tuple[str, str]:
    return kind, provider or ""


def _latest_ids(statuses: Iterable[str]) -> dict[tuple[str, str], int]:
    query = (
        SyncRun.select(SyncRun.kind, SyncRun.provider, pw.fn.MAX(SyncRun.id))
        .where(SyncRun.status.in_(list(statuses)))
        .group_by(SyncRun.kind, SyncRun.provider)
    )
    return {_key(kind, provider): int(last) for kind, provider, last in tuples(query)}


def _failure_streaks(last_ok: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """Failed runs after the last success, per (kind, provider). Ids grow with time in one store
    (runs are written under the run lock), so "after" is `id >`."""
    ok = (
        SyncRun.select(SyncRun.kind, SyncRun.provider, pw.fn.MAX(SyncRun.id).alias("ok_id"))
        .where(SyncRun.status == "ok")
        .group_by(SyncRun.kind, SyncRun.provider)
        .alias("ok")
    )
    f = SyncRun.alias("f")
    same = (f.kind == ok.c.kind) & (pw.fn.COALESCE(f.provider, "") == pw.fn.COALESCE(ok.c.provider, ""))
    query = (
        f.select(f.kind, f.provider, pw.fn.COUNT(f.id))
        .join(ok, pw.JOIN.LEFT_OUTER, on=same)
        .where(f.status.in_(list(FAILED_STATUSES)) & (ok.c.ok_id.is_null() | (f.id > ok.c.ok_id)))
        .group_by(f.kind, f.provider)
    )
    return {_key(kind, provider): int(n) for kind, provider, n in tuples(query)}


def provider_health(kinds: Iterable[str] | None = None) -> list[ProviderHealth]:
    """One entry per (job, provider) that has ever succeeded or failed, models first, then by name."""
    last_any = _latest_ids(OUTCOME_STATUSES)
    last_ok = _latest_ids(["ok"])
    last_failed = _latest_ids(FAILED_STATUSES)
    streaks = _failure_streaks(last_ok)
    wanted = set(kinds) if kinds else None
    ids = set(last_any.values()) | set(last_ok.values()) | set(last_failed.values())
    rows = {r.id: run_from_row(r) for r in SyncRun.select().where(SyncRun.id.in_(list(ids)))} if ids else {}
    order = {"models": 0, "pricing": 1, "usage": 2, "cleanup": 3}
    out = []
    for key in sorted(last_any, key=lambda k: (order.get(k[0], 9), k[0], k[1])):
        if wanted is not None and key[0] not in wanted:
            continue
        last = rows[last_any[key]]
        out.append(
            ProviderHealth(
                kind=key[0],
                provider=last.provider,
                last_run=last,
                last_success=rows.get(last_ok[key]) if key in last_ok else None,
                last_failure=rows.get(last_failed[key]) if key in last_failed else None,
                consecutive_failures=streaks.get(key, 0),
            )
        )
    return out


def failed_runs(*, limit: int = 50, provider: str | None = None, kind: str | None = None) -> list[RunRow]:
    """Failed (and interrupted) runs, newest first: the reference's `queue:failed`."""
    query = SyncRun.select().where(SyncRun.status.in_(list(FAILED_STATUSES)))
    if provider:
        query = query.where(SyncRun.provider == provider)
    if kind:
        query = query.where(SyncRun.kind == kind)
    query = query.order_by(SyncRun.id.desc())
    return [run_from_row(r) for r in query.limit(limit)]


def failed_run_count(*, provider: str | None = None, kind: str | None = None) -> int:
    query = SyncRun.select().where(SyncRun.status.in_(list(FAILED_STATUSES)))
    if provider:
        query = query.where(SyncRun.provider == provider)
    if kind:
        query = query.where(SyncRun.kind == kind)
    return query.count()
