"""Bulk writes that Peewee makes slow: many-row inserts and `id IN (...)` updates on SQLite.

Shared by the model sync and the pricing sync (see bench/README.md for what each saves).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Hashable, Mapping, Sequence

import peewee as pw

from .models import JSONTextField, Model, UTCDateTimeField

#: One row to write: column name -> value as the model's field takes it.
RowValues = Mapping[str, object]
#: A field's `db_value`: the value a column is written with.
Encoder = Callable[[object], object]


def bulk_insert(db: pw.Database, table: type[pw.Model], rows: Sequence[RowValues]) -> None:
    """`table.insert_many(rows)` with one prepared statement on SQLite.

    Peewee builds the SQL of a multi-row insert value by value (about 0.3 ms per 30-column row,
    most of a 10,000-model first sync); `executemany` with the same columns, the same field
    conversions (`db_value`) and the same defaults writes identical rows several times faster.
    Other backends keep Peewee's insert_many.
    """
    if not rows:
        return
    if not isinstance(db, pw.SqliteDatabase):
        table.insert_many(rows).execute()
        return
    meta = table._meta
    names = list(rows[0])
    fields = [meta.fields[n] for n in names]
    defaults = [
        (f, f.default) for f in meta.sorted_fields
        if f.name not in rows[0] and f.default is not None and not f.primary_key
    ]
    quote = db.quote
    columns = [f.column_name for f in fields] + [f.column_name for f, _ in defaults]
    sql = "INSERT INTO {q0}{t}{q1} ({cols}) VALUES ({marks})".format(
        q0=quote[0], q1=quote[1], t=meta.table_name,
        cols=", ".join(f"{quote[0]}{c}{quote[1]}" for c in columns),
        marks=", ".join([db.param] * len(columns)),
    )
    convert = [(n, _converter(f)) for n, f in zip(names, fields)]
    extra = [f.db_value(d() if callable(d) else d) for f, d in defaults]
    params = [tuple([to_db(row[n]) for n, to_db in convert] + extra) for row in rows]
    db.cursor().executemany(sql, params)


def bulk_update(db: pw.Database, table: type[pw.Model], updates: Sequence[tuple[int, RowValues]]) -> None:
    """`table.update(**values).where(id == pk)` for each (pk, values), with one prepared statement
    per set of columns on SQLite.

    Building each UPDATE's SQL through Peewee cost about 1.5 ms per model, most of a re-sync
    where every model changed; `executemany` with the same field conversions (`db_value`) writes
    the same rows. Other backends keep Peewee's update.
    """
    if not updates:
        return
    if not isinstance(db, pw.SqliteDatabase):
        for pk, values in updates:
            table.update(**values).where(table._meta.fields["id"] == pk).execute()
        return
    meta = table._meta
    quote = db.quote
    groups: dict[tuple[str, ...], list[tuple[int, RowValues]]] = {}
    for pk, values in updates:
        groups.setdefault(tuple(values), []).append((pk, values))
    for names, rows in groups.items():
        fields = [meta.fields[n] for n in names]
        assignments = ", ".join(f"{quote[0]}{f.column_name}{quote[1]} = {db.param}" for f in fields)
        key = meta.fields["id"].column_name
        sql = f"UPDATE {quote[0]}{meta.table_name}{quote[1]} SET {assignments} WHERE {quote[0]}{key}{quote[1]} = {db.param}"
        convert = [(n, _converter(f)) for n, f in zip(names, fields)]
        db.cursor().executemany(sql, [tuple([to_db(values[n]) for n, to_db in convert] + [pk]) for pk, values in rows])


def _converter(field: pw.Field) -> Encoder:
    """The field's `db_value`, remembering what repeats: JSON values by content, and a time when
    it is the same as the row before (the run's own time on every row)."""
    if isinstance(field, JSONTextField):
        return _memo_json(field)
    if isinstance(field, UTCDateTimeField):
        return _memo_last(field.db_value)
    encode: Encoder = field.db_value
    return encode


def _memo_last(encode: Encoder) -> Encoder:
    last: list[object] = [object(), None]

    def convert(value: object) -> object:
        if value is not last[0]:
            last[0], last[1] = value, encode(value)
        return last[1]

    return convert


def _frozen(value: object) -> Hashable:
    """A cheap hashable key for the JSON values a model row repeats: a list of texts, or a dict
    of text to text (field_sources; a nested list makes it unhashable, then it is encoded as is)."""
    if isinstance(value, list):
        return (list, *value)
    if isinstance(value, dict):
        return (dict, frozenset(value.items()))
    return (type(value), value)


_JSON_MEMO: dict[str, dict[Hashable, object]] = {}


def _memo_json(field: pw.Field) -> Encoder:
    """`field.db_value` for a JSON column, encoding each distinct value once: capability and
    modality lists and field_sources repeat across thousands of rows."""
    cache = _JSON_MEMO.setdefault(f"{field.model.__name__}.{field.name}", {})
    if len(cache) > 20_000:
        cache.clear()
    encode: Encoder = field.db_value

    def convert(value: object) -> object:
        try:
            key = _frozen(value)
            found = cache.get(key)
        except TypeError:  # a nested list or dict: not worth a key, encoded as it is
            return encode(value)
        if found is None:
            found = cache[key] = encode(value)
        return found

    return convert


def touch_synced(db: pw.Database, pks: Sequence[int], now: datetime) -> None:
    """Set last_synced_at on unchanged models. On SQLite the statement is written directly:
    Peewee's SQL for `id IN (500 ids)` cost more than running it."""
    if not pks:
        return
    if not isinstance(db, pw.SqliteDatabase):
        Model.update(last_synced_at=now).where(Model.id.in_(list(pks))).execute()
        return
    table, column, key = Model._meta.table_name, Model.last_synced_at.column_name, Model.id.column_name
    marks = ", ".join([db.param] * len(pks))
    db.execute_sql(f'UPDATE "{table}" SET "{column}" = ? WHERE "{key}" IN ({marks})', [Model.last_synced_at.db_value(now), *pks])
