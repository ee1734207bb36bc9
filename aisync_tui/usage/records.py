"""Writing usage records: one normalised row type for every source, priced and upserted by source_ref.

Every importer turns its source into `UsageRow`s and hands them to `write_rows`, which
- prices each row that has no reported cost with the price in force at its time (`cost.PriceBook`),
- inserts new source_refs, updates rows whose values changed (today's partial API bucket grows
  during the day), and leaves identical ones alone: importing the same data twice never counts twice,
- does all of it in one transaction (a file that fails half-way leaves nothing behind),
- re-prices older records that were unpriced and now have a price in the ledger,
- and records a `sync_run` row (kind "usage") so `aisync sync status` shows imports too.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from .. import bounds, provider_spec
from ..domain import utcnow
from ..errors import AisyncError
from ..jsonvalue import JSONOut

if TYPE_CHECKING:
    import peewee as pw

    from ..store.db import Store
    from .cost import PriceBook


class UsageDataError(AisyncError):
    """Usage data that cannot be imported as given (bad line, bad number, missing column)."""

    hint = "fix the input and import again; nothing was imported from it"


@dataclass(frozen=True, slots=True)
class UsageRow:
    """One usage record before it is stored. requests None = the source does not say."""

    ts: datetime
    provider: str
    model_id: str
    requests: int | None
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    source: str
    source_ref: str
    cost_usd: Decimal | None = None
    """A cost the source reported itself; None = compute it from the price ledger."""
    requested_model: str | None = None
    """The id the caller asked for when the source also names the one that served it (llm's
    `model` next to `resolved_model`); None when it gives one id, or the same one."""


@dataclass
class ImportResult:
    source: str
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    priced: int = 0
    """Rows (added or updated) with a cost the ledger computed."""
    estimated: int = 0
    reported: int = 0
    unpriced: int = 0
    repriced_older: int = 0
    """Earlier unpriced records that this run could price."""
    first_ts: datetime | None = None
    last_ts: datetime | None = None
    models_not_in_store: set[tuple[str, str]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> JSONOut:
        return {
            "source": self.source,
            "read": self.read,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "reported_cost": self.reported,
            "computed_cost": self.priced,
            "estimated_cost": self.estimated,
            "unpriced": self.unpriced,
            "repriced_older": self.repriced_older,
            "first": _iso(self.first_ts),
            "last": _iso(self.last_ts),
            "models_not_in_store": sorted(f"{p}/{m}" for p, m in self.models_not_in_store),
            "notes": self.notes,
        }


def _iso(ts: datetime | None) -> str | None:
    return ts.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if ts else None


# ----------------------------------------------------------------------------- provider inference

#: Model-id families of makers we do not sync, for attributing their usage all the same. A provider
#: spec for the same slug takes its place (its `usage_pattern` then decides).
_OTHER_FAMILIES: tuple[tuple[str, str], ...] = ((r"^command", "cohere"),)

#: Prefixes ("bedrock/...") that name a provider: ours (its slug or a spec's `usage_prefixes`), or
#: one we do not sync, kept under that name.
_PREFIXES: dict[str, str] = {**{p: p for p in ("cohere", "bedrock", "vertex_ai", "azure")}, **provider_spec.usage_prefixes()}

_FAMILIES: tuple[tuple[str, str], ...] = provider_spec.usage_patterns() + tuple(
    (pattern, slug) for pattern, slug in _OTHER_FAMILIES if slug not in provider_spec.BY_SLUG
)


@functools.lru_cache(maxsize=4096)
def infer_provider(model: str) -> tuple[str, str]:
    """(provider, model_id) from an id as tools log it: "anthropic/claude-3-5-sonnet" or "gpt-4o".

    A prefix that names a known provider wins ("openrouter/openai/gpt-4o" is OpenRouter's model
    "openai/gpt-4o"); otherwise the model family decides; otherwise the provider is "unknown"
    (the usage is still kept and shown).
    """
    text = model.strip()
    if "/" in text:
        head, rest = text.split("/", 1)
        slug = head.lower()
        if slug in _PREFIXES:
            return _PREFIXES[slug], rest
    lowered = text.lower()
    for pattern, provider in _FAMILIES:
        if re.match(pattern, lowered):
            return provider, text
    return "unknown", text


# ----------------------------------------------------------------------------- validation helpers


#: The earliest usage date accepted: nothing sold API tokens before this, so an earlier date is
#: a broken export (an epoch of 0, a year 1). The latest is tomorrow (clocks differ a little).
EARLIEST_USAGE = datetime(2000, 1, 1, tzinfo=timezone.utc)


class OutOfRange(ValueError):
    """A value that was read but lies outside what can be true (a future date, year 1)."""


def _refusal(value: object, what: str, expected: str) -> ValueError:
    return ValueError(f"{what} must be {expected}, not {bounds.preview(value)}")


def as_count(value: object, what: str) -> int:
    """A non-negative token/request count from int, float-shaped text ("10.0") or None (= 0),
    at most `bounds.MAX_USAGE_COUNT`."""
    if value is None or value == "":
        return 0
    ceiling = bounds.MAX_USAGE_COUNT
    number = bounds.integer(value, ceiling=ceiling, floor=-ceiling, field=what)
    if number is None and isinstance(value, str):
        # "1e3" and other exact decimal text (bounded before it is read)
        dec = bounds.decimal(value, field=what)
        if dec is not None and dec == dec.to_integral_value():
            number = bounds.integer(dec, ceiling=ceiling, floor=-ceiling, field=what)
    if number is None:
        raise ValueError(f"{what} must be a whole number, not {bounds.preview(value)} (from 0 to {ceiling:,})")
    if number < 0:
        raise ValueError(f"{what} must not be negative, not {bounds.preview(value)}")
    return number


def as_cost(value: object, what: str = "cost_usd") -> Decimal | None:
    """A non-negative USD amount of at most `bounds.MAX_USAGE_COST` (one record), or None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    with bounds.collect() as refused:
        dec = bounds.decimal(value, field=what)
    if dec is None and refused and refused[0].reason.startswith("is out of range"):
        raise ValueError(f"{what} {bounds.preview(value)} is above {bounds.MAX_USAGE_COST:,} USD, more than one record can cost")
    if dec is None:
        raise _refusal(value, what, "a number (plain decimal)")
    if dec < 0:
        raise ValueError(f"{what} must not be negative, not {bounds.preview(value)}")
    if dec > bounds.MAX_USAGE_COST:
        raise ValueError(f"{what} {bounds.preview(value)} is above {bounds.MAX_USAGE_COST:,} USD, more than one record can cost")
    return dec


def parse_ts(value: object, what: str = "timestamp", *, now: datetime | None = None) -> datetime:
    """Aware UTC from a datetime, ISO-8601 text ("...Z", "+00:00" or naive = UTC), a date, or Unix
    seconds; between 2000 and tomorrow."""
    latest = (now or utcnow()) + timedelta(days=1)
    ts: datetime | None
    if isinstance(value, datetime):
        ts = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ts = bounds.unix_time(value, field=what, lo=bounds.MIN_DATE, hi=bounds.MAX_DATE)
        if ts is None:
            raise OutOfRange(f"{what} {bounds.preview(value)} is not a Unix time between 1970 and 2100")
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
            ts = bounds.unix_time(text[:24], field=what)
        else:
            if len(text) > 64:
                raise ValueError(f"{what} {bounds.preview(value)} is not an ISO-8601 date/time or Unix time")
            if text.endswith("Z") or text.endswith("z"):
                text = text[:-1] + "+00:00"
            try:
                ts = datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(f"{what} {bounds.preview(value)} is not an ISO-8601 date/time or Unix time") from None
            ts = ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)
        if ts is None:
            raise ValueError(f"{what} {bounds.preview(value)} is not a Unix time between 1970 and 2100")
    else:
        raise ValueError(f"{what} is missing or not a date/time: {bounds.preview(value)}")
    try:
        utc = ts.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # year 1 at +14:00, year 9999 at -12:00
        raise OutOfRange(f"{what} {bounds.preview(value)} is out of range") from None
    if utc < EARLIEST_USAGE:
        raise OutOfRange(f"{what} {bounds.preview(value)} is before {EARLIEST_USAGE:%Y-%m-%d}")
    if utc > latest:
        raise OutOfRange(f"{what} {bounds.preview(value)} is in the future")
    return ts


def check_model_id(model_id: str, what: str = "model") -> str:
    """`model_id` when it is short enough to be an id (`bounds.MAX_ID_CHARS`), else ValueError."""
    if not bounds.id_fits(model_id):
        raise ValueError(f"{what} {bounds.preview(model_id)} is longer than {bounds.MAX_ID_CHARS} characters")
    return model_id


def check_regular_file(path: Path) -> None:
    """Refuse a path that is not a regular file before opening it: reading a FIFO or a device
    would wait forever (or never end)."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageDataError(f"{path}: file not found", hint="check the path") from None
    except OSError as exc:
        raise UsageDataError(f"{path}: cannot read it: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise UsageDataError(f"{path}: is a folder, not a file", hint="pass the file itself")
    if not stat.S_ISREG(mode):
        raise UsageDataError(f"{path}: is not a regular file (a pipe, socket or device)", hint="save the data to a file and import that")


# ----------------------------------------------------------------------------- writing


def _same(existing: object, values: Mapping[str, object]) -> bool:
    """The stored record `existing` (a row with the columns of `values` as attributes) already
    holds `values`; its time to the second, as some drivers drop the microseconds."""
    for key, value in values.items():
        old = getattr(existing, key)
        if key == "ts" and isinstance(value, datetime):
            if not isinstance(old, datetime):
                return False  # a stored time that does not read: the import writes the record again
            old = old if old.tzinfo else old.replace(tzinfo=timezone.utc)
            if old.replace(microsecond=0) != value.replace(microsecond=0) and old != value:
                return False
            continue
        if old != value:
            return False
    return True


def write_rows(
    rows: Iterable[UsageRow], *, source: str, batch_size: int = 500, reprice_older: bool = True, log_run: bool = True
) -> ImportResult:
    """Price and upsert `rows` in one transaction; returns the counts. Needs an open store."""
    from ..store.models import UsageRecord, database_proxy
    from ..usage.cost import PriceBook
    from ..usage.stats import _store_models

    result = ImportResult(source=source)
    book = PriceBook()
    now = utcnow()
    db = database_proxy.obj
    started = now
    pending: list[UsageRow] = []
    pairs: set[tuple[str, str]] = set()

    def flush() -> None:
        refs = [r.source_ref for r in pending]
        # Named tuples, not model instances: re-importing 50k unchanged rows is mostly this lookup.
        U = UsageRecord
        existing = {
            u.source_ref: u
            for u in U.select(
                U.id, U.source_ref, U.ts, U.provider, U.model_id, U.requests, U.input_tokens, U.output_tokens,
                U.cached_tokens, U.cost_usd, U.cost_source, U.source, U.requested_model,
            ).where(U.source_ref.in_(refs)).namedtuples()
        }
        inserts = []
        for row in pending:
            old = existing.get(row.source_ref)
            cost: Decimal | None
            how: str | None
            if row.cost_usd is not None:
                cost, how = row.cost_usd, "reported"
            elif old is not None and old.cost_source == "reported":
                # A cost the provider reported is never replaced by one we computed.
                cost, how = old.cost_usd, "reported"
            else:
                cost, how = book.record_cost(
                    row.provider, row.model_id, row.requested_model, row.ts, requests=row.requests,
                    input_tokens=row.input_tokens, output_tokens=row.output_tokens, cached_tokens=row.cached_tokens,
                )
            requested = row.requested_model if row.requested_model != row.model_id else None
            values = dict(
                ts=row.ts, provider=row.provider, model_id=row.model_id, requested_model=requested, requests=row.requests,
                input_tokens=row.input_tokens, output_tokens=row.output_tokens, cached_tokens=row.cached_tokens,
                cost_usd=cost, cost_source=how, source=row.source,
            )
            if old is not None and _same(old, values):
                result.unchanged += 1
                continue
            if how == "reported":
                result.reported += 1
            elif how == "computed":
                result.priced += 1
            elif how == "estimated":
                result.estimated += 1
            else:
                result.unpriced += 1
            if old is None:
                inserts.append(dict(values, source_ref=row.source_ref, imported_at=now))
                result.added += 1
            else:
                UsageRecord.update(**values, imported_at=now).where(UsageRecord.id == old.id).execute()
                result.updated += 1
        if inserts:
            UsageRecord.insert_many(inserts).execute()
        pending.clear()

    seen: set[str] = set()
    from ..store.db import write_transaction

    with write_transaction(db):
        for row in rows:
            if row.source_ref in seen:
                # The same reference twice in one import: the later row wins, counted once.
                pending[:] = [p for p in pending if p.source_ref != row.source_ref]
            seen.add(row.source_ref)
            result.read += 1
            pairs.add((row.provider, row.model_id))
            if result.first_ts is None or row.ts < result.first_ts:
                result.first_ts = row.ts
            if result.last_ts is None or row.ts > result.last_ts:
                result.last_ts = row.ts
            pending.append(row)
            if len(pending) >= batch_size:
                flush()
        if pending:
            flush()
        if reprice_older:
            result.repriced_older = reprice_unpriced(book)
        if log_run:
            _record_run(result, started)
    result.models_not_in_store = pairs - _store_models(pairs)
    return result


def reprice_unpriced(book: PriceBook | None = None) -> int:
    """Price the stored records that had no known price when imported. Returns how many now have one.

    A record is priced exactly as an import prices it (`PriceBook.record_cost`): by the model that
    served it, else by the one it asked for; one that still finds no price stays unpriced.
    """
    from ..store.models import UsageRecord, tuples
    from ..usage.cost import PriceBook
    from ..usage.stats import unreadable

    book = book or PriceBook()
    U = UsageRecord
    unpriced = U.cost_source.is_null() & U.cost_usd.is_null()
    # Only records that now find a price are worth visiting (most unpriced usage stays unpriced):
    # one query for the ids they served and asked for, then the records of those that do.
    kinds = tuples(U.select(U.provider, U.model_id, U.requested_model).where(unpriced).distinct())
    priced_kinds = [(p, m, r) for p, m, r in kinds if book.has_price(p, m, r)]
    cols = (U.id, U.ts, U.requests, U.input_tokens, U.output_tokens, U.cached_tokens)
    updates: list[tuple[object, str | None, int]] = []
    for provider, model_id, requested in priced_kinds:
        asked = U.requested_model.is_null() if requested is None else U.requested_model == requested
        query = U.select(*cols).where(unpriced & (U.provider == provider) & (U.model_id == model_id) & asked)
        for rec_id, ts, requests, input_tokens, output_tokens, cached_tokens in query.tuples().iterator():
            if unreadable(ts, input_tokens, output_tokens, cached_tokens):
                continue  # stays unpriced, as the reports count it
            ts = ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)
            cost, how = book.record_cost(
                provider, model_id, requested, ts, requests=requests, input_tokens=input_tokens,
                output_tokens=output_tokens, cached_tokens=cached_tokens,
            )
            if cost is not None:
                updates.append((U.cost_usd.db_value(cost), how, rec_id))
    if updates:
        # One prepared statement for every record: a statement per record through Peewee was most
        # of a pricing sync that priced a thousand waiting records.
        db = UsageRecord._meta.database
        table = UsageRecord._meta.table_name
        with db.atomic():
            db.cursor().executemany(
                f'UPDATE "{table}" SET "cost_usd" = {db.param}, "cost_source" = {db.param} WHERE "id" = {db.param}', updates
            )
    return len(updates)


def _record_run(result: ImportResult, started: datetime) -> None:
    from ..store.models import SyncRun

    SyncRun.create(
        kind="usage", provider=result.source, group=uuid.uuid4().hex[:12], started_at=started, finished_at=utcnow(),
        status="ok", found=result.read, added=result.added, updated=result.updated, unchanged=result.unchanged,
    )


def record_failure(source: str, error: BaseException) -> None:
    """A failed import as a sync_run row, so `aisync sync status` shows it like a failed sync."""
    from ..errors import error_kind, redact
    from ..store.models import SyncRun

    now = utcnow()
    SyncRun.create(
        kind="usage", provider=source, group=uuid.uuid4().hex[:12], started_at=now, finished_at=now, status="failed",
        error=redact(getattr(error, "message", str(error))), error_kind=error_kind(error),
    )


# ----------------------------------------------------------------------------- the Python API


@dataclass(frozen=True, slots=True)
class RecordedUsage:
    """What `record()` stored: the row as kept, with the cost it was given or computed."""

    ts: datetime
    provider: str
    model_id: str
    requests: int | None
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    cost_usd: Decimal | None
    cost_source: str | None
    source_ref: str
    added: bool
    """False when `ref` had been recorded before (nothing was counted twice)."""


#: The stores `record()` opened itself, by location: one connection per process and store,
#: kept open between calls (opening a store per call is slow, and every open is a new connection).
_stores: dict[str, Store] = {}
_stores_pid = os.getpid()
#: `record()` calls are serialised: its own connections are shared by every thread.
_record_lock = threading.RLock()


def _store_for(database: str | None) -> Store | None:
    """The store `record()` writes to, or None for the store this process already has open.

    Without `database`, the open store (the app, a command) is used, else the configured one.
    With `database`, the store at that location: the one already open if it is the same SQLite
    file, else a connection this module opens once and keeps.
    """
    global _stores_pid
    from ..store.models import database_proxy

    if os.getpid() != _stores_pid:
        # A forked child must not use its parent's SQLite connections: forget them (never
        # close them here, which would disturb the parent's locks) and open its own.
        _stores.clear()
        _stores_pid = os.getpid()
    current = database_proxy.obj
    if database is None:
        if current is not None:
            return None
        from ..config import load_settings

        database = load_settings().database
    location = str(database)
    if current is not None and _same_store(current, location):
        return None
    store = _stores.get(location)
    if store is None:
        from ..store.db import open_store

        store = open_store(location, shared_connection=True)
        _stores[location] = store
        if current is not None:
            database_proxy.initialize(current)  # opening rebinds the tables; the caller's store stays theirs
    return store


def _same_store(db: pw.Database, location: str) -> bool:
    """True when `db` (the open store) is the SQLite file at `location`."""
    from pathlib import Path

    import peewee as pw

    if not isinstance(db, pw.SqliteDatabase) or "://" in location and not location.startswith("sqlite:///"):
        return False
    path = location[len("sqlite:///") :] if location.startswith("sqlite:///") else location
    try:
        return Path(db.database).expanduser().resolve() == Path(path).expanduser().resolve()
    except OSError:
        return False


def _bound_to(store: Store | None) -> pw.Database | None:
    """Bind the tables to `store` for one call; returns what to restore afterwards."""
    from ..store.models import database_proxy

    previous: pw.Database | None = database_proxy.obj
    if store is not None and previous is not store.db:
        database_proxy.initialize(store.db)
    return previous


def record(
    provider: str,
    model: str,
    input_tokens: int,
    output_tokens: int,
    *,
    requests: int | None = 1,
    cached_tokens: int = 0,
    cost_usd: Decimal | str | int | float | None = None,
    ts: datetime | str | None = None,
    ref: str | None = None,
    database: str | None = None,
) -> RecordedUsage:
    """Record one use of a model from an application: `aisync_tui.usage.record("openai", "gpt-4o", 1200, 300)`.

    cost_usd: what the provider billed, if the application knows (kept as "reported"); otherwise the
    price in force at `ts` (default now) computes it, or it stays unknown. `ref`: your own id for
    this call (a request id); recording the same ref again updates that record instead of counting
    it twice. Without `ref` every call is a new record.

    database: a store path or URL; default the store this process has open, else the configured
    one. The store is opened once per process and kept (one connection, shared by threads; calls
    are serialised). A store busy with a sync is waited for, up to its busy timeout (10 s).

    Raises `UsageDataError` on bad values and `aisync_tui.errors.StoreError` when the record could
    not be stored (the store stayed busy past the timeout, is read-only, full or not a store):
    either the record is stored or one of these is raised, never both and never neither.
    """
    try:
        if not isinstance(provider, str) or not provider.strip():
            raise ValueError("provider must be a non-empty string")
        if not isinstance(model, str) or not model.strip():
            raise ValueError("model must be a non-empty string")
        row = UsageRow(
            ts=parse_ts(ts) if ts is not None else utcnow(),
            provider=provider.strip().lower(),
            model_id=model.strip(),
            requests=None if requests is None else as_count(requests, "requests"),
            input_tokens=as_count(input_tokens, "input_tokens"),
            output_tokens=as_count(output_tokens, "output_tokens"),
            cached_tokens=as_count(cached_tokens, "cached_tokens"),
            source="api",
            source_ref=f"api:{ref}" if ref else f"api:{uuid.uuid4().hex}",
            cost_usd=as_cost(cost_usd),
        )
    except ValueError as exc:
        raise UsageDataError(f"usage.record: {exc}", hint="pass non-negative whole token counts and a numeric cost") from None
    if row.cached_tokens > row.input_tokens:
        raise UsageDataError("usage.record: cached_tokens is more than input_tokens (input includes cached)", hint="pass the total input tokens")
    import peewee as pw

    from ..store.db import describe_sqlite_error, write_transaction
    from ..store.models import UsageRecord, database_proxy

    with _record_lock:
        store = _store_for(database)
        previous = _bound_to(store)
        db = database_proxy.obj
        where = store.location if store is not None else str(getattr(db, "database", "the store"))
        try:
            with write_transaction(db):
                result = write_rows([row], source="api", reprice_older=False, log_run=False)
                stored = UsageRecord.get(UsageRecord.source_ref == row.source_ref)
        except (pw.PeeweeException, sqlite3.Error) as exc:
            # Busy beyond the busy timeout, read-only, full disk...: nothing was stored, and the
            # caller gets one documented error rather than a driver's.
            raise describe_sqlite_error(where, exc) from None
        finally:
            if store is not None and previous is not None and previous is not store.db:
                database_proxy.initialize(previous)
    return RecordedUsage(
        ts=row.ts, provider=row.provider, model_id=row.model_id, requests=row.requests, input_tokens=row.input_tokens,
        output_tokens=row.output_tokens, cached_tokens=row.cached_tokens, cost_usd=stored.cost_usd,
        cost_source=stored.cost_source, source_ref=row.source_ref, added=result.added == 1,
    )
