"""Peewee tables. Bound to `database_proxy`, which `store.db.open_store` initialises.

Money is stored as decimal *text* (exact on SQLite, whose NUMERIC affinity would round through
a float), times as naive UTC (`UTCDateTimeField` hands back aware datetimes), lists as JSON text.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterable, TypeAlias

import peewee as pw

from .. import bounds
from ..domain import stored_decimal, stored_flag, stored_time
from ..jsonvalue import JSON, stored_json

database_proxy = pw.DatabaseProxy()


class DecimalTextField(pw.TextField):
    """A Decimal kept as its exact text ("0.0000025"), never as a float."""

    def db_value(self, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            value = Decimal(str(value))
        return format(value, "f")

    def python_value(self, value: object) -> Decimal | None:
        return stored_decimal(value)


def stored_text(value: object) -> str | None:
    """A text column read back. SQLite keeps whatever it is given, so a hand edit or another tool
    can leave a blob or a number where text belongs: a blob reads as UTF-8 (bytes that are not
    UTF-8 replaced by U+FFFD), a number as its digits, never an error. Output shows it inert like
    any outside text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


class StoredTextField(pw.TextField):
    """Text that may be damaged in the store: see `stored_text`."""

    def python_value(self, value: object) -> str | None:
        return stored_text(value)


class StoredCharField(pw.CharField):
    """A short text that may be damaged in the store: see `stored_text`."""

    def python_value(self, value: object) -> str | None:
        return stored_text(value)


class FactTextField(pw.TextField):
    """A stated fact kept as text (a date such as "2024-05-13"): a value of any other kind in the
    store is not that fact, so it reads as unknown (None)."""

    def python_value(self, value: object) -> str | None:
        return value if isinstance(value, str) else None


class TokenCountField(pw.IntegerField):
    """A token limit (context length, max output). A value that is not a whole number in the
    store (a hand edit's text or blob) is unknown (None), never an error."""

    def python_value(self, value: object) -> int | None:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        return bounds.integer(value, ceiling=bounds.MAX_TOKEN_LIMIT, field="stored token limit")


class StoredFlagField(pw.BooleanField):
    """A yes/no that may be damaged in the store: 1/0 (or true/false) only; anything else (a hand
    edit's 'abc' or 2) is not stated (None), never read as yes."""

    def python_value(self, value: object) -> bool | None:
        return stored_flag(value)


def stored_count(value: object) -> int | None:
    """A count kept by aisync (tokens, requests, a run's models) read back from a store that may be
    damaged: a whole number from 0 to 10^12, else unknown (None), never an error and never negative."""
    return bounds.integer(value, ceiling=bounds.MAX_USAGE_COUNT, field="stored count")


class StoredCountField(pw.IntegerField):
    """A count that may be damaged in the store: see `stored_count`."""

    def python_value(self, value: object) -> int | None:
        return stored_count(value)


class StoredBigCountField(pw.BigIntegerField):
    """A count past 2^31 (a usage record's tokens) that may be damaged in the store: see `stored_count`."""

    def python_value(self, value: object) -> int | None:
        return stored_count(value)


class JSONTextField(pw.TextField):
    """JSON as compact text; works the same on SQLite and PostgreSQL."""

    def db_value(self, value: object) -> str | None:
        if value is None:
            return None
        return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)

    def python_value(self, value: str | bytes | None) -> JSON:
        if value is None:
            return None
        return stored_json(value)


class UTCDateTimeField(pw.DateTimeField):
    """Stores naive UTC, returns aware UTC."""

    def db_value(self, value: object) -> object:
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return super().db_value(value)  # type: ignore[no-untyped-call]

    def python_value(self, value: object) -> object:
        value = super().python_value(value)  # type: ignore[no-untyped-call]
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        # Peewee hands back text it cannot read as it is; a damaged time is no time.
        return stored_time(value)


class BaseTable(pw.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Meta(BaseTable):
    """Key/value facts about the store: schema version, feed ETags, snapshot revision."""

    key = pw.CharField(primary_key=True, max_length=200)
    value = StoredTextField(null=True)

    class Meta:
        table_name = "aisync_meta"


class Provider(BaseTable):
    id = pw.AutoField()
    slug = StoredCharField(unique=True, max_length=100)
    name = StoredCharField(max_length=200)
    kind = StoredCharField(max_length=50, default="catalog")
    enabled = pw.BooleanField(default=True)
    last_synced_at = UTCDateTimeField(null=True)
    """Last successful model sync."""
    last_attempt_at = UTCDateTimeField(null=True)
    last_status = StoredCharField(max_length=20, null=True)
    last_error = StoredTextField(null=True)
    last_error_kind = StoredCharField(max_length=50, null=True)
    last_pricing_at = UTCDateTimeField(null=True)


class Model(BaseTable):
    id = pw.AutoField()
    provider = pw.ForeignKeyField(Provider, backref="models", on_delete="CASCADE")
    provider_id: int
    # Text, not VARCHAR(n), for everything a provider or an import file decides: SQLite ignores the
    # length but PostgreSQL enforces it, and one long id would fail the whole provider there.
    model_id = StoredTextField()
    name = StoredTextField(null=True)
    type = StoredCharField(max_length=30, default="other", index=True)
    status = StoredCharField(max_length=20, default="active", index=True)
    context_length = TokenCountField(null=True)
    max_output_tokens = TokenCountField(null=True)
    capabilities = JSONTextField(default=list)
    input_modalities = JSONTextField(default=list)
    output_modalities = JSONTextField(default=list)
    created_at = UTCDateTimeField(null=True)
    deprecated_at = UTCDateTimeField(null=True)
    description = StoredTextField(null=True)
    owned_by = StoredTextField(null=True)
    aliases = JSONTextField(default=list)
    first_seen_at = UTCDateTimeField(null=True)
    last_synced_at = UTCDateTimeField(null=True)
    missing_since = UTCDateTimeField(null=True)
    available = StoredFlagField(default=False)
    """Listed by the provider's own API for this user."""
    in_catalog = StoredFlagField(default=False)
    """Present in a price feed or the bundled snapshot."""
    field_sources = JSONTextField(default=dict)
    """field name -> where its value came from ("provider", "litellm", "genai-prices", ...)."""
    knowledge_cutoff = FactTextField(null=True)
    """Training data cutoff as its source states it: "YYYY-MM" or "YYYY-MM-DD"."""
    released_at = FactTextField(null=True)
    """Release date, ISO "YYYY-MM-DD" (text, so it compares and sorts alike on SQLite and PostgreSQL)."""
    last_updated = FactTextField(null=True)
    """Last update of the model, ISO "YYYY-MM-DD"."""
    open_weights = StoredFlagField(null=True)
    """True when the weights are published; None when no source says."""
    raw = StoredTextField(null=True)  # a column named like Peewee's Model.raw()

    class Meta:
        indexes = ((("provider", "model_id"), True),)


class ModelAlias(BaseTable):
    """An id the provider states for one of its models besides the model's own id (Mistral's
    `mistral-large-latest`, xAI's `grok-4-latest`): the index every lookup resolves through."""

    id = pw.AutoField()
    model = pw.ForeignKeyField(Model, backref="alias_rows", on_delete="CASCADE")
    provider = pw.ForeignKeyField(Provider, on_delete="CASCADE")
    name = StoredTextField()
    """The alias itself (`codestral-latest`)."""

    class Meta:
        table_name = "model_alias"
        indexes = ((("provider", "name"), True),)


class Price(BaseTable):
    """One dated price period of one model. effective_until NULL = the current price."""

    id = pw.AutoField()
    model = pw.ForeignKeyField(Model, backref="prices", on_delete="CASCADE")
    model_id: int
    input = DecimalTextField(null=True)
    output = DecimalTextField(null=True)
    cached_input = DecimalTextField(null=True)
    cache_write = DecimalTextField(null=True)
    reasoning = DecimalTextField(null=True)
    audio_input = DecimalTextField(null=True)
    audio_output = DecimalTextField(null=True)
    image_input = DecimalTextField(null=True)
    per_request = DecimalTextField(null=True)
    input_per_image = DecimalTextField(null=True)
    per_image = DecimalTextField(null=True)
    input_per_second = DecimalTextField(null=True)
    output_per_second = DecimalTextField(null=True)
    input_per_character = DecimalTextField(null=True)
    output_per_character = DecimalTextField(null=True)
    input_per_video_second = DecimalTextField(null=True)
    output_per_video_second = DecimalTextField(null=True)
    web_search = DecimalTextField(null=True)
    per_second = DecimalTextField(null=True)
    """Schema 1's single per-second price (which side it priced was not recorded). Never written
    now: the upgrade copied its value into `other`, and the column stays so an upgrade loses nothing."""
    tiers = JSONTextField(null=True)
    other = JSONTextField(null=True)
    """Prices the source states that have no column here: {source's name: decimal text}."""
    currency = StoredCharField(max_length=3, default="USD")
    effective_from = UTCDateTimeField()
    effective_until = UTCDateTimeField(null=True)
    source = StoredCharField(max_length=50)
    recorded_at = UTCDateTimeField()

    class Meta:
        indexes = ((("model", "effective_until"), False),)


class SyncRun(BaseTable):
    id = pw.AutoField()
    kind = StoredCharField(max_length=20)
    """models, pricing, cleanup, usage"""
    provider = StoredCharField(max_length=100, null=True)
    group = StoredCharField(max_length=40, index=True)
    """All provider runs of one command share a group id."""
    started_at = UTCDateTimeField(index=True)
    finished_at = UTCDateTimeField(null=True)
    status = StoredCharField(max_length=20, default="running")
    """running, ok, failed, skipped, cancelled, dry_run"""
    found = StoredCountField(default=0)
    added = StoredCountField(default=0)
    updated = StoredCountField(default=0)
    unchanged = StoredCountField(default=0)
    missing = StoredCountField(default=0)
    removed = StoredCountField(default=0)
    prices_changed = StoredCountField(default=0)
    error = StoredTextField(null=True)
    error_kind = StoredCharField(max_length=50, null=True)
    host = StoredTextField(null=True)
    pid = pw.IntegerField(null=True)


class ModelChange(BaseTable):
    id = pw.AutoField()
    model = pw.ForeignKeyField(Model, backref="changes", on_delete="CASCADE")
    model_id: int
    run = pw.ForeignKeyField(SyncRun, null=True, on_delete="SET NULL")
    run_id: int | None
    field = StoredCharField(max_length=50)
    old = StoredTextField(null=True)
    new = StoredTextField(null=True)
    at = UTCDateTimeField(index=True)


class UsageRecord(BaseTable):
    id = pw.AutoField()
    ts = UTCDateTimeField(index=True)
    provider = StoredCharField(max_length=100)
    model_id = StoredTextField()
    """The model that served the request (llm's `resolved_model`, an admin API's snapshot id)."""
    requested_model = StoredTextField(null=True)
    """The id the caller asked for, when it differs from model_id (`gpt-4o-mini` resolved to
    `gpt-4o-mini-2024-07-18`); None when the source gives only one id."""
    requests = StoredCountField(null=True)
    """None = the source does not say (Anthropic's reports)."""
    input_tokens = StoredBigCountField(default=0)
    output_tokens = StoredBigCountField(default=0)
    cached_tokens = StoredBigCountField(default=0)
    cost_usd = DecimalTextField(null=True)
    cost_source = StoredCharField(max_length=20, null=True)
    """reported, computed, or None when unknown"""
    source = StoredCharField(max_length=50)
    source_ref = pw.TextField(unique=True)
    imported_at = UTCDateTimeField()

    class Meta:
        indexes = ((("provider", "model_id", "ts"), False), (("provider", "requested_model"), False))


ALL_TABLES: list[type[BaseTable]] = [Meta, Provider, Model, ModelAlias, Price, SyncRun, ModelChange, UsageRecord]


#: A row of database values, in the order of the SELECT's columns. Their kinds are what those
#: columns hold, which only the query knows: the code that wrote the SELECT unpacks the row.
DBRow: TypeAlias = tuple[Any, ...]


def tuples(query: pw.BaseQuery) -> Iterable[DBRow]:
    """`query.tuples()`, typed as what it yields: plain tuples (Peewee's stubs say model
    instances). Like `.tuples()` it can be iterated more than once."""
    rows: Iterable[DBRow] = query.tuples()
    return rows


def json_text_has(column: pw.Field, item: str) -> pw.Expression:
    """A JSON-text column holds the string `item` (as a list element or an object key): a test on
    the text, `"item"` with its quotes, so `vision` never matches `vision_beta`.

    The pattern must reach the database as written: the column's own converter would JSON-encode
    it, and Peewee turns SQLite's LIKE into a case-sensitive GLOB where % is not a wildcard.
    """
    return pw.Expression(column, pw.OP.ILIKE, pw.Value(f'%"{item}"%', converter=False))

