"""feeds -> plan -> **apply**: write every pricing plan in one transaction, in batches.

Progress is reported and cancellation checked between batches; a cancel (or a killed process)
rolls the whole pricing sync back, so the store never holds half of one. Each plan's `sync_run`
row is committed as `running` before the transaction and marked ok / cancelled / interrupted after.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Mapping, Sequence, TypeVar

import peewee as pw

from ..errors import Cancelled
from ..events import BatchApplied, EmitFn, ignore
from ..store import pricing_rows as rows
from ..store.ledger import LedgerWrite, record_many
from .catalog import new_model_values
from .plan import PriceWrite, PricingPlan, change_text

T = TypeVar("T")


@dataclass(frozen=True)
class ApplyContext:
    """What the apply needs besides the plans."""

    db: pw.Database
    group: str
    now: datetime
    litellm_source: str
    provider_specs: Mapping[str, tuple[str, str]]
    """slug -> (name, kind) for providers a new catalog model may need to create."""
    priced_providers: frozenset[str]
    """Configured providers whose `last_pricing_at` this sync sets."""
    meta_updates: Mapping[str, str | None]
    meta_set: Callable[[str, str | None], None]
    batch_size: int = 400
    error: str | None = None
    """Feed warnings recorded with each run."""


def _batches(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def apply_plans(
    plans: Sequence[PricingPlan], ctx: ApplyContext, *, emit: EmitFn = ignore, cancel: threading.Event | None = None,
) -> dict[str, int]:
    """Write `plans`; returns plan provider -> its sync_run id. Raises Cancelled (after rolling
    everything back) when `cancel` is set between batches."""
    run_ids = {plan.provider: rows.start_run("pricing", plan.provider, ctx.group, ctx.now, plan.found) for plan in plans}
    total = sum(_work(plan) for plan in plans) or 1
    done = 0

    def step(provider: str, n: int) -> None:
        nonlocal done
        done += n
        emit(BatchApplied(provider, done, total))
        if cancel is not None and cancel.is_set():
            raise Cancelled("cancelled; the pricing sync was rolled back")

    try:
        with ctx.db.atomic():
            for plan in plans:
                _apply_plan(plan, run_ids[plan.provider], ctx, step)
                rows.finish_run(run_ids[plan.provider], "ok", error=ctx.error, counts=plan.counts())
            rows.mark_priced(sorted(ctx.priced_providers & {p.provider for p in plans}), ctx.now)
            for key, value in ctx.meta_updates.items():
                ctx.meta_set(key, value)
    except Cancelled:
        for run_id in run_ids.values():
            rows.finish_run(run_id, "cancelled", error="cancelled by the user")
        raise
    except BaseException:
        for run_id in run_ids.values():
            rows.finish_run(run_id, "cancelled", error="interrupted")
        raise
    return run_ids


def _work(plan: PricingPlan) -> int:
    return len(plan.new_models) + len(plan.writes) + len(plan.field_updates) + len(plan.flag_in_catalog) + len(plan.retire)


def _ledger(write: PriceWrite, pk: int) -> LedgerWrite:
    cur = write.replaces
    return LedgerWrite(
        pk, write.price, write.source, write.effective_from,
        cur.row_id if cur else None, cur.effective_from if cur else None,
        tuple((h.start, h.until, h.price) for h in write.history),
    )


def _apply_plan(plan: PricingPlan, run_id: int, ctx: ApplyContext, step: Callable[[str, int], None]) -> None:
    db, now, size = ctx.db, ctx.now, ctx.batch_size
    insert_prices = rows.insert_prices(db)
    if plan.new_models:
        slugs = sorted({n.entry.provider for n in plan.new_models})
        provider_pks = rows.ensure_providers({s: ctx.provider_specs.get(s, (s, "catalog")) for s in slugs})
        for batch in _batches(plan.new_models, size):
            values = []
            for n in batch:
                row = new_model_values(n.entry, ctx.litellm_source, n.modelsdev, disputes=n.disputes)
                row.update(provider=provider_pks[n.entry.provider], first_seen_at=now)
                values.append(row)
            pks = rows.insert_models(db, values)
            writes = [
                _ledger(n.price, pks[(provider_pks[n.entry.provider], n.entry.model_id)]) for n in batch if n.price is not None
            ]
            record_many(writes, at=now, insert=insert_prices)
            step(plan.provider, len(batch))
    for write_batch in _batches(plan.writes, size):
        record_many([_ledger(w, w.model_pk) for w in write_batch if w.model_pk is not None], at=now, insert=insert_prices)
        rows.insert_changes(db, [
            {"model": w.model_pk, "run": run_id, "field": "pricing", "at": now,
             "old": change_text(w.replaces.price if w.replaces else None), "new": change_text(w.price)}
            for w in write_batch
        ])
        step(plan.provider, len(write_batch))
    for update_batch in _batches(plan.field_updates, size):
        changes: list[dict[str, object]] = []
        for u in update_batch:
            rows.update_model(u.model_pk, u.columns)
            changes.extend(
                {"model": u.model_pk, "run": run_id, "field": c.field, "old": change_text(c.old), "new": change_text(c.new), "at": now}
                for c in u.changes
            )
        rows.insert_changes(db, changes)
        step(plan.provider, len(update_batch))
    for flag_batch in _batches(plan.flag_in_catalog, size):
        rows.flag_in_catalog(flag_batch)
        step(plan.provider, len(flag_batch))
    for retire_batch in _batches(plan.retire, size):
        rows.retire(retire_batch)
        rows.insert_changes(db, [
            {"model": pk, "run": run_id, "field": "status", "old": "catalog", "new": "retired", "at": now} for pk in retire_batch
        ])
        step(plan.provider, len(retire_batch))
