"""Store reads for choosing a model: the models a workload could run on with their price (current
or at a date), resolved by id or alias, in as few queries as the catalog allows.

`cheapest` prices every model of a ~5,000-model catalog per call, so the list is one SELECT on the
raw cursor (models joined with their current price period), converted by hand: no Peewee row
objects, decimals built only for the components a price has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

import peewee as pw

from ..domain import PRICE_COMPONENTS, Price, stored_flag, stored_time
from . import coerce
from .models import DBRow, Model, Provider, json_text_has
from .models import Price as PriceTable
from .rowreader import damaged_cells, mend

#: Statuses of a model that can still run a workload (missing and retired ones cannot).
RUNNABLE = ("active", "deprecated", "catalog")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A model with the price a cost is computed at (None: no price known)."""

    pk: int
    provider: str
    model_id: str
    name: str | None
    type: str
    status: str
    context_length: int | None
    max_output_tokens: int | None
    capabilities: tuple[str, ...]
    available: bool
    in_catalog: bool
    deprecated_at: datetime | None
    price: Price | None
    price_from: datetime | None
    price_source: str | None


_MODEL_COLUMNS = (
    Model.id, Provider.slug, Model.model_id, Model.name, Model.type, Model.status, Model.context_length,
    Model.max_output_tokens, Model.capabilities, Model.available, Model.in_catalog, Model.deprecated_at,
)
_PRICE_COLUMNS = tuple(getattr(PriceTable, name) for name in PRICE_COMPONENTS) + (
    PriceTable.tiers, PriceTable.currency, PriceTable.effective_from, PriceTable.source,
)


# Period starts repeat across thousands of catalog rows (one seeding writes one start time):
# each distinct value is converted once per process (prices: `coerce.amount`).
_TIME_CACHE: dict[str | datetime, datetime | None] = {}


def _time(value: str | datetime | None) -> datetime | None:
    """A time column as the driver returns it (text on SQLite, a naive datetime on PostgreSQL);
    a damaged one is no time."""
    if value is None:
        return None
    hit = _TIME_CACHE.get(value)
    if hit is None:
        hit = _TIME_CACHE[value] = stored_time(value)
    return hit


def _price(raw: DBRow) -> tuple[Price | None, datetime | None, str | None]:
    """Price from the price columns of one row (None when the model has no period)."""
    n = len(PRICE_COMPONENTS)
    tiers_json, currency, start, source = raw[n], raw[n + 1], raw[n + 2], raw[n + 3]
    if start is None:
        return None, None, None
    values = {name: coerce.amount(v) for name, v in zip(PRICE_COMPONENTS, raw[:n]) if v is not None}
    tiers = coerce.tiers(tiers_json) if tiers_json else ()
    price = Price(**values, tiers=tiers or (), currency=currency or "USD", other=(), tiers_unreadable=tiers is None)
    return price, _time(start), source


def _candidate(row: DBRow) -> Candidate:
    price, start, source = _price(row[len(_MODEL_COLUMNS):])
    return Candidate(
        pk=row[0], provider=row[1], model_id=row[2], name=row[3], type=row[4], status=row[5],
        context_length=row[6], max_output_tokens=row[7], capabilities=coerce.texts(row[8]) if row[8] else (),
        available=stored_flag(row[9]) is True, in_catalog=stored_flag(row[10]) is True, deprecated_at=_time(row[11]),
        price=price, price_from=start, price_source=source,
    )


def _run(query: pw.Select) -> list[Candidate]:
    db = Model._meta.database
    cells = damaged_cells(query, _MODEL_COLUMNS + _PRICE_COLUMNS, db)  # none on a sound store
    sql, params = query.sql()
    return [_candidate(mend(row, cells)) for row in db.execute_sql(sql, params).fetchall()]


def _with_current_price() -> pw.ModelSelect[Model]:
    return (
        Model.select(*_MODEL_COLUMNS, *_PRICE_COLUMNS)
        .join(Provider)
        .switch(Model)
        .join(PriceTable, pw.JOIN.LEFT_OUTER, on=((PriceTable.model == Model.id) & PriceTable.effective_until.is_null()))
    )


def candidates(
    *,
    providers: Iterable[str] = (),
    type: str | None = None,
    capabilities: Iterable[str] = (),
    min_context: int | None = None,
    available: bool | None = None,
) -> list[Candidate]:
    """Runnable models matching every filter, with their current price. Order is unspecified."""
    query = _with_current_price().where(Model.status.in_(RUNNABLE))
    wanted = list(providers)
    if wanted:
        query = query.where(Provider.slug.in_(wanted))
    if type:
        query = query.where(Model.type == type)
    for cap in capabilities:
        query = query.where(json_text_has(Model.capabilities, cap))
    if min_context is not None:
        query = query.where(Model.context_length >= min_context)
    if available is True:
        query = query.where(Model.available == True)  # noqa: E712
    elif available is False:
        query = query.where(Model.available == False)  # noqa: E712
    found = _run(query)
    # `contains` is a substring match on the JSON text: keep only exact capability names.
    caps = set(capabilities)
    return [c for c in found if caps.issubset(c.capabilities)] if caps else found


def find(model_id: str, provider: str) -> Candidate | None:
    """The model `model_id` names at `provider` (its own id, else an alias that provider states;
    never across providers: `store.queries.resolve_model`), with its current price."""
    from .queries import resolve_model

    model = resolve_model(model_id, provider)
    if model is None:
        return None
    found = _run(_with_current_price().where(Model.id == model.id))
    return found[0] if found else None


def price_at(model_pk: int, at: datetime) -> tuple[Price, datetime, str] | None:
    """The price period in force at `at` (effective_from <= at < effective_until), or None."""
    from .queries import price_from_row

    row = (
        PriceTable.select()
        .where(
            (PriceTable.model == model_pk)
            & (PriceTable.effective_from <= at)
            & (PriceTable.effective_until.is_null() | (PriceTable.effective_until > at))
        )
        .order_by(PriceTable.effective_from.desc(), PriceTable.id.desc())
        .first()
    )
    if row is None:
        return None
    return price_from_row(row), stored_time(row.effective_from) or at, row.source
