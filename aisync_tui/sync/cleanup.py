"""Cleanup: plan which models to remove, then remove them in one transaction.

A model is a candidate when it is not a catalog entry and either
- it is missing or retired, and was last seen before the cut-off, or
- it has not been synced since the cut-off (its provider stopped being synced), or
- it is deprecated, no longer listed, and its deprecation date is before the cut-off.

Models that usage records still reference are kept (their price history prices that usage);
usage records themselves are never touched by cleanup.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import peewee as pw

from ..domain import as_utc, utcnow
from ..errors import Cancelled
from ..events import BatchApplied, EmitFn, ignore
from ..store.models import Model, Provider, SyncRun, UsageRecord, tuples


@dataclass(frozen=True, slots=True)
class CleanupCandidate:
    pk: int
    provider: str
    model_id: str
    status: str
    last_seen: datetime | None
    reason: str


@dataclass
class CleanupPlan:
    older_than: datetime
    remove: list[CleanupCandidate] = field(default_factory=list)
    kept_for_usage: list[CleanupCandidate] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.remove


def _reason(status: str, last_synced: datetime | None, missing_since: datetime | None, deprecated_at: datetime | None, cutoff: datetime) -> str | None:
    if status in ("missing", "retired"):
        seen = missing_since or last_synced
        if seen is None or seen < cutoff:
            return f"{status} since {seen:%Y-%m-%d}" if seen else status
        return None
    if last_synced is not None and last_synced < cutoff:
        return f"not synced since {last_synced:%Y-%m-%d}"
    if status == "deprecated" and deprecated_at is not None and deprecated_at < cutoff and last_synced is None:
        return f"deprecated since {deprecated_at:%Y-%m-%d}"
    return None


def plan_cleanup(older_than: datetime, *, provider: str | None = None) -> CleanupPlan:
    cutoff = as_utc(older_than)
    assert cutoff is not None
    plan = CleanupPlan(older_than=cutoff)
    query = (
        Model.select(Model.id, Provider.slug, Model.model_id, Model.status, Model.last_synced_at, Model.missing_since, Model.deprecated_at)
        .join(Provider)
        .where(Model.status != "catalog")
        .where(
            (Model.status.in_(["missing", "retired"]))
            | (Model.last_synced_at < cutoff)
            | ((Model.status == "deprecated") & (Model.deprecated_at < cutoff))
        )
        .order_by(Provider.slug, Model.model_id)
    )
    if provider:
        query = query.where(Provider.slug == provider)
    rows = list(query.tuples())
    # A model is referenced by what a record resolved to and by what it asked for.
    used = {
        (p, m)
        for p, m in UsageRecord.select(UsageRecord.provider, UsageRecord.model_id).distinct().tuples()
    } | {
        (p, m)
        for p, m in tuples(
            UsageRecord.select(UsageRecord.provider, UsageRecord.requested_model).where(UsageRecord.requested_model.is_null(False)).distinct()
        )
    }
    for pk, slug, model_id, status, last_synced, missing_since, deprecated_at in rows:
        reason = _reason(status, as_utc(last_synced), as_utc(missing_since), as_utc(deprecated_at), cutoff)
        if reason is None:
            continue
        cand = CleanupCandidate(pk, slug, model_id, status, as_utc(missing_since or last_synced), reason)
        if (slug, model_id) in used:
            plan.kept_for_usage.append(cand)
        else:
            plan.remove.append(cand)
    return plan


def apply_cleanup(
    plan: CleanupPlan,
    *,
    db: pw.Database,
    batch_size: int = 200,
    emit: EmitFn = ignore,
    cancel: threading.Event | None = None,
) -> int:
    """Delete the planned models (their prices and change log go with them). One transaction."""
    now = utcnow()
    run = SyncRun.create(
        kind="cleanup", provider=None, group=uuid.uuid4().hex[:12], started_at=now, status="running",
        host=socket.gethostname(), pid=os.getpid(),
    )
    removed = 0
    try:
        with db.atomic():
            pks = [c.pk for c in plan.remove]
            for i in range(0, len(pks), batch_size):
                chunk = pks[i : i + batch_size]
                # Delete dependants explicitly: SQLite enforces ON DELETE CASCADE only with
                # foreign_keys on, and other databases may have been created without it.
                from ..store.models import ModelChange, Price

                Price.delete().where(Price.model.in_(chunk)).execute()
                ModelChange.delete().where(ModelChange.model.in_(chunk)).execute()
                removed += Model.delete().where(Model.id.in_(chunk)).execute()
                emit(BatchApplied("cleanup", removed, len(pks)))
                if cancel is not None and cancel.is_set():
                    raise Cancelled("cleanup cancelled; nothing was removed")
    except BaseException as exc:
        SyncRun.update(status="cancelled" if isinstance(exc, (Cancelled, KeyboardInterrupt)) else "failed", finished_at=utcnow(), error=str(exc)[:500] or type(exc).__name__).where(SyncRun.id == run.id).execute()
        raise
    SyncRun.update(status="ok", finished_at=utcnow(), removed=removed).where(SyncRun.id == run.id).execute()
    return removed
