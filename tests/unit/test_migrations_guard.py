"""A guard for the migration history.

`_v1` creates its tables from the current Peewee models. That is right only while the models still
have exactly the columns schema 1 had: the day a column is added, renamed or dropped, `_v1` must be
frozen to schema 1's own table definitions and the change must become a new numbered migration,
or "build a v1 store, then upgrade it" would silently test the new schema twice.
"""

from __future__ import annotations

import peewee as pw

from aisync_tui.store import migrations
from aisync_tui.store.models import database_proxy

#: The columns of schema 1, frozen. Do not edit this to make the test pass: freeze `_v1` instead.
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


def test_a_store_built_at_schema_1_has_exactly_the_schema_1_columns(tmp_path):
    db = pw.SqliteDatabase(str(tmp_path / "v1.db"))
    database_proxy.initialize(db)
    db.connect()
    try:
        migrations.upgrade(db, "v1.db", target=1)
        current = {t: sorted(c.name for c in db.get_columns(t)) for t in db.get_tables()}
    finally:
        db.close()
    assert current == V1_COLUMNS, (
        "_v1 no longer builds schema 1: freeze it to the schema-1 table definitions, and make every "
        "change a new numbered migration, so older stores are still built as they really were"
    )
