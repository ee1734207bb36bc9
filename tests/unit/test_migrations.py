"""The migration history: schema 1 is built from its own frozen definitions, and running every
step from an empty database gives exactly the tables the program uses (`store/models.py`), so a
table change without its migration fails here, not on a user's store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee as pw

from aisync_tui.store import migrations
from aisync_tui.store.models import ALL_TABLES, Meta

#: The columns of schema 1, frozen. Never edit this: schema 1 is what old stores have.
V1_COLUMNS = {'aisync_meta': ['key', 'value'],
 'model': ['aliases',
           'available',
           'capabilities',
           'context_length',
           'created_at',
           'deprecated_at',
           'description',
           'field_sources',
           'first_seen_at',
           'id',
           'in_catalog',
           'input_modalities',
           'last_synced_at',
           'max_output_tokens',
           'missing_since',
           'model_id',
           'name',
           'output_modalities',
           'owned_by',
           'provider_id',
           'raw',
           'status',
           'type'],
 'model_change': ['at', 'field', 'id', 'model_id', 'new', 'old', 'run_id'],
 'price': ['audio_input',
           'audio_output',
           'cache_write',
           'cached_input',
           'currency',
           'effective_from',
           'effective_until',
           'id',
           'image_input',
           'input',
           'model_id',
           'output',
           'per_image',
           'per_request',
           'per_second',
           'reasoning',
           'recorded_at',
           'source',
           'tiers',
           'web_search'],
 'provider': ['enabled',
              'id',
              'kind',
              'last_attempt_at',
              'last_error',
              'last_error_kind',
              'last_pricing_at',
              'last_status',
              'last_synced_at',
              'name',
              'slug'],
 'sync_run': ['added',
              'error',
              'error_kind',
              'finished_at',
              'found',
              'group',
              'host',
              'id',
              'kind',
              'missing',
              'pid',
              'prices_changed',
              'provider',
              'removed',
              'started_at',
              'status',
              'unchanged',
              'updated'],
 'usage_record': ['cached_tokens',
                  'cost_source',
                  'cost_usd',
                  'id',
                  'imported_at',
                  'input_tokens',
                  'model_id',
                  'output_tokens',
                  'provider',
                  'requests',
                  'source',
                  'source_ref',
                  'ts']}




def _columns(path: Path) -> dict[str, list[tuple[str, str, int, int]]]:
    """table -> (column, declared type, not null, primary key), sorted by column."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: sorted((r[1], r[2], r[3], r[5]) for r in conn.execute(f'PRAGMA table_info("{t}")')) for t in tables}
    finally:
        conn.close()


def _indexes(path: Path) -> dict[str, set[tuple[str, ...]]]:
    """table -> the column lists of its indexes (with unique flag first)."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, set[tuple[str, ...]]] = {}
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for t in tables:
            for _, name, unique, *_ in conn.execute(f'PRAGMA index_list("{t}")'):
                cols = tuple(r[2] for r in conn.execute(f'PRAGMA index_info("{name}")'))
                out.setdefault(t, set()).add((str(unique), *cols))
        return out
    finally:
        conn.close()


def _build(path: Path, target: int) -> Path:
    db = pw.SqliteDatabase(str(path))
    with db.bind_ctx([Meta]):
        migrations.upgrade(db, str(path), target=target)
    db.close()
    return path


def _from_models(path: Path) -> Path:
    db = pw.SqliteDatabase(str(path))
    with db.bind_ctx(ALL_TABLES):
        db.create_tables(ALL_TABLES)
    db.close()
    return path


def test_a_schema_1_store_has_the_columns_schema_1_had(tmp_path: Path) -> None:
    built = _columns(_build(tmp_path / "v1.db", 1))
    assert {t: sorted(c[0] for c in cols) for t, cols in built.items()} == V1_COLUMNS


def test_every_migration_from_scratch_gives_the_tables_the_program_uses(tmp_path: Path) -> None:
    migrated = _build(tmp_path / "migrated.db", migrations.LATEST)
    expected = _from_models(tmp_path / "models.db")
    assert _columns(migrated) == _columns(expected), (
        "store/models.py and the migrations disagree: a table change needs a new step in store/migrations.py"
    )
    # Every index the models declare exists (migrations may add more, e.g. for `sync status`).
    for table, indexes in _indexes(expected).items():
        assert indexes <= _indexes(migrated).get(table, set()), table


def test_each_step_records_the_version_it_reached(tmp_path: Path) -> None:
    for target in sorted(migrations.STEPS):  # version numbers may have gaps
        path = _build(tmp_path / f"v{target}.db", target)
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("SELECT value FROM aisync_meta WHERE key = 'schema_version'").fetchone() == (str(target),)
        finally:
            conn.close()
