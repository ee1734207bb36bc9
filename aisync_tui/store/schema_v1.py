"""Schema 1, frozen: the tables as the first release created them, for migration `_v1` only.

Never edit these to follow `models.py`: a store is built by running every migration from here, so
a change to the tables is a new numbered migration (see migrations.py). Only the column types,
nullability, keys and indexes matter here (they make the DDL); Python-side conversions and
defaults live in `models.py`. Plain Peewee fields of the same column type stand in for the custom
ones (decimal and JSON text are TEXT, UTC times are DATETIME).
"""

from __future__ import annotations

import peewee as pw


class _Table(pw.Model):
    class Meta:
        legacy_table_names = False


class Meta(_Table):
    key = pw.CharField(primary_key=True, max_length=200)
    value = pw.TextField(null=True)

    class Meta:
        table_name = "aisync_meta"


class Provider(_Table):
    slug = pw.CharField(unique=True, max_length=100)
    name = pw.CharField(max_length=200)
    kind = pw.CharField(max_length=50)
    enabled = pw.BooleanField()
    last_synced_at = pw.DateTimeField(null=True)
    last_attempt_at = pw.DateTimeField(null=True)
    last_status = pw.CharField(max_length=20, null=True)
    last_error = pw.TextField(null=True)
    last_error_kind = pw.CharField(max_length=50, null=True)
    last_pricing_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "provider"


class Model(_Table):
    provider = pw.ForeignKeyField(Provider, on_delete="CASCADE")
    model_id = pw.TextField()
    name = pw.TextField(null=True)
    type = pw.CharField(max_length=30, index=True)
    status = pw.CharField(max_length=20, index=True)
    context_length = pw.IntegerField(null=True)
    max_output_tokens = pw.IntegerField(null=True)
    capabilities = pw.TextField()
    input_modalities = pw.TextField()
    output_modalities = pw.TextField()
    created_at = pw.DateTimeField(null=True)
    deprecated_at = pw.DateTimeField(null=True)
    description = pw.TextField(null=True)
    owned_by = pw.TextField(null=True)
    aliases = pw.TextField()
    first_seen_at = pw.DateTimeField(null=True)
    last_synced_at = pw.DateTimeField(null=True)
    missing_since = pw.DateTimeField(null=True)
    available = pw.BooleanField()
    in_catalog = pw.BooleanField()
    field_sources = pw.TextField()
    raw = pw.TextField(null=True)  # type: ignore[assignment]  # a column named like Peewee's Model.raw()

    class Meta:
        table_name = "model"
        indexes = ((("provider", "model_id"), True),)


class Price(_Table):
    model = pw.ForeignKeyField(Model, on_delete="CASCADE")
    input = pw.TextField(null=True)
    output = pw.TextField(null=True)
    cached_input = pw.TextField(null=True)
    cache_write = pw.TextField(null=True)
    reasoning = pw.TextField(null=True)
    audio_input = pw.TextField(null=True)
    audio_output = pw.TextField(null=True)
    image_input = pw.TextField(null=True)
    per_request = pw.TextField(null=True)
    per_image = pw.TextField(null=True)
    per_second = pw.TextField(null=True)
    web_search = pw.TextField(null=True)
    tiers = pw.TextField(null=True)
    currency = pw.CharField(max_length=3)
    effective_from = pw.DateTimeField()
    effective_until = pw.DateTimeField(null=True)
    source = pw.CharField(max_length=50)
    recorded_at = pw.DateTimeField()

    class Meta:
        table_name = "price"
        indexes = ((("model", "effective_until"), False),)


class SyncRun(_Table):
    kind = pw.CharField(max_length=20)
    provider = pw.CharField(max_length=100, null=True)
    group = pw.CharField(max_length=40, index=True)
    started_at = pw.DateTimeField(index=True)
    finished_at = pw.DateTimeField(null=True)
    status = pw.CharField(max_length=20)
    found = pw.IntegerField()
    added = pw.IntegerField()
    updated = pw.IntegerField()
    unchanged = pw.IntegerField()
    missing = pw.IntegerField()
    removed = pw.IntegerField()
    prices_changed = pw.IntegerField()
    error = pw.TextField(null=True)
    error_kind = pw.CharField(max_length=50, null=True)
    host = pw.TextField(null=True)
    pid = pw.IntegerField(null=True)

    class Meta:
        table_name = "sync_run"


class ModelChange(_Table):
    model = pw.ForeignKeyField(Model, on_delete="CASCADE")
    run = pw.ForeignKeyField(SyncRun, null=True, on_delete="SET NULL")
    field = pw.CharField(max_length=50)
    old = pw.TextField(null=True)
    new = pw.TextField(null=True)
    at = pw.DateTimeField(index=True)

    class Meta:
        table_name = "model_change"


class UsageRecord(_Table):
    ts = pw.DateTimeField(index=True)
    provider = pw.CharField(max_length=100)
    model_id = pw.TextField()
    requests = pw.IntegerField(null=True)
    input_tokens = pw.BigIntegerField()
    output_tokens = pw.BigIntegerField()
    cached_tokens = pw.BigIntegerField()
    cost_usd = pw.TextField(null=True)
    cost_source = pw.CharField(max_length=20, null=True)
    source = pw.CharField(max_length=50)
    source_ref = pw.TextField(unique=True)
    imported_at = pw.DateTimeField()

    class Meta:
        table_name = "usage_record"
        indexes = ((("provider", "model_id", "ts"), False),)


#: In creation order (a table after the ones it references).
TABLES: list[type[pw.Model]] = [Meta, Provider, Model, Price, SyncRun, ModelChange, UsageRecord]


def create(db: pw.Database) -> None:
    """Create schema 1's tables and indexes in `db`."""
    with db.bind_ctx(TABLES):
        db.create_tables(TABLES, safe=True)
