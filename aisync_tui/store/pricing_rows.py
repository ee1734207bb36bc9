"""The pricing sync's reads and writes: every model and current price in a few raw SELECTs, and
the bulk writes of an applied pricing plan. No decisions here: pricing/plan.py decides.

Reads bypass Peewee's per-row conversion (it was most of a no-change re-run) and decode each
distinct JSON text once: the JSON columns repeat the same few texts across thousands of models.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Mapping, Sequence

import peewee as pw

from ..domain import PRICE_COMPONENTS, Price, stored_flag, stored_time, utcnow
from ..jsonvalue import JSON
from . import coerce
from .bulk import RowValues, bulk_insert
from .models import Model, ModelChange, Provider, SyncRun, tuples
from .models import Price as PriceTable
from .rowreader import damaged_cells, mend

CHUNK = 400


@dataclass(frozen=True, slots=True)
class ProviderRef:
    pk: int
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class StoredPricingModel:
    """What the pricing plan needs to know of one stored model."""

    pk: int
    provider: str
    model_id: str
    status: str
    available: bool
    in_catalog: bool
    values: dict[str, object]
    """The fields a feed may fill (the caller names them), by name: as Peewee's fields give them,
    except list columns, which are a shared decoded list (or () when empty): copy before changing."""
    capabilities: tuple[str, ...]
    sources: dict[str, JSON]
    aliases: tuple[str, ...] = ()
    """The ids the provider states for this model besides its own (matched when its own is not)."""


@dataclass(frozen=True, slots=True)
class CurrentPrice:
    """A model's open price period."""

    row_id: int
    price: Price
    source: str
    effective_from: datetime


@dataclass
class PricingState:
    """The store as the pricing plan reads it."""

    providers: dict[str, ProviderRef]
    models: list[StoredPricingModel]
    current: dict[int, CurrentPrice]


_LIST_FIELDS = frozenset({"input_modalities", "output_modalities", "capabilities", "aliases"})
_TIME_FIELDS = frozenset({"deprecated_at", "created_at", "first_seen_at", "last_synced_at", "missing_since"})


def load_pricing_state(db: pw.Database, fields: Sequence[str], wanted: set[str] | None = None) -> PricingState:
    """Providers, every model (of `wanted` providers, or all) with `fields`, and every current price."""
    providers = {
        slug: ProviderRef(pk, slug, name) for pk, slug, name in tuples(Provider.select(Provider.id, Provider.slug, Provider.name))
    }
    slug_of = {p.pk: p.slug for p in providers.values()}
    columns = [Model.id, Model.provider, Model.model_id, Model.status, Model.available, Model.in_catalog,
               Model.capabilities, Model.field_sources, *(getattr(Model, f) for f in fields)]
    query = Model.select(*columns)
    if wanted is not None:
        query = query.where(Model.provider.in_([p.pk for p in providers.values() if p.slug in wanted]))
    from .queries import aliases_by_model

    aliases = aliases_by_model()
    models = []
    values: dict[str, object]
    listed = [name for name in fields if name in _LIST_FIELDS]
    timed = [name for name in fields if name in _TIME_FIELDS]
    cells = damaged_cells(query, columns, db)  # none on a sound store
    for row in db.execute_sql(*query.sql()):
        pk, provider_pk, model_id, status, available, in_catalog, caps, sources, *raw = mend(row, cells)
        if provider_pk not in slug_of:
            continue  # a model whose provider row is gone (a hand delete the shell's foreign keys let through)
        values = dict(zip(fields, raw))
        for name in listed:
            text = values[name]
            values[name] = (coerce.decoded(text) if isinstance(text, str) else text) or ()
        for name in timed:
            when = values[name]
            if isinstance(when, (str, datetime)):  # the driver's text (SQLite) or naive datetime
                values[name] = stored_time(when)  # a damaged time is no time
        models.append(
            StoredPricingModel(
                pk, slug_of[provider_pk], model_id, status, stored_flag(available) is True, stored_flag(in_catalog) is True,
                values, coerce.texts(caps) if caps else (), coerce.mapping(sources), aliases.get(pk, ()),
            )
        )
    return PricingState(providers, models, load_current_prices(db))


#: Where a current price row's damaged start sorts: before every readable one.
_EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)


def load_current_prices(db: pw.Database) -> dict[int, CurrentPrice]:
    columns = [PriceTable.id, PriceTable.model, PriceTable.tiers, PriceTable.currency, PriceTable.effective_from,
               PriceTable.source, PriceTable.other, *(getattr(PriceTable, name) for name in PRICE_COMPONENTS)]
    out: dict[int, CurrentPrice] = {}
    query = PriceTable.select(*columns).where(PriceTable.effective_until.is_null())
    cells = damaged_cells(query, columns, db)  # none on a sound store
    for row in db.execute_sql(*query.sql()):
        row_id, model_pk, tiers_text, currency, eff_raw, source, other, *values = mend(row, cells)
        # A damaged start reads as the earliest time: the row is still the current price, and
        # any readable current row of the same model is taken before it.
        eff = stored_time(eff_raw) or _EARLIEST
        old = out.get(model_pk)
        if old is not None and old.effective_from >= eff:
            continue
        tiers = coerce.tiers(tiers_text) if tiers_text else ()
        price = Price(
            **{name: coerce.amount(v) for name, v in zip(PRICE_COMPONENTS, values) if v is not None},
            tiers=tiers or (),
            currency=currency,
            other=coerce.other(other) if other else (),
            tiers_unreadable=tiers is None,
        )
        out[model_pk] = CurrentPrice(row_id, price, source, eff)
    return out


# ----------------------------------------------------------------------------- writes


def ensure_providers(wanted: Mapping[str, tuple[str, str]]) -> dict[str, int]:
    """slug -> pk for every slug in `wanted` (slug -> (name, kind)), creating the missing ones."""
    have: dict[str, int] = {slug: pk for slug, pk in tuples(Provider.select(Provider.slug, Provider.id).where(Provider.slug.in_(list(wanted))))}
    for slug, (name, kind) in wanted.items():
        if slug not in have:
            have[slug] = Provider.insert(slug=slug, name=name, kind=kind).execute()
    return have


def insert_models(db: pw.Database, rows: Sequence[RowValues]) -> dict[tuple[int, str], int]:
    """Insert model rows (each with provider and model_id); (provider pk, model id) -> new pk."""
    by_provider: dict[int, list[str]] = {}
    for row in rows:
        provider_pk, model_id = row["provider"], row["model_id"]
        if not isinstance(provider_pk, int) or not isinstance(model_id, str):
            raise TypeError(f"a new model row needs a provider pk and a model id, not {provider_pk!r} and {model_id!r}")
        by_provider.setdefault(provider_pk, []).append(model_id)
    bulk_insert(db, Model, rows)
    pks: dict[tuple[int, str], int] = {}
    for provider_pk, ids in by_provider.items():
        for i in range(0, len(ids), CHUNK):
            query = Model.select(Model.id, Model.model_id).where(
                (Model.provider == provider_pk) & Model.model_id.in_(ids[i : i + CHUNK])
            )
            for pk, model_id in tuples(query):
                pks[(provider_pk, model_id)] = pk
    return pks


def update_model(pk: int, columns: Mapping[str, object]) -> None:
    Model.update(**columns).where(Model.id == pk).execute()


def flag_in_catalog(pks: Sequence[int]) -> None:
    for i in range(0, len(pks), CHUNK):
        Model.update(in_catalog=True).where(Model.id.in_(list(pks[i : i + CHUNK]))).execute()


def retire(pks: Sequence[int]) -> None:
    for i in range(0, len(pks), CHUNK):
        Model.update(status="retired", in_catalog=False).where(Model.id.in_(list(pks[i : i + CHUNK]))).execute()


def insert_changes(db: pw.Database, rows: Sequence[RowValues]) -> None:
    for i in range(0, len(rows), CHUNK):
        bulk_insert(db, ModelChange, rows[i : i + CHUNK])


def insert_prices(db: pw.Database) -> Callable[[list[dict[str, object]]], None]:
    """The `insert` that store.ledger.record_many takes: bulk rows into the price table."""
    return lambda rows: bulk_insert(db, PriceTable, rows)


def start_run(kind: str, provider: str, group: str, now: datetime, found: int) -> int:
    """A `running` sync_run row, committed before the work starts so a killed run is seen."""
    return SyncRun.create(
        kind=kind, provider=provider, group=group, started_at=now, status="running", found=found,
        host=socket.gethostname(), pid=os.getpid(),
    ).id


def finish_run(run_id: int, status: str, *, error: str | None = None, counts: Mapping[str, int] | None = None) -> None:
    fields = {k: v for k, v in (counts or {}).items() if k in ("added", "updated", "unchanged", "missing", "prices_changed")}
    SyncRun.update(status=status, finished_at=utcnow(), error=error, **fields).where(SyncRun.id == run_id).execute()


def mark_priced(slugs: Iterable[str], now: datetime) -> None:
    slugs = list(slugs)
    if slugs:
        Provider.update(last_pricing_at=now).where(Provider.slug.in_(slugs)).execute()
