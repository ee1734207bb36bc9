"""Importing the llm tool's logs.db: every schema version it has had, built from its own migrations."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from aisync_tui.store.db import open_store
from aisync_tui.store.models import UsageRecord
from aisync_tui.usage import llm_logs
from aisync_tui.usage.records import UsageDataError, infer_provider
from tests.unit.usage_helpers import SCHEMAS, build_logs_db, insert, seed_price


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(str(tmp_path / "aisync.db"))
    yield s
    s.close()


def _records() -> dict[str, UsageRecord]:
    return {r.source_ref: r for r in UsageRecord.select()}


def test_schemas_come_from_llms_own_migrations() -> None:
    assert "Apache-2.0" in SCHEMAS["_provenance"]
    assert SCHEMAS["v1_no_tokens"]["migrations"][-1] == "m012_attachments_tables"
    responses_v1 = next(s for s in SCHEMAS["v1_no_tokens"]["sql"] if s.startswith('CREATE TABLE "responses"'))
    assert "input_tokens" not in responses_v1
    assert any(s.startswith('CREATE TABLE "turns"') for s in SCHEMAS["v4_turns"]["sql"])


def test_old_logs_db_without_token_columns_still_counts_each_request(store, tmp_path: Path) -> None:
    db = build_logs_db(tmp_path / "logs.db", "v1_no_tokens")
    insert(db, "responses", [
        {"id": "01h0000000000000000000000a", "model": "gpt-4", "prompt": "hi", "response": "yo", "datetime_utc": "2024-05-01T10:00:00.123456"},
        {"id": "01h0000000000000000000000b", "model": "claude-3-opus-20240229", "prompt": "hi", "response": "yo", "datetime_utc": "2024-05-02T11:00:00+00:00"},
    ])
    result = llm_logs.import_logs(db)
    assert (result.read, result.added) == (2, 2)
    recs = _records()
    a = recs["llm:01h0000000000000000000000a"]
    assert (a.provider, a.model_id, a.requests, a.input_tokens, a.output_tokens) == ("openai", "gpt-4", 1, 0, 0)
    # A naive datetime_utc (older llm versions) is taken as UTC.
    assert a.ts == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=timezone.utc)
    assert recs["llm:01h0000000000000000000000b"].provider == "anthropic"


def test_token_columns_and_cached_tokens_are_read_from_the_m013_schema(store, tmp_path: Path) -> None:
    db = build_logs_db(tmp_path / "logs.db", "v2_tokens")
    insert(db, "responses", [
        {"id": "01j1", "model": "gpt-4o-mini", "datetime_utc": "2025-02-16T22:34:30.374882+00:00", "input_tokens": 1200, "output_tokens": 80,
         "token_details": '{"prompt_tokens_details": {"cached_tokens": 1024}, "completion_tokens_details": {"reasoning_tokens": 0}}'},
        {"id": "01j2", "model": "anthropic/claude-3-5-sonnet-latest", "datetime_utc": "2025-02-17T08:00:00+00:00", "input_tokens": 10, "output_tokens": 300,
         "token_details": '{"cache_creation_input_tokens": 2000, "cache_read_input_tokens": 5000}'},
        {"id": "01j3", "model": "gemini-2.0-flash", "datetime_utc": "2025-02-17T09:00:00+00:00", "input_tokens": None, "output_tokens": None},
    ])
    llm_logs.import_logs(db)
    recs = _records()
    assert (recs["llm:01j1"].input_tokens, recs["llm:01j1"].cached_tokens, recs["llm:01j1"].output_tokens) == (1200, 1024, 80)
    # Anthropic's cache tokens come on top of input_tokens: input must include them (10 + 2000 + 5000).
    claude = recs["llm:01j2"]
    assert (claude.provider, claude.model_id, claude.input_tokens, claude.cached_tokens) == ("anthropic", "claude-3-5-sonnet-latest", 7010, 5000)
    assert (recs["llm:01j3"].provider, recs["llm:01j3"].input_tokens) == ("gemini", 0)


def test_resolved_model_is_the_model_that_is_priced(store, tmp_path: Path) -> None:
    db = build_logs_db(tmp_path / "logs.db", "v3_resolved_model")
    insert(db, "responses", [
        {"id": "01k1", "model": "gemini-1.5-flash-latest", "resolved_model": "gemini-1.5-flash-002", "datetime_utc": "2025-06-01T00:00:01+00:00", "input_tokens": 5, "output_tokens": 6},
        {"id": "01k2", "model": "anthropic/claude-sonnet-4-0", "resolved_model": "claude-sonnet-4-20250514", "datetime_utc": "2025-06-01T00:00:02+00:00", "input_tokens": 5, "output_tokens": 6},
    ])
    llm_logs.import_logs(db)
    recs = _records()
    assert (recs["llm:01k1"].provider, recs["llm:01k1"].model_id) == ("gemini", "gemini-1.5-flash-002")
    assert (recs["llm:01k2"].provider, recs["llm:01k2"].model_id) == ("anthropic", "claude-sonnet-4-20250514")


def test_newest_schema_reads_turns_and_legacy_responses_without_double_counting(store, tmp_path: Path) -> None:
    db = build_logs_db(tmp_path / "logs.db", "v4_turns")
    insert(db, "responses", [{"id": "01old", "model": "gpt-4o", "datetime_utc": "2025-01-01T00:00:00+00:00", "input_tokens": 1, "output_tokens": 2}])
    insert(db, "turns", [
        {"id": "01new", "model": "gpt-4.1", "datetime_utc": "2025-09-01T00:00:00+00:00", "input_tokens": 30, "output_tokens": 40},
        # A turn that also exists as a legacy response (same ULID): counted once, from turns.
        {"id": "01both", "model": "gpt-4.1", "datetime_utc": "2025-09-02T00:00:00+00:00", "input_tokens": 7, "output_tokens": 8},
    ])
    insert(db, "responses", [{"id": "01both", "model": "gpt-4.1", "datetime_utc": "2025-09-02T00:00:00+00:00", "input_tokens": 7, "output_tokens": 8}])
    result = llm_logs.import_logs(db)
    assert result.added == 3
    assert UsageRecord.select().count() == 3
    assert sum(r.input_tokens for r in UsageRecord.select()) == 38


def test_archived_responses_table_of_a_converted_database_is_read(store, tmp_path: Path) -> None:
    db = build_logs_db(tmp_path / "logs.db", "v3_resolved_model", archive=True)
    insert(db, "responses_archive", [{"id": "01arc", "model": "o3-mini", "datetime_utc": "2025-03-03T03:03:03+00:00", "input_tokens": 9, "output_tokens": 9}])
    llm_logs.import_logs(db)
    assert _records()["llm:01arc"].provider == "openai"


def test_the_oldest_logs_table_is_imported_too(store, tmp_path: Path) -> None:
    db = build_logs_db(tmp_path / "logs.db", "v0_legacy_logs")
    insert(db, "logs", [{"model": "gpt-3.5-turbo", "prompt": "x", "datetime_utc": "2023-06-01T12:00:00.000001"}])
    result = llm_logs.import_logs(db)
    assert result.added == 1
    (ref,) = [r for r in _records() if r.startswith("llm:logs:1:")]
    assert _records()[ref].model_id == "gpt-3.5-turbo"


def test_reimport_adds_only_the_new_rows_and_never_writes_the_logs_file(store, tmp_path: Path) -> None:
    db = build_logs_db(tmp_path / "logs.db", "v4_turns")
    insert(db, "turns", [{"id": f"01t{i}", "model": "gpt-4o", "datetime_utc": f"2025-09-0{i}T00:00:00+00:00", "input_tokens": 10, "output_tokens": 1} for i in range(1, 4)])
    first = llm_logs.import_logs(db)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    again = llm_logs.import_logs(db)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    insert(db, "turns", [{"id": "01t4", "model": "gpt-4o", "datetime_utc": "2025-09-04T00:00:00+00:00", "input_tokens": 10, "output_tokens": 1}])
    third = llm_logs.import_logs(db)
    assert (first.added, again.added, again.unchanged, third.added, third.unchanged) == (3, 0, 3, 1, 3)
    assert UsageRecord.select().count() == 4


def test_imported_llm_usage_is_priced_at_its_time(store, tmp_path: Path) -> None:
    seed_price("openai", "gpt-4o", [(datetime(2025, 1, 1, tzinfo=timezone.utc), None, "0.0000025", "0.00001")])
    db = build_logs_db(tmp_path / "logs.db", "v2_tokens")
    insert(db, "responses", [{"id": "01p", "model": "gpt-4o", "datetime_utc": "2025-05-05T00:00:00+00:00", "input_tokens": 1000, "output_tokens": 100}])
    llm_logs.import_logs(db)
    rec = _records()["llm:01p"]
    assert (str(rec.cost_usd), rec.cost_source) == ("0.0035000", "computed")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("gpt-4o", ("openai", "gpt-4o")),
        ("o3-mini", ("openai", "o3-mini")),
        ("anthropic/claude-3-opus-20240229", ("anthropic", "claude-3-opus-20240229")),
        ("claude-3-haiku", ("anthropic", "claude-3-haiku")),
        ("gemini-2.5-pro", ("gemini", "gemini-2.5-pro")),
        ("openrouter/openai/gpt-4o", ("openrouter", "openai/gpt-4o")),
        ("mistral/mistral-large-latest", ("mistral", "mistral-large-latest")),
        ("grok-3", ("xai", "grok-3")),
        ("llama3.2:latest", ("unknown", "llama3.2:latest")),
    ],
)
def test_provider_is_inferred_from_the_logged_model_id(text: str, expected: tuple[str, str]) -> None:
    assert infer_provider(text) == expected


def test_missing_or_foreign_files_give_a_clear_error(store, tmp_path: Path) -> None:
    with pytest.raises(UsageDataError, match="no llm logs database here"):
        llm_logs.import_logs(tmp_path / "nope.db")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(UsageDataError, match="not a SQLite database"):
        llm_logs.import_logs(text)
    other = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(other).execute("create table t (x)").connection.commit()
    with pytest.raises(UsageDataError, match="no llm log tables"):
        llm_logs.import_logs(other)


def test_default_path_follows_llm_user_path_and_xdg(tmp_path: Path) -> None:
    assert llm_logs.default_path({"LLM_USER_PATH": str(tmp_path)}) == tmp_path / "logs.db"
    import sys

    if sys.platform.startswith("linux"):
        assert llm_logs.default_path({"HOME": "/h", "XDG_CONFIG_HOME": "/x"}) == Path("/x/io.datasette.llm/logs.db")
        assert llm_logs.default_path({"HOME": "/h"}) == Path("/h/.config/io.datasette.llm/logs.db")
