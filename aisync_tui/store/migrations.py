"""Numbered schema migrations. The store keeps its version in `aisync_meta.schema_version`.

To change the schema: add a function `_vN(db)` using `playhouse.migrate`, append it to
`STEPS`, and add a test that opens a store written at version N-1 (tests/unit/test_migrations.py
builds every older version from these same steps).
"""

from __future__ import annotations

import json
from typing import Callable

import peewee as pw

from ..errors import StoreError
from .models import BaseTable, DecimalTextField, Meta, Model, ModelAlias, ModelChange, Price, Provider, SyncRun, UTCDateTimeField, UsageRecord


class _UsageRecordV1(BaseTable):
    """usage_record as schema 1 created it (before `requested_model`)."""

    ts = UTCDateTimeField(index=True)
    provider = pw.CharField(max_length=100)
    model_id = pw.TextField()
    requests = pw.IntegerField(null=True)
    input_tokens = pw.BigIntegerField(default=0)
    output_tokens = pw.BigIntegerField(default=0)
    cached_tokens = pw.BigIntegerField(default=0)
    cost_usd = DecimalTextField(null=True)
    cost_source = pw.CharField(max_length=20, null=True)
    source = pw.CharField(max_length=50)
    source_ref = pw.TextField(unique=True)
    imported_at = UTCDateTimeField()

    class Meta:
        table_name = "usage_record"
        indexes = ((("provider", "model_id", "ts"), False),)


#: The tables schema 1 created, as it created them.
V1_TABLES: list[type[BaseTable]] = [Meta, Provider, Model, Price, SyncRun, ModelChange, _UsageRecordV1]


def _v1(db: pw.Database) -> None:
    """The initial schema."""
    db.create_tables(V1_TABLES, safe=True)


def _v2(db: pw.Database) -> None:
    """`aisync sync status` reads the latest run per (job, provider, status): without this index
    that is a scan of every run ever (1 s for three years of hourly runs, 0.1 s with it)."""
    db.execute_sql("CREATE INDEX IF NOT EXISTS sync_run_kind_provider_status ON sync_run (kind, provider, status)")


def _v7(db: pw.Database) -> None:
    """One identity per model: the aliases a provider states, indexed for lookup (every path
    resolves an id through them), and the id a usage record asked for next to the one that
    served it."""
    from playhouse.migrate import SchemaMigrator, migrate

    db.create_tables([ModelAlias], safe=True)
    columns = {c.name for c in db.get_columns(UsageRecord._meta.table_name)}
    if "requested_model" not in columns:
        migrate(SchemaMigrator.from_database(db).add_column(UsageRecord._meta.table_name, "requested_model", UsageRecord.requested_model))
    db.execute_sql("CREATE INDEX IF NOT EXISTS usage_record_provider_requested ON usage_record (provider, requested_model)")
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
        ModelAlias.insert_many(rows).on_conflict_ignore().execute()
        # A price-catalog row named like an alias is that model, not a second one.
        db.execute_sql(
            f"DELETE FROM model WHERE available = {db.param} AND status = 'catalog' AND EXISTS (SELECT 1 FROM model_alias a"
            " WHERE a.provider_id = model.provider_id AND a.alias = model.model_id)",
            (False,),
        )


#: Upgrade steps by the version they bring the schema to. Numbers may have gaps.
STEPS: dict[int, Callable[[pw.Database], None]] = {1: _v1, 2: _v2, 7: _v7}
LATEST = max(STEPS)

#: PostgreSQL advisory lock key held while migrating: crc32("aisync-migrate").
MIGRATION_LOCK_KEY = 0x6D1A7E0


def foreign_database(where: str, tables: set[str]) -> StoreError:
    return StoreError(
        f"{where}: this database belongs to another program (tables: {', '.join(sorted(tables)[:5])})",
        hint="point --db at a new file; aisync will not touch this one",
    )


def current_version(db: pw.Database) -> int:
    if not db.table_exists(Meta._meta.table_name):
        return 0
    row = Meta.get_or_none(Meta.key == "schema_version")
    return int(row.value) if row and row.value else 0


def upgrade(db: pw.Database, where: str, target: int = LATEST) -> int:
    """Bring the schema to `target`, one transaction per step. Returns the version before."""
    tables = set(db.get_tables())
    if tables and Meta._meta.table_name not in tables:
        raise foreign_database(where, tables)
    before = current_version(db)
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
                if current_version(db) > version:
                    continue
            STEPS[version + 1](db)
            Meta.insert(key="schema_version", value=str(version + 1)).on_conflict(
                conflict_target=[Meta.key], update={Meta.value: str(version + 1)}
            ).execute()
    return before
