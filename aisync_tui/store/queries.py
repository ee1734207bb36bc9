"""The read API: queries that return plain frozen dataclasses, so callers never touch Peewee rows."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import itemgetter
from typing import Iterable, TypedDict, Unpack

import peewee as pw

from ..domain import PRICE_COMPONENTS, Price, other_from_json, stored_flag, stored_utc, types_matching
from ..jsonvalue import JSON, decode
from . import coerce
from .models import DBRow, Model, ModelAlias, ModelChange, Provider, SyncRun, json_text_has, tuples
from .models import Price as PriceTable


@dataclass(frozen=True, slots=True)
class ProviderRow:
    slug: str
    name: str
    kind: str
    enabled: bool
    last_synced_at: datetime | None
    last_attempt_at: datetime | None
    last_status: str | None
    last_error: str | None
    last_error_kind: str | None
    model_count: int
    available_count: int | None
    """None when not counted (`list_providers(count_available=False)`)."""


@dataclass(frozen=True, slots=True)
class ModelRow:
    """One line of the model list / table."""

    provider: str
    model_id: str
    name: str | None
    type: str
    status: str
    context_length: int | None
    max_output_tokens: int | None
    capabilities: tuple[str, ...]
    input_price: Decimal | None
    output_price: Decimal | None
    last_synced_at: datetime | None
    created_at: datetime | None
    available: bool
    in_catalog: bool
    aliases: tuple[str, ...] = ()
    description: str | None = None
    released_at: str | None = None
    open_weights: bool | None = None


@dataclass(frozen=True, slots=True)
class PricePeriod:
    price: Price
    effective_from: datetime | None
    """None only when the store's record of the start is damaged (the period is still shown)."""
    effective_until: datetime | None
    source: str


@dataclass(frozen=True, slots=True)
class ChangeRow:
    field: str
    old: str | None
    new: str | None
    at: datetime
    run_id: int | None


@dataclass(frozen=True, slots=True)
class ModelDetail:
    provider: str
    provider_name: str
    model_id: str
    name: str | None
    type: str
    status: str
    context_length: int | None
    max_output_tokens: int | None
    capabilities: tuple[str, ...]
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    created_at: datetime | None
    deprecated_at: datetime | None
    description: str | None
    owned_by: str | None
    aliases: tuple[str, ...]
    first_seen_at: datetime | None
    last_synced_at: datetime | None
    missing_since: datetime | None
    available: bool
    in_catalog: bool
    field_sources: coerce.FieldSources
    """Field name -> its source; `disputes` -> the disagreements the last pricing sync recorded."""
    raw: JSON
    """The provider's payload as stored; None when none was (or it is not readable JSON)."""
    price: PricePeriod | None
    history: tuple[PricePeriod, ...] = ()
    knowledge_cutoff: str | None = None
    released_at: str | None = None
    last_updated: str | None = None
    open_weights: bool | None = None
    changes: tuple[ChangeRow, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    kind: str
    provider: str | None
    group: str
    started_at: datetime | None
    """None (and a count None) only when the store's record of it is damaged."""
    finished_at: datetime | None
    status: str
    found: int | None
    added: int | None
    updated: int | None
    unchanged: int | None
    missing: int | None
    removed: int | None
    prices_changed: int | None
    error: str | None
    error_kind: str | None

    @property
    def duration(self) -> float | None:
        """Seconds the run took; None while it runs, or when its times are damaged (unreadable, or
        a finish before the start)."""
        if self.finished_at is None or self.started_at is None or self.finished_at < self.started_at:
            return None
        return (self.finished_at - self.started_at).total_seconds()


def price_from_row(row: PriceTable) -> Price:
    tiers = coerce.tiers_of(row.tiers)  # decoded JSON from the store, checked like every reader's
    return Price(
        **{name: getattr(row, name) for name in PRICE_COMPONENTS}, tiers=tiers or (), currency=row.currency,
        other=other_from_json(row.other), tiers_unreadable=tiers is None,
    )


def period_from_row(row: PriceTable) -> PricePeriod:
    return PricePeriod(price_from_row(row), row.effective_from, row.effective_until, row.source)


def list_providers(*, count_available: bool = True) -> list[ProviderRow]:
    """Every provider with its model counts. count_available=False (the app, which shows only the
    totals) counts from the provider index alone: 2 ms instead of 22 ms at 50,000 models."""
    counts: dict[int, tuple[int, int | None]] = {}
    if count_available:
        query = (
            Model.select(Model.provider, pw.fn.COUNT(Model.id), pw.fn.SUM(pw.Case(None, [(Model.available == True, 1)], 0)))  # noqa: E712
            .group_by(Model.provider)
        )
        for provider_id, total, available in tuples(query):
            counts[provider_id] = (int(total or 0), int(available or 0))
    else:
        for provider_id, total in tuples(Model.select(Model.provider, pw.fn.COUNT(pw.SQL("*"))).group_by(Model.provider)):
            counts[provider_id] = (int(total or 0), None)
    rows = []
    for p in Provider.select().order_by(Provider.slug):
        total, available = counts.get(p.id, (0, 0 if count_available else None))
        rows.append(
            ProviderRow(
                p.slug, p.name, p.kind, p.enabled, p.last_synced_at, p.last_attempt_at, p.last_status,
                p.last_error, p.last_error_kind, total, available,
            )
        )
    return rows


def _sort_key(sort: str) -> list[pw.ColumnBase]:
    # Prices are decimal text; NUMERIC sorts them by value on both backends (REAL is a 4-byte
    # float on PostgreSQL, which ties prices that differ past the 7th digit).
    name = pw.fn.COALESCE(Model.name, Model.model_id)
    keys: dict[str, list[pw.ColumnBase]] = {
        "name": [Model.model_id, Provider.slug],
        "provider": [Provider.slug, Model.model_id],
        "type": [Model.type, Model.model_id],
        "status": [Model.status, Model.model_id],
        "created_at": [Model.created_at.desc(nulls="LAST"), Model.model_id],
        "synced_at": [Model.last_synced_at.desc(nulls="LAST"), Model.model_id],
        "context_length": [Model.context_length.desc(nulls="LAST"), Model.model_id],
        "input_price": [PriceTable.input.cast("NUMERIC").asc(nulls="LAST"), Model.model_id],
        "output_price": [PriceTable.output.cast("NUMERIC").asc(nulls="LAST"), Model.model_id],
        "display_name": [name, Model.model_id],
        "released": [Model.released_at.desc(nulls="LAST"), Model.model_id],
        "cutoff": [Model.knowledge_cutoff.desc(nulls="LAST"), Model.model_id],
        "updated": [Model.last_updated.desc(nulls="LAST"), Model.model_id],
    }
    return keys[sort]


def model_rows_query(
    *,
    provider: str | None = None,
    type: str | None = None,
    active: bool = False,
    available: bool | None = None,
    search: str | None = None,
    capabilities: Iterable[str] = (),
    sort: str = "name",
    open_weights: bool = False,
    released_after: str | None = None,
    disputed: bool = False,
) -> pw.ModelSelect[Model]:
    """The model list as one SELECT (current price joined); callers add .tuples() and limits."""
    query = (
        Model.select(
            Provider.slug, Model.model_id, Model.name, Model.type, Model.status, Model.context_length,
            Model.max_output_tokens, Model.capabilities, PriceTable.input, PriceTable.output,
            Model.last_synced_at, Model.created_at, Model.available, Model.in_catalog, Model.aliases, Model.description,
            Model.released_at, Model.open_weights,
        )
        .join(Provider)
        .switch(Model)
        # Dollar prices only: a price in another currency (a hand edit) is no dollar figure to list or sort by.
        .join(PriceTable, pw.JOIN.LEFT_OUTER, on=(
            (PriceTable.model == Model.id) & PriceTable.effective_until.is_null() & (PriceTable.currency == "USD")))
    )
    if provider:
        query = query.where(Provider.slug == provider)
    if type:
        kinds = types_matching(type)
        query = query.where(Model.type == kinds[0] if len(kinds) == 1 else Model.type.in_(kinds))
    if active:
        query = query.where(Model.status == "active")
    if available is True:
        query = query.where(Model.available == True)  # noqa: E712
    elif available is False:
        query = query.where(Model.available == False)  # noqa: E712
    if search:
        like = f"%{search}%"
        # An id the provider states as an alias finds its model too (`codestral-latest`).
        by_alias = ModelAlias.select(ModelAlias.model).where(ModelAlias.name.contains(search))
        query = query.where(Model.model_id.contains(search) | (Model.name ** like) | Model.id.in_(by_alias))
    for cap in capabilities:
        query = query.where(json_text_has(Model.capabilities, cap))
    if open_weights:
        query = query.where(Model.open_weights == True)  # noqa: E712
    if released_after:
        # ISO dates compare as text; a model whose release date nobody states is left out.
        query = query.where(Model.released_at > released_after)
    if disputed:
        # As for capabilities: the pattern reaches the database as written, not JSON-encoded.
        query = query.where(json_text_has(Model.field_sources, "disputes"))
    return query.order_by(*_sort_key(sort))


def _text(value: object) -> str | None:
    """A text column read back: a value of another kind (a blob a hand edit left) is unknown."""
    return value if isinstance(value, str) else None


def row_from_tuple(t: DBRow) -> ModelRow:
    caps = t[7]
    return ModelRow(
        provider=t[0], model_id=t[1], name=t[2], type=t[3], status=t[4], context_length=t[5],
        max_output_tokens=t[6], capabilities=tuple(caps or ()), input_price=t[8], output_price=t[9],
        last_synced_at=t[10], created_at=t[11], available=bool(t[12]), in_catalog=bool(t[13]),
        aliases=tuple(t[14] or ()) if len(t) > 14 else (), description=t[15] if len(t) > 15 else None,
        released_at=_text(t[16]) if len(t) > 16 else None, open_weights=stored_flag(t[17]) if len(t) > 17 else None,
    )


class ModelFilters(TypedDict, total=False):
    """The filters and order of `model_rows_query`, by name."""

    provider: str | None
    type: str | None
    active: bool
    available: bool | None
    search: str | None
    capabilities: Iterable[str]
    sort: str
    open_weights: bool
    released_after: str | None
    disputed: bool


def list_models(*, limit: int | None = None, **filters: Unpack[ModelFilters]) -> list[ModelRow]:
    query = model_rows_query(**filters)
    if limit:
        query = query.limit(limit)
    return [row_from_tuple(t) for t in tuples(query)]


def _find_model(model_id: str, provider: str) -> Model | None:
    found: Model | None = (
        Model.select(Model, Provider)
        .join(Provider)
        .where((Provider.slug == provider) & (Model.model_id == model_id))
        .first()
    )
    return found


def resolve_model(ident: str, provider: str) -> Model | None:
    """The store model `ident` names at `provider`: its own id first, then an alias the provider
    states. A model the user's provider lists wins over a price-catalog entry of the same id, so
    `codestral-latest` is Mistral's codestral model even when a feed also has a row for it.
    Never across providers. The Model row comes with its Provider joined."""
    exact = _find_model(ident, provider)
    if exact is not None and exact.available:
        return exact
    via_alias: Model | None = (
        Model.select(Model, Provider)
        .join(Provider)
        .switch(Model)
        .join(ModelAlias, on=(ModelAlias.model == Model.id))
        .where((Provider.slug == provider) & (ModelAlias.name == ident))
        .first()
    )
    if via_alias is not None and (exact is None or via_alias.available):
        return via_alias
    return exact


def resolve_ids(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, bool]]:
    """Bulk `resolve_model` for (provider, id) pairs: pair -> (the model's own id, available).
    Pairs that resolve to nothing are absent."""
    wanted = set(pairs)
    out: dict[tuple[str, str], tuple[str, bool]] = {}
    if not wanted:
        return out
    ids = sorted({m for _, m in wanted})
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for slug, mid, available in tuples(
            Model.select(Provider.slug, Model.model_id, Model.available).join(Provider).where(Model.model_id.in_(chunk))
        ):
            if (slug, mid) in wanted:
                out[(slug, mid)] = (mid, bool(available))
        for slug, alias, mid, available in tuples(
            ModelAlias.select(Provider.slug, ModelAlias.name, Model.model_id, Model.available)
            .join(Model, on=(ModelAlias.model == Model.id))
            .switch(ModelAlias)
            .join(Provider, on=(ModelAlias.provider == Provider.id))
            .where(ModelAlias.name.in_(chunk))
        ):
            key = (slug, alias)
            if key in wanted and (key not in out or (available and not out[key][1])):
                out[key] = (mid, bool(available))
    return out


def aliases_by_model(provider_pks: Iterable[int] | None = None) -> dict[int, tuple[str, ...]]:
    """model pk -> the aliases its provider states, from the alias index (one query)."""
    query = ModelAlias.select(ModelAlias.model, ModelAlias.name).order_by(ModelAlias.name)
    if provider_pks is not None:
        query = query.where(ModelAlias.provider.in_(list(provider_pks)))
    out: dict[int, list[str]] = {}
    for pk, alias in tuples(query):
        out.setdefault(pk, []).append(alias)
    return {pk: tuple(v) for pk, v in out.items()}


def close_matches(model_id: str, provider: str | None = None, n: int = 5) -> list[tuple[str, str]]:
    """(model_id, provider) pairs that look like what the user typed."""
    candidates = list(tuples(Model.select(Model.model_id, Provider.slug).join(Provider)))
    ids = {m for m, _ in candidates}
    names = difflib.get_close_matches(model_id, list(ids), n=n, cutoff=0.6)
    sub = [m for m in ids if model_id.lower() in m.lower() and m not in names][: max(0, n - len(names))]
    wanted = names + sorted(sub, key=len)
    out: list[tuple[str, str]] = []
    for mid in wanted:
        provs = sorted({p for m, p in candidates if m == mid}, key=lambda p: (p != provider, p))
        out.extend((mid, p) for p in provs[:2])
    return out[:n]


def get_model(model_id: str, provider: str) -> ModelDetail | None:
    """One model in full, found by its id or an alias its provider states (`resolve_model`)."""
    m = resolve_model(model_id, provider)
    if m is None:
        return None
    history = tuple(
        period_from_row(r)
        for r in PriceTable.select().where(PriceTable.model == m.id).order_by(PriceTable.effective_from.desc(), PriceTable.id.desc())
    )
    current = next((h for h in history if h.effective_until is None), None)
    changes = tuple(
        ChangeRow(c.field, c.old, c.new, c.at, c.run_id)
        for c in ModelChange.select().where(ModelChange.model == m.id).order_by(ModelChange.at.desc(), ModelChange.id.desc())
    )
    raw: JSON = None
    if m.raw:
        try:
            raw = decode(m.raw)
        except (ValueError, RecursionError):
            raw = None
    return ModelDetail(
        provider=m.provider.slug, provider_name=m.provider.name, model_id=m.model_id, name=m.name, type=m.type,
        status=m.status, context_length=m.context_length, max_output_tokens=m.max_output_tokens,
        capabilities=coerce.texts_of(m.capabilities), input_modalities=coerce.texts_of(m.input_modalities),
        output_modalities=coerce.texts_of(m.output_modalities), created_at=m.created_at, deprecated_at=m.deprecated_at,
        description=m.description, owned_by=m.owned_by, aliases=coerce.texts_of(m.aliases), first_seen_at=m.first_seen_at,
        last_synced_at=m.last_synced_at, missing_since=m.missing_since, available=m.available, in_catalog=m.in_catalog,
        field_sources=coerce.field_sources_of(m.field_sources), raw=raw, price=current, history=history, changes=changes,
        knowledge_cutoff=m.knowledge_cutoff, released_at=m.released_at, last_updated=m.last_updated, open_weights=m.open_weights,
    )


def run_from_row(r: SyncRun) -> RunRow:
    return RunRow(
        r.id, r.kind, r.provider, r.group, r.started_at, r.finished_at, r.status, r.found, r.added, r.updated,
        r.unchanged, r.missing, r.removed, r.prices_changed, r.error, r.error_kind,
    )


def list_runs(*, limit: int = 100, kind: str | None = None, status: str | None = None, provider: str | None = None) -> list[RunRow]:
    query = SyncRun.select().order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
    if kind:
        query = query.where(SyncRun.kind == kind)
    if status:
        query = query.where(SyncRun.status == status)
    if provider:
        query = query.where(SyncRun.provider == provider)
    return [run_from_row(r) for r in query.limit(limit)]


def last_run(provider: str, kind: str = "models", *, status: str | None = None) -> RunRow | None:
    rows = list_runs(limit=1, kind=kind, status=status, provider=provider)
    return rows[0] if rows else None


def model_count() -> int:
    return Model.select().count()


def last_sync_time() -> datetime | None:
    latest: datetime | str | None = Provider.select(pw.fn.MAX(Provider.last_synced_at)).scalar()
    return stored_utc(latest)


def model_table_tuples(limit: int | None = None) -> list[DBRow]:
    """Every model with its current price as *raw* database values, ordered by id then provider
    (only the first `limit` of them in that order, when given).

    The app's virtual table holds the whole catalog (50,000 rows is the target) and converts
    only the rows on screen, so this skips Peewee's per-field conversion: prices stay decimal
    text, capabilities JSON text, times as the driver returns them (text on SQLite). Then the
    release date, knowledge cutoff and open weights, whether the sources disagree, and the
    field_sources text of the models that have one of those (the others: NULL, so 50,000 rows do not
    carry 50,000 copies of it).
    """
    disputed = json_text_has(Model.field_sources, "disputes")
    has_facts = Model.released_at.is_null(False) | Model.knowledge_cutoff.is_null(False) | Model.open_weights.is_null(False) | disputed
    query = (
        Model.select(
            Provider.slug, Model.model_id, Model.name, Model.type, Model.status, Model.context_length,
            Model.max_output_tokens, Model.capabilities, PriceTable.input, PriceTable.output,
            Model.last_synced_at, Model.available, Model.in_catalog, Model.aliases,
            Model.released_at, Model.knowledge_cutoff, Model.open_weights, disputed,
            pw.Case(None, [(has_facts, Model.field_sources)], None),
        )
        .join(Provider)
        .switch(Model)
        # Dollar prices only, as in `model_rows_query`: a price in another currency is no dollar figure.
        .join(PriceTable, pw.JOIN.LEFT_OUTER, on=(
            (PriceTable.model == Model.id) & PriceTable.effective_until.is_null() & (PriceTable.currency == "USD")))
    )
    if limit is not None:
        # The app's first screenful. The top N ids come from the (provider, model id) index alone,
        # then only those N rows are joined: 8 ms at 50k models, against 20-40 ms for ORDER BY +
        # LIMIT over the whole join. Same order as the sort below (BINARY collation = code points).
        top = Model.select(Model.id).join(Provider).order_by(Model.model_id, Provider.slug).limit(limit)
        query = query.where(Model.id.in_(top))
    sql, params = query.sql()
    rows = list(Model._meta.database.execute_sql(sql, params).fetchall())
    # Sorting here is 20x cheaper than SQLite's ORDER BY over the join (0.02 s vs 0.26 s at 50k).
    rows.sort(key=itemgetter(1, 0))
    return rows
