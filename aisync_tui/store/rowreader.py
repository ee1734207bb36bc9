"""Read many rows fast: the same values Peewee's `python_value` gives, without a Model instance
per row and with cheaper conversions for the column types we store in bulk.

Profiling a re-sync of 10,000 models showed most of the time in Peewee building a Model object
per row and parsing timestamps with `strptime` format by format. Here a SELECT runs on the raw
cursor and each column gets one converter:

- times (`UTCDateTimeField`): `datetime.fromisoformat`, which reads every format Peewee writes
  ("YYYY-MM-DD HH:MM:SS[.ffffff]", "YYYY-MM-DD"), then tagged UTC as the field does; anything
  else goes through the field's own `python_value`;
- JSON text: decoded once per distinct text (capability and modality lists repeat across
  thousands of rows) and copied, so no two rows share a mutable list or dict;
- text and integer columns: as the driver returns them (already `str` / `int` / `None`); on
  SQLite, which keeps whatever it is given, one probe in SQL asks whether any selected row holds a
  value of another kind in a column a hand edit may damage, and only then is each cell checked;
- everything else (booleans, decimals): the field's own `python_value`.
"""

from __future__ import annotations

import copy
import operator
from functools import reduce
from typing import Callable, Iterable, Sequence

import peewee as pw

from ..domain import stored_utc
from ..jsonvalue import JSON, stored_json
from .models import DBRow, FactTextField, JSONTextField, StoredCharField, StoredTextField, TokenCountField, UTCDateTimeField

#: A column's value as the driver returns it -> the value Peewee's field would give.
Converter = Callable[[object], object]


def _time_converter(field: pw.Field) -> Converter:
    slow: Converter = field.python_value

    def convert(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return stored_utc(value)
            except (ValueError, OverflowError):  # not a time; a time whose UTC falls outside the calendar
                return slow(value)
        return slow(value)

    return convert


def _json_converter() -> Converter:
    cache: dict[str, tuple[JSON, bool]] = {}

    def convert(value: object) -> object:
        if value is None:
            return None
        if not isinstance(value, str):
            # Not text: bytes from a driver that hands them, else a value decoded already.
            return stored_json(value) if isinstance(value, bytes) else value
        hit = cache.get(value)
        if hit is None:
            decoded = stored_json(value)
            items = decoded.values() if isinstance(decoded, dict) else decoded if isinstance(decoded, list) else ()
            hit = cache[value] = (decoded, any(isinstance(v, (list, dict)) for v in items))
        decoded, nested = hit
        if isinstance(decoded, (list, dict)):
            return copy.deepcopy(decoded) if nested else decoded.copy()
        return decoded

    return convert


def _checked_converter(field: pw.Field, plain: type) -> Converter:
    """The driver's value when it is of the column's own kind (what a store holds but for a hand
    edit), else the field's own reading of a damaged value."""
    slow: Converter = field.python_value

    def convert(value: object) -> object:
        if value is None or value.__class__ is plain:
            return value
        return slow(value)

    return convert


#: The storage classes SQLite may hold in each kind of column a hand edit may damage.
_KINDS: tuple[tuple[type[pw.Field], type, tuple[str, ...]], ...] = (
    (StoredTextField, str, ("text", "null")),
    (StoredCharField, str, ("text", "null")),
    (FactTextField, str, ("text", "null")),
    (TokenCountField, int, ("integer", "null")),
)


def _kind(field: pw.Field) -> tuple[type, tuple[str, ...]] | None:
    for cls, plain, storage in _KINDS:
        if isinstance(field, cls):
            return plain, storage
    return None


def damaged(query: pw.Select, fields: Sequence[pw.Field], db: pw.Database) -> bool:
    """Whether any row `query` selects holds, in one of `fields`, a value of another kind than its
    column's (SQLite keeps a blob or text anywhere). One probe in SQL (about 2 ms over 10,000
    rows), so the rows themselves are read without a per-cell check when, as nearly always,
    nothing is off. PostgreSQL enforces column types: never damaged in this way."""
    if not isinstance(db, pw.SqliteDatabase):
        return False
    tests = []
    for field in fields:
        kind = _kind(field)
        if kind is not None:
            tests.append(pw.fn.typeof(field).not_in(list(kind[1])))
    if not tests:
        return False
    probe = query.clone().select(pw.Value(1)).where(reduce(operator.or_, tests)).order_by().limit(1)
    return db.execute_sql(*probe.sql()).fetchone() is not None


def damaged_cells(query: pw.Select, fields: Sequence[pw.Field], db: pw.Database) -> list[tuple[int, Converter]]:
    """For a reader that takes the driver's rows as they are (its own caches, its own column
    readers): (position, the field's reader) of each column in `fields` a hand edit may damage,
    when `damaged` finds such a cell in the rows `query` selects; nothing when none does, as nearly
    always. `mend` applies them to a row."""
    if isinstance(db, pw.DatabaseProxy):
        db = db.obj
    if not damaged(query, fields, db):
        return []
    return [(i, f.python_value) for i, f in enumerate(fields) if _kind(f) is not None]


def mend(row: DBRow, cells: Sequence[tuple[int, Converter]]) -> DBRow:
    """`row` with the cells of `damaged_cells` read by their fields (values of their own kind pass as they are)."""
    if not cells:
        return row
    out = list(row)
    for i, read in cells:
        out[i] = read(out[i])
    return tuple(out)


def converter(field: pw.Field, db: pw.Database, *, check: bool = False) -> Converter | None:
    """None = take the driver's value as it is. `check`: the rows may hold damaged cells (see
    `damaged`), so the columns a hand edit may damage are checked cell by cell."""
    if isinstance(field, UTCDateTimeField):
        return _time_converter(field)
    if isinstance(field, JSONTextField):
        return _json_converter()
    if isinstance(db, pw.SqliteDatabase):
        kind = _kind(field)
        if kind is not None:
            return _checked_converter(field, kind[0]) if check else None
        if type(field) in (pw.CharField, pw.TextField, pw.IntegerField, pw.BigIntegerField, pw.AutoField, pw.ForeignKeyField):
            return None
    return field.python_value


def _converters(query: pw.Select, fields: Sequence[pw.Field], db: pw.Database) -> list[tuple[int, Converter]]:
    check = damaged(query, fields, db)
    return [(i, c) for i, c in enumerate(converter(f, db, check=check) for f in fields) if c is not None]


def read_rows(query: pw.Select, fields: Sequence[pw.Field], db: pw.Database) -> Iterable[DBRow]:
    """Run `query` (which selects exactly `fields`, in order) and yield converted tuples."""
    if isinstance(db, pw.DatabaseProxy):
        db = db.obj
    sql, params = query.sql()
    converters = _converters(query, fields, db)
    cursor = db.execute_sql(sql, params)
    if not converters:
        yield from cursor
        return
    for raw in cursor:
        row = list(raw)
        for i, c in converters:
            row[i] = c(row[i])
        yield tuple(row)


def read_raw_rows(query: pw.Select, fields: Sequence[pw.Field], db: pw.Database) -> Iterable[tuple[DBRow, DBRow]]:
    """`read_rows`, each row also as the driver returned it: (raw, converted). Two raw rows that
    are equal hold equal values, which is a cheap way to tell that a row did not change."""
    if isinstance(db, pw.DatabaseProxy):
        db = db.obj
    sql, params = query.sql()
    converters = _converters(query, fields, db)
    for raw in db.execute_sql(sql, params):
        row = list(raw)
        for i, c in converters:
            row[i] = c(row[i])
        yield tuple(raw), tuple(row)
