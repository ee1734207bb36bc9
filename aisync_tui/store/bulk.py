"""Bulk writes that Peewee makes slow: many-row inserts and `id IN (...)` updates on SQLite.

Shared by the model sync and the pricing sync (see bench/README.md for what each saves).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

import peewee as pw

from .models import Model


def bulk_insert(db: pw.Database, table: type[pw.Model], rows: Sequence[dict[str, Any]]) -> None:
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
    convert = [(n, f.db_value) for n, f in zip(names, fields)]
    extra = [f.db_value(d() if callable(d) else d) for f, d in defaults]
    params = [tuple([to_db(row[n]) for n, to_db in convert] + extra) for row in rows]
    db.cursor().executemany(sql, params)


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
