"""fetch -> plan -> **apply**: write one provider's plan in one transaction.

The provider's writes go in `batch_size` batches inside a single transaction, so progress and
cancellation work per batch while a killed process leaves the provider's previous state whole.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, Iterator, Sequence, TypeVar

import peewee as pw

from ..domain import TRACKED_FIELDS, RemoteModel
from ..errors import Cancelled
from ..events import BatchApplied, EmitFn, ignore
from ..store.bulk import bulk_insert, touch_synced
from ..store.ledger import PriceLedger
from ..store.models import Model, ModelChange, Provider
from ..store.models import Price as PriceTable
from ..store.queries import price_from_row
from ..store.rowreader import read_rows
from .plan import Added, FieldChange, ProviderPlan, StoredModel, Updated, desired_status

T = TypeVar("T")
IN_CHUNK = 500


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def load_stored(provider_pk: int) -> list[StoredModel]:
    """Every stored model of a provider with its current price, in two queries."""
    prices: dict[int, PriceTable] = {}
    query = (
        PriceTable.select()
        .join(Model)
        .where((Model.provider == provider_pk) & PriceTable.effective_until.is_null())
    )
    for row in query:
        prices[row.model_id] = row
    out = []
    head = [Model.id, Model.model_id, Model.status, Model.available, Model.in_catalog, Model.field_sources]
    tracked = [getattr(Model, f) for f in TRACKED_FIELDS]
    fields = head + tracked
    query = Model.select(*fields).where(Model.provider == provider_pk)
    # Plain tuples through `read_rows`: a Model instance per row cost most of a re-sync.
    for pk, model_id, status, available, in_catalog, sources, *values in read_rows(query, fields, Model._meta.database):
        price_row = prices.get(pk)
        out.append(
            StoredModel(
                pk=pk,
                model_id=model_id,
                values=dict(zip(TRACKED_FIELDS, values)),
                status=status,
                available=available,
                in_catalog=in_catalog,
                field_sources=dict(sources or {}),
                price=price_from_row(price_row) if price_row else None,
                price_source=price_row.source if price_row else None,
            )
        )
    return out


def _stored_by_pk(provider_pk: int, pks: Sequence[int], with_price: set[int]) -> dict[int, StoredModel]:
    """The stored state of these models now, read the way `load_stored` reads it (prices only
    for `with_price`)."""
    head = [Model.id, Model.model_id, Model.status, Model.available, Model.in_catalog, Model.field_sources]
    fields = head + [getattr(Model, f) for f in TRACKED_FIELDS]
    prices: dict[int, PriceTable] = {}
    for batch in chunks(sorted(with_price), IN_CHUNK):
        for row in PriceTable.select().where(PriceTable.model.in_(list(batch)) & PriceTable.effective_until.is_null()):
            prices[row.model_id] = row
    out: dict[int, StoredModel] = {}
    wanted = set(pks)
    if len(wanted) > 4 * IN_CHUNK:
        # Many models: one scan of the provider's rows beats many `id IN (...)` queries.
        queries = [Model.select(*fields).where(Model.provider == provider_pk)]
    else:
        queries = [
            Model.select(*fields).where((Model.provider == provider_pk) & Model.id.in_(list(batch)))
            for batch in chunks(sorted(wanted), IN_CHUNK)
        ]
    for query in queries:
        for pk, model_id, status, available, in_catalog, sources, *values in read_rows(query, fields, Model._meta.database):
            if pk not in wanted:
                continue
            price_row = prices.get(pk)
            out[pk] = StoredModel(
                pk=pk, model_id=model_id, values=dict(zip(TRACKED_FIELDS, values)), status=status, available=available,
                in_catalog=in_catalog, field_sources=dict(sources or {}),
                price=price_from_row(price_row) if price_row else None, price_source=price_row.source if price_row else None,
            )
    return out


def check_plan_base(plan: ProviderPlan, provider_pk: int) -> None:
    """Raise StalePlan when the store no longer holds what `plan` was computed from.

    Run inside the write transaction, before the first write: another run (a cron sync while the
    app showed its preview) may have changed these models since, and applying the plan would put
    older values over newer ones and log changes from values that were no longer there. Only the
    models the plan writes are read back (none on a sync with no change), plus the ids of the
    provider's models when the plan adds new ones.
    """
    from ..errors import StalePlan

    stale: list[str] = []
    if plan.base:
        priced = {u.pk for u in plan.updated if any(c.field == "pricing" for c in u.changes)}
        priced.update(a.pk for a in plan.added if a.pk is not None and any(c.field == "pricing" for c in a.changes))
        now = _stored_by_pk(provider_pk, list(plan.base), priced)
        for pk, before in plan.base.items():
            after = now.get(pk)
            if after is None or not _same_state(before, after, pk in priced):
                stale.append(before.model_id)
    new_ids = [a.remote.model_id for a in plan.added if a.pk is None]
    if new_ids:
        wanted = set(new_ids)
        query = Model.select(Model.model_id).where(Model.provider == provider_pk).tuples()
        stale.extend(model_id for (model_id,) in query if model_id in wanted)
    if stale:
        shown = ", ".join(sorted(stale)[:3]) + (f" and {len(stale) - 3} more" if len(stale) > 3 else "")
        raise StalePlan(f"{plan.provider}: the store changed after this plan was made ({shown}); nothing was written")


def _same_state(before: StoredModel, after: StoredModel, with_price: bool) -> bool:
    return (
        before.values == after.values
        and before.status == after.status
        and before.available == after.available
        and before.in_catalog == after.in_catalog
        and before.field_sources == after.field_sources
        and (not with_price or (before.price == after.price and before.price_source == after.price_source))
    )


def ensure_provider(slug: str, name: str, kind: str) -> int:
    row = Provider.get_or_none(Provider.slug == slug)
    if row is None:
        return Provider.insert(slug=slug, name=name, kind=kind).execute()
    if row.kind != kind or row.name != name:
        Provider.update(kind=kind, name=name).where(Provider.id == row.id).execute()
    return row.id


def _row_values(remote: RemoteModel, now: datetime, sources: dict[str, Any], *, insert: bool = False) -> dict[str, Any]:
    """Column values from the provider. On update an unknown (None) never erases a known value;
    on insert every column is present, because insert_many takes its columns from the first row."""
    values: dict[str, Any] = {}
    for f in TRACKED_FIELDS:
        value = getattr(remote, f)
        if f == "capabilities":
            value = sorted(set(value) | set(sources.get("feed_capabilities") or ()))
        elif f in ("input_modalities", "output_modalities"):
            value = list(value)
        if (value in (None, [], ()) and f != "capabilities") or (f == "type" and value == "other"):
            if insert:
                values[f] = value
            continue
        values[f] = value
        if f not in ("capabilities",):
            sources[f] = "provider"
    values["aliases"] = list(remote.aliases)
    values["raw"] = remote.raw_json()
    values["field_sources"] = sources
    values["last_synced_at"] = now
    values["available"] = True
    values["missing_since"] = None
    values["status"] = desired_status(remote, now)
    return values


def _change_rows(pk: int, run_id: int | None, changes: Sequence[FieldChange], now: datetime) -> list[dict[str, Any]]:
    return [
        {"model": pk, "run": run_id, "field": c.field, "old": c.old_text(), "new": c.new_text(), "at": now}
        for c in changes
    ]


def apply_plan(
    plan: ProviderPlan,
    provider_pk: int,
    *,
    run_id: int | None,
    now: datetime,
    batch_size: int = 50,
    emit: EmitFn = ignore,
    cancel: threading.Event | None = None,
    db: pw.Database,
) -> None:
    """Write the plan. Raises Cancelled (after rolling back) when `cancel` is set between batches,
    and StalePlan (writing nothing) when the store changed since the plan was computed."""
    total = len(plan.added) + len(plan.updated) + len(plan.missing) + len(plan.unchanged_pks)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        emit(BatchApplied(plan.provider, done, total))
        if cancel is not None and cancel.is_set():
            raise Cancelled("cancelled; the provider's changes were rolled back")

    from ..store.db import write_transaction

    with write_transaction(db):
        check_plan_base(plan, provider_pk)
        new = [a for a in plan.added if a.pk is None]
        for batch in chunks(new, batch_size):
            rows = []
            for a in batch:
                values = _row_values(a.remote, now, {}, insert=True)
                values.update(provider=provider_pk, model_id=a.remote.model_id, first_seen_at=now, in_catalog=False)
                rows.append(values)
            bulk_insert(db, Model, rows)
            ids = dict(
                Model.select(Model.model_id, Model.id)
                .where((Model.provider == provider_pk) & Model.model_id.in_([a.remote.model_id for a in batch]))
                .tuples()
            )
            change_rows = []
            for a in batch:
                pk = ids[a.remote.model_id]
                change_rows.append({"model": pk, "run": run_id, "field": "status", "old": None, "new": "active", "at": now})
                if a.remote.price is not None:
                    PriceLedger.record(pk, a.remote.price, "provider", at=now, current=None)
            bulk_insert(db, ModelChange, change_rows)
            step(len(batch))

        existing: list[Added | Updated] = [a for a in plan.added if a.pk is not None]
        existing.extend(plan.updated)
        for batch in chunks(existing, batch_size):
            change_rows = []
            for item in batch:
                pk = item.pk
                assert pk is not None
                sources = dict(item.sources)  # a copy: _row_values marks the provider's fields in it
                values = _row_values(item.remote, now, sources)
                Model.update(**values).where(Model.id == pk).execute()
                changes = list(item.changes)
                if isinstance(item, Added):
                    changes.append(FieldChange("status", "catalog", values["status"]))
                change_rows.extend(_change_rows(pk, run_id, changes, now))
                if item.remote.price is not None and any(c.field == "pricing" for c in item.changes):
                    PriceLedger.record(pk, item.remote.price, "provider", at=now)
            bulk_insert(db, ModelChange, change_rows)
            step(len(batch))

        for batch in chunks(plan.missing, batch_size):
            pks = [m.pk for m in batch]
            Model.update(status="missing", missing_since=now, available=False).where(Model.id.in_(pks)).execute()
            bulk_insert(
                db, ModelChange,
                [{"model": m.pk, "run": run_id, "field": "status", "old": m.old_status, "new": "missing", "at": now} for m in batch],
            )
            step(len(batch))

        for batch in chunks(plan.unchanged_pks, max(batch_size, IN_CHUNK)):
            touch_synced(db, batch, now)
            step(len(batch))

        Provider.update(last_synced_at=now, last_attempt_at=now, last_status="ok", last_error=None, last_error_kind=None).where(
            Provider.id == provider_pk
        ).execute()
