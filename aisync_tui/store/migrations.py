"""Numbered schema migrations. The store keeps its version in `aisync_meta.schema_version`.

To change the schema: change the table in `models.py`, add a function `_vN(db)` that makes the
same change (`playhouse.migrate`), and add it to `STEPS` under its version number (numbers may
have gaps: a store records the last step it ran). Schema 1 is frozen in `schema_v1.py`,
so older stores are still built as they really were: tests/unit/test_migrations.py checks that
every step from an empty database gives exactly the tables of `models.py`, and
tests/e2e/test_faults_store.py opens stores written at older versions.
"""

from __future__ import annotations

import json
from typing import Callable

import peewee as pw

from ..errors import StoreError
from . import schema_v1
from .models import JSONTextField, Meta, Model, ModelAlias, Price, UsageRecord


def _v1(db: pw.Database) -> None:
    """The initial schema (frozen: schema_v1.py)."""
    schema_v1.create(db)


def _v2(db: pw.Database) -> None:
    """`aisync sync status` reads the latest run per (job, provider, status): without this index
    that is a scan of every run ever (1 s for three years of hourly runs, 0.1 s with it)."""
    db.execute_sql("CREATE INDEX IF NOT EXISTS sync_run_kind_provider_status ON sync_run (kind, provider, status)")


#: Price components added as their own columns (each in its own unit), and `other` for prices the
#: source states that have no column.
_V10_PRICE_COLUMNS = (
    "input_per_image", "input_per_second", "output_per_second", "input_per_character", "output_per_character",
    "input_per_video_second", "output_per_video_second", "other",
)


def _v10(db: pw.Database) -> None:
    """Every price in its own unit: per-second input and output, per character, per input image,
    per video second, and `other`. A schema-1 `per_second` did not say which side it priced, so
    its value is kept under `other` as "per_second" (shown as such) until the next pricing sync
    writes the split components."""
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    have = {c.name for c in db.get_columns("price")}
    migrator = PostgresqlMigrator(db) if isinstance(db, pw.PostgresqlDatabase) else SqliteMigrator(db)
    fields = Price._meta.fields
    migrate(*(migrator.add_column("price", name, fields[name]) for name in _V10_PRICE_COLUMNS if name not in have))
    if "per_second" in have:
        rows = db.execute_sql("SELECT id, per_second FROM price WHERE per_second IS NOT NULL").fetchall()
        for row_id, value in rows:
            other = JSONTextField().db_value({"per_second": str(value)})
            # The old column keeps its value (nothing reads it any more): the upgrade loses nothing.
            db.execute_sql(f"UPDATE price SET other = {db.param} WHERE id = {db.param}", (other, row_id))


def _v7(db: pw.Database) -> None:
    """One identity per model: the aliases a provider states, indexed for lookup (every path
    resolves an id through them), and the id a usage record asked for next to the one that
    served it."""
    from playhouse.migrate import SchemaMigrator, migrate

    with db.bind_ctx([ModelAlias]):
        db.create_tables([ModelAlias], safe=True)
    columns = {c.name for c in db.get_columns(UsageRecord._meta.table_name)}
    if "requested_model" not in columns:
        migrate(SchemaMigrator.from_database(db).add_column(UsageRecord._meta.table_name, "requested_model", UsageRecord.requested_model))
    db.execute_sql("CREATE INDEX IF NOT EXISTS usage_record_provider_requested_model ON usage_record (provider, requested_model)")
    # The aliases a store has kept in model.aliases until now go into the index.
    rows = []
    taken: set[tuple[int, str]] = set()
    for pk, provider_pk, model_id, aliases in db.execute_sql(
        f"SELECT id, provider_id, model_id, aliases FROM model WHERE available = {db.param} AND aliases IS NOT NULL AND aliases != '[]'",
        (True,),
    ).fetchall():
        try:
            names = json.loads(aliases)
        except ValueError:
            continue
        for alias in names if isinstance(names, list) else ():
            if isinstance(alias, str) and alias != model_id and (provider_pk, alias) not in taken:
                taken.add((provider_pk, alias))
                rows.append({"model": pk, "provider": provider_pk, "alias": alias})
    if rows:
        # Plain SQL: a migration runs on the database it is given, bound or not.
        for row in rows:
            db.execute_sql(
                f"INSERT INTO model_alias (model_id, provider_id, name) VALUES ({db.param}, {db.param}, {db.param})",
                (row["model"], row["provider"], row["alias"]),
            )
        # A price-catalog row named like an alias is that model, not a second one.
        db.execute_sql(
            f"DELETE FROM model WHERE available = {db.param} AND status = 'catalog' AND EXISTS (SELECT 1 FROM model_alias a"
            " WHERE a.provider_id = model.provider_id AND a.name = model.model_id)",
            (False,),
        )


#: Facts a catalog source states about a model besides its limits (models.dev).
_V14_MODEL_COLUMNS = ("knowledge_cutoff", "released_at", "last_updated", "open_weights")


def _v14(db: pw.Database) -> None:
    """Knowledge cutoff, release date, last update and open weights on every model (all null until
    a source states them)."""
    from playhouse.migrate import SchemaMigrator, migrate

    have = {c.name for c in db.get_columns(Model._meta.table_name)}
    fields = Model._meta.fields
    migrator = SchemaMigrator.from_database(db)
    migrate(*(migrator.add_column(Model._meta.table_name, name, fields[name]) for name in _V14_MODEL_COLUMNS if name not in have))


#: Upgrade steps by the version they bring the schema to. Numbers may have gaps.
STEPS: dict[int, Callable[[pw.Database], None]] = {1: _v1, 2: _v2, 7: _v7, 10: _v10, 14: _v14}
LATEST = max(STEPS)

#: PostgreSQL advisory lock key held while migrating: crc32("aisync-migrate").
MIGRATION_LOCK_KEY = 0x6D1A7E0


def foreign_database(where: str, tables: set[str]) -> StoreError:
    return StoreError(
        f"{where}: this database belongs to another program (tables: {', '.join(sorted(tables)[:5])})",
        hint="point --db at a new file; aisync will not touch this one",
    )


def current_version(db: pw.Database, where: str = "the store") -> int:
    if not db.table_exists(Meta._meta.table_name):
        return 0
    row = Meta.get_or_none(Meta.key == "schema_version")
    if not row or not row.value:
        return 0
    text = str(row.value).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        # Without its version the store's layout is unknown: nothing is migrated or read on a guess.
        raise StoreError(
            f"{where}: the store's schema version record (aisync_meta.schema_version) reads {text[:40]!r}, not a number",
            hint=f"set it back with the sqlite3 shell (update aisync_meta set value = '{LATEST}' where key = 'schema_version' "
            "for a store this aisync wrote) or restore the store from a backup",
        )
    return int(text)


def upgrade(db: pw.Database, where: str, target: int = LATEST) -> int:
    """Bring the schema to `target`, one transaction per step. Returns the version before."""
    tables = set(db.get_tables())
    if tables and Meta._meta.table_name not in tables:
        raise foreign_database(where, tables)
    before = current_version(db, where)
    if before > LATEST:
        raise StoreError(
            f"{where}: written by a newer aisync (schema {before}, this one knows {LATEST})",
            hint="upgrade aisync-tui",
        )
    for version in [v - 1 for v in sorted(STEPS) if before < v <= target]:
        with db.atomic():
            if isinstance(db, pw.PostgresqlDatabase):
                # Several servers starting at once on a fresh database would race on CREATE TABLE
                # (PostgreSQL's "IF NOT EXISTS" is not safe under concurrency): one migrates, the
                # others wait here for its commit and then find the step done.
                db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
                if current_version(db, where) > version:
                    continue
            STEPS[version + 1](db)
            Meta.insert(key="schema_version", value=str(version + 1)).on_conflict(
                conflict_target=[Meta.key], update={Meta.value: str(version + 1)}
            ).execute()
    return before
