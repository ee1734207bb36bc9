"""fetch -> plan -> **apply**: write one provider's plan in one transaction.

The provider's writes go in `batch_size` batches inside a single transaction, so progress and
cancellation work per batch while a killed process leaves the provider's previous state whole.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Iterator, Sequence, TypeVar

import peewee as pw

from ..domain import TRACKED_FIELDS, RemoteModel, capability_source_key, feed_capabilities
from ..errors import Cancelled
from ..events import BatchApplied, EmitFn, ignore
from ..store.bulk import bulk_insert, bulk_update, touch_synced
from ..store.ledger import PriceLedger
from ..store.models import Model, ModelAlias, ModelChange, Provider, tuples
from ..store.models import Price as PriceTable
from ..store.queries import price_from_row
from ..store.rowreader import read_raw_rows, read_rows
from .plan import Added, FieldChange, ProviderPlan, StoredModel, Updated, desired_status, merged_capabilities

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
    head: list[pw.Field] = [Model.id, Model.model_id, Model.status, Model.available, Model.in_catalog, Model.field_sources]
    tracked = [getattr(Model, f) for f in TRACKED_FIELDS]
    fields = head + tracked
    model_query = Model.select(*fields).where(Model.provider == provider_pk)
    # Plain tuples through `read_rows`: a Model instance per row cost most of a re-sync.
    for raw, (pk, model_id, status, available, in_catalog, sources, *values) in read_raw_rows(model_query, fields, Model._meta.database):
        price_row = prices.get(pk)
        out.append(
            StoredModel(
                pk=pk,
                model_id=model_id,
                values=dict(zip(TRACKED_FIELDS, values)),
                status=status,
                available=available,
                in_catalog=in_catalog,
                field_sources=sources or {},  # the row reader hands out a fresh copy already
                price=price_from_row(price_row) if price_row else None,
                price_source=price_row.source if price_row else None,
                raw=raw,
            )
        )
    return out


def _stored_by_pk(
    provider_pk: int, pks: Sequence[int], with_price: set[int], unchanged: dict[int, StoredModel] | None = None
) -> dict[int, StoredModel]:
    """The stored state of these models now, read the way `load_stored` reads it (prices only
    for `with_price`). A row whose text equals the raw row of its `unchanged` entry is that entry,
    not decoded again: re-reading 10,000 models to find them unchanged is then a plain fetch."""
    unchanged_raw = {pk: s.raw for pk, s in unchanged.items() if s.raw is not None} if unchanged else None
    unchanged = unchanged or {}
    head: list[pw.Field] = [Model.id, Model.model_id, Model.status, Model.available, Model.in_catalog, Model.field_sources]
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
    db = Model._meta.database
    if isinstance(db, pw.DatabaseProxy):
        db = db.obj
    decode: list[int] = []
    for query in queries:
        for raw_row in db.execute_sql(*query.sql()):
            pk = raw_row[0]
            if pk not in wanted:
                continue
            if unchanged_raw is not None and unchanged_raw.get(pk) == tuple(raw_row):
                # The same text: the same values, nothing to decode (the current price is read anew).
                same = unchanged[pk]
                if pk in with_price:
                    price_row = prices.get(pk)
                    same = replace(
                        same, price=price_from_row(price_row) if price_row else None, price_source=price_row.source if price_row else None
                    )
                out[pk] = same
            else:
                decode.append(pk)
    for batch in chunks(decode, IN_CHUNK):
        query = Model.select(*fields).where(Model.id.in_(list(batch)))
        for pk, model_id, status, available, in_catalog, sources, *values in read_rows(query, fields, db):
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
        now = _stored_by_pk(provider_pk, list(plan.base), priced, plan.base)
        for pk, before in plan.base.items():
            after = now.get(pk)
            if after is None or not _same_state(before, after, pk in priced):
                stale.append(before.model_id)
    new_ids = [a.remote.model_id for a in plan.added if a.pk is None]
    if new_ids:
        wanted = set(new_ids)
        query = Model.select(Model.model_id).where(Model.provider == provider_pk)
        stale.extend(model_id for (model_id,) in tuples(query) if model_id in wanted)
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
        pk: int = Provider.insert(slug=slug, name=name, kind=kind).execute()
        return pk
    if row.kind != kind or row.name != name:
        Provider.update(kind=kind, name=name).where(Provider.id == row.id).execute()
    return row.id


def _row_values(
    remote: RemoteModel, now: datetime, sources: dict[str, object], *, insert: bool = False, cleared: Sequence[str] = ()
) -> dict[str, object]:
    """Column values from the provider. On update an unknown (None) never erases a value another
    source gave, but a field in `cleared` (the provider stated it before and no longer sends it)
    is erased; on insert every column is present, because insert_many takes its columns from the
    first row. `sources` gets the provider's fields and the source of every capability."""
    values: dict[str, object] = {}
    for f in TRACKED_FIELDS:
        if f == "capabilities":
            if remote.capabilities or remote.stated or insert:
                values[f] = sorted(merged_capabilities(remote, sources))
                _capability_sources(remote, sources)
            continue
        if f == "aliases":
            values[f] = list(remote.aliases)
            continue
        value = getattr(remote, f)
        if f in ("input_modalities", "output_modalities"):
            value = list(value)
        if value in (None, [], ()) or (f == "type" and value == "other"):
            if insert:
                values[f] = value
            elif f in cleared:
                values[f] = None
                sources.pop(f, None)
            continue
        values[f] = value
        sources[f] = "provider"
    values["raw"] = remote.raw_json()
    values["field_sources"] = sources
    values["last_synced_at"] = now
    values["available"] = True
    values["missing_since"] = None
    values["status"] = desired_status(remote, now)
    return values


@lru_cache(maxsize=1024)
def _provider_capability_keys(stated: frozenset[str], capabilities: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(capability_source_key(c) for c in stated | capabilities))


#: Columns an update always writes: the payload and the sync state.
_ALWAYS_WRITTEN = frozenset({"raw", "field_sources", "last_synced_at", "available", "missing_since", "status"})


def _capability_sources(remote: RemoteModel, sources: dict[str, object]) -> None:
    """`capability:X` -> who said so: the provider for what it states (true or false) and for what
    it lists as true; the feed for the capabilities it adds, or states false, where the provider is silent."""
    said = _provider_capability_keys(remote.stated, remote.capabilities)
    feed_caps = feed_capabilities(sources)
    current = [k for k in sources if k.startswith("capability:")]
    if not feed_caps and len(current) == len(said) and all(sources.get(k) == "provider" for k in said):
        return  # already what the provider says (the usual re-sync)
    feed = feed_caps - remote.stated - remote.capabilities
    before = {k: sources.pop(k) for k in current}
    for key in said:
        sources[key] = "provider"
    for cap in feed:
        key = capability_source_key(cap)
        earlier = before.get(key)
        sources[key] = earlier if earlier and earlier != "provider" else "litellm"
    for key, earlier in before.items():
        # A feed's stated no where the provider is silent stands until the feed or the provider says otherwise.
        if key not in sources and isinstance(earlier, str) and earlier != "provider":
            sources[key] = earlier


def _change_rows(pk: int, run_id: int | None, changes: Sequence[FieldChange], now: datetime) -> list[dict[str, object]]:
    return [
        {"model": pk, "run": run_id, "field": c.field, "old": c.old_text(), "new": c.new_text(), "at": now}
        for c in changes
    ]


def write_aliases(plan: ProviderPlan, provider_pk: int, db: pw.Database) -> None:
    """Keep the alias index in step with what the provider states, and fold a price-catalog row
    whose id is now an alias of a listed model into that model (it is the same model, not a
    second row: its feed price is matched to the model through the alias)."""
    stale: list[int] = []
    fresh: list[tuple[str, list[str]]] = []
    items: list[Added | Updated] = [*plan.added, *plan.updated]
    for item in items:
        if item.pk is None and not item.remote.aliases:
            continue
        if item.pk is not None and not any(c.field == "aliases" for c in item.changes):
            continue
        if item.pk is not None:
            stale.append(item.pk)
        fresh.append((item.remote.model_id, list(item.remote.aliases)))
    if not stale and not fresh:
        return
    for pks in chunks(stale, IN_CHUNK):
        ModelAlias.delete().where(ModelAlias.model.in_(list(pks))).execute()
    if not any(aliases for _, aliases in fresh):
        return
    ids: dict[str, int] = dict(
        tuples(Model.select(Model.model_id, Model.id).where((Model.provider == provider_pk) & Model.model_id.in_([mid for mid, _ in fresh])))
    )
    wanted = {alias: ids[mid] for mid, aliases in fresh for alias in aliases if mid in ids}
    # Catalog-only rows named like an alias: the provider says they are this model.
    names = list(wanted)
    for part in chunks(names, IN_CHUNK):
        Model.delete().where(
            (Model.provider == provider_pk) & Model.model_id.in_(list(part)) & (Model.available == False)  # noqa: E712
            & (Model.status == "catalog")
        ).execute()
    # An alias can move from one model to another in one run: the old claim goes first.
    for part in chunks(names, IN_CHUNK):
        ModelAlias.delete().where((ModelAlias.provider == provider_pk) & ModelAlias.name.in_(list(part))).execute()
    rows = [{"model": pk, "provider": provider_pk, "name": alias} for alias, pk in wanted.items()]
    for group in chunks(rows, IN_CHUNK):
        bulk_insert(db, ModelAlias, group)


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
            ids: dict[str, int] = dict(
                tuples(
                    Model.select(Model.model_id, Model.id)
                    .where((Model.provider == provider_pk) & Model.model_id.in_([a.remote.model_id for a in batch]))
                )
            )
            change_rows: list[dict[str, object]] = []
            for a in batch:
                pk = ids[a.remote.model_id]
                change_rows.append({"model": pk, "run": run_id, "field": "status", "old": None, "new": "active", "at": now})
                if a.remote.price is not None:
                    PriceLedger.record(pk, a.remote.price, "provider", at=now, current=None)
            bulk_insert(db, ModelChange, change_rows)
            step(len(batch))

        existing: list[Added | Updated] = [a for a in plan.added if a.pk is not None]
        existing.extend(plan.updated)
        for known in chunks(existing, batch_size):
            change_rows = []
            row_updates: list[tuple[int, dict[str, object]]] = []
            for item in known:
                assert item.pk is not None
                pk = item.pk
                sources = dict(item.sources)  # a copy: _row_values marks the provider's fields in it
                cleared = [c.field for c in item.changes if c.new is None]
                values = _row_values(item.remote, now, sources, cleared=cleared)
                if isinstance(item, Updated):
                    # A tracked field without a change holds the provider's value already (or the
                    # provider does not say): only the changed ones and the sync state are written.
                    changed = {c.field for c in item.changes}
                    values = {k: v for k, v in values.items() if k in changed or k in _ALWAYS_WRITTEN}
                    if sources == item.sources:
                        del values["field_sources"]
                row_updates.append((pk, values))
                changes = list(item.changes)
                if isinstance(item, Added):
                    changes.append(FieldChange("status", "catalog", values["status"]))
                change_rows.extend(_change_rows(pk, run_id, changes, now))
                if item.remote.price is not None and any(c.field == "pricing" for c in item.changes):
                    PriceLedger.record(pk, item.remote.price, "provider", at=now)
            bulk_update(db, Model, row_updates)
            bulk_insert(db, ModelChange, change_rows)
            step(len(known))

        for gone in chunks(plan.missing, batch_size):
            pks = [m.pk for m in gone]
            Model.update(status="missing", missing_since=now, available=False).where(Model.id.in_(pks)).execute()
            bulk_insert(
                db, ModelChange,
                [{"model": m.pk, "run": run_id, "field": "status", "old": m.old_status, "new": "missing", "at": now} for m in gone],
            )
            step(len(gone))

        write_aliases(plan, provider_pk, db)

        for same in chunks(plan.unchanged_pks, max(batch_size, IN_CHUNK)):
            touch_synced(db, same, now)
            step(len(same))

        Provider.update(last_synced_at=now, last_attempt_at=now, last_status="ok", last_error=None, last_error_kind=None).where(
            Provider.id == provider_pk
        ).execute()
