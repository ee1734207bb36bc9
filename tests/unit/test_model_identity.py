"""One identity per model and the provider's word per field, at the level of the plan, the
enrichment rules and the store (a real SQLite file)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

from aisync_tui.domain import Price, RemoteModel
from aisync_tui.pricing.catalog import enrich, new_model_values
from aisync_tui.pricing.feeds import FeedEntry
from aisync_tui.pricing.match import Matcher
from aisync_tui.store import migrations
from aisync_tui.store.db import open_store
from aisync_tui.store.models import Model, ModelAlias, Provider, UsageRecord, database_proxy
from aisync_tui.store.queries import get_model, list_models, resolve_model
from aisync_tui.sync.apply import apply_plan, ensure_provider, load_stored
from aisync_tui.sync.plan import StoredModel, compute_plan
from aisync_tui.usage.records import UsageRow, write_rows
from aisync_tui.usage.stats import model_usage, usage_summary

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def _stored(values: dict, sources: dict, caps=("chat",)) -> StoredModel:
    base = dict(name=None, type="chat", context_length=None, max_output_tokens=None, capabilities=list(caps), input_modalities=[],
                output_modalities=[], created_at=None, deprecated_at=None, description=None, owned_by=None, aliases=[])
    base.update(values)
    return StoredModel(1, "m", base, "deprecated" if base["deprecated_at"] else "active", True, False, sources, None, None)


def test_a_deprecation_date_the_provider_withdraws_is_cleared_and_the_model_is_active_again():
    dated = datetime(2026, 1, 1, tzinfo=timezone.utc)
    s = _stored({"deprecated_at": dated}, {"deprecated_at": "provider"})
    plan = compute_plan("p", [RemoteModel("p", "m", type="chat", capabilities=frozenset({"chat"}))], [s], now=NOW)
    (u,) = plan.updated
    assert [(c.field, c.new) for c in u.changes] == [("deprecated_at", None), ("status", "active")]


def test_a_value_a_feed_gave_is_not_cleared_when_the_provider_says_nothing():
    s = _stored({"max_output_tokens": 4096}, {"max_output_tokens": "litellm"})
    plan = compute_plan("p", [RemoteModel("p", "m", type="chat", capabilities=frozenset({"chat"}))], [s], now=NOW)
    assert plan.unchanged == ["m"]


def test_a_capability_the_provider_states_false_is_not_added_back_by_the_feed():
    s = _stored({}, {"feed_capabilities": ["vision", "web_search"]}, caps=("chat", "vision", "web_search"))
    remote = RemoteModel("p", "m", type="chat", capabilities=frozenset({"chat"}), stated=frozenset({"chat", "vision"}))
    (u,) = compute_plan("p", [remote], [s], now=NOW).updated
    (change,) = u.changes
    assert change.field == "capabilities" and change.new == frozenset({"chat", "web_search"})


def _entry(**kw) -> FeedEntry:
    base: dict[str, Any] = dict(provider="p", model_id="m", key="m", feed_provider="p", price=None)
    base.update(kw)
    return FeedEntry(**base)


def test_the_feed_adds_only_capabilities_the_provider_is_silent_on_and_says_so():
    sources = {"capability:vision": "provider", "capability:reasoning": "provider", "capability:chat": "provider"}
    values = {"context_length": 131072}
    updates, new_sources, _ = enrich(values, ["chat"], sources, _entry(capabilities=frozenset({"vision", "reasoning", "web_search"})), "litellm")
    assert updates["capabilities"] == ["chat", "web_search"]
    assert new_sources["capability:web_search"] == "litellm" and new_sources["capability:vision"] == "provider"


def test_a_feed_max_output_above_the_providers_own_context_is_not_applied():
    values = {"context_length": 131072, "max_output_tokens": None}
    updates, _, _ = enrich(values, [], {"context_length": "provider"}, _entry(max_output_tokens=262144), "litellm")
    assert "max_output_tokens" not in updates
    ok, _, _ = enrich(values, [], {"context_length": "provider"}, _entry(max_output_tokens=32768), "litellm")
    assert ok["max_output_tokens"] == 32768


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "aisync.db"))
    yield s
    s.close()


def _sync(store, slug: str, remote: list[RemoteModel]) -> int:
    pk = ensure_provider(slug, slug, slug)
    apply_plan(compute_plan(slug, remote, load_stored(pk), now=NOW), pk, run_id=None, now=NOW, db=store.db)
    return pk


def test_a_catalog_row_named_like_an_alias_becomes_the_listed_model(store):
    pk = Provider.insert(slug="mistral", name="Mistral", kind="mistral").execute()
    row = new_model_values(_entry(provider="mistral", model_id="codestral-latest", capabilities=frozenset({"vision"})), "litellm")
    Model.insert(**row, provider=pk).execute()
    listed = resolve_model("codestral-latest", "mistral")
    assert listed is not None and listed.available is False
    _sync(store, "mistral", [RemoteModel("mistral", "codestral-2508", type="chat", aliases=("codestral-latest",))])
    found = resolve_model("codestral-latest", "mistral")
    assert found is not None
    assert (found.model_id, found.available) == ("codestral-2508", True)
    assert Model.select().where(Model.model_id == "codestral-latest").count() == 0
    assert [r.model_id for r in list_models(search="codestral-latest")] == ["codestral-2508"]
    # An alias Mistral stops stating no longer finds the model.
    _sync(store, "mistral", [RemoteModel("mistral", "codestral-2508", type="chat")])
    detail = get_model("codestral-2508", "mistral")
    assert resolve_model("codestral-latest", "mistral") is None and detail is not None and detail.aliases == ()


def test_a_feed_price_under_an_alias_is_the_price_of_its_model():
    price = Price(input=Decimal("0.0000003"), output=Decimal("0.0000009"))
    m = Matcher([_entry(provider="mistral", model_id="codestral-latest", key="codestral-latest", price=price)])
    entry = m.litellm_for_model("mistral", "codestral-2508", ("codestral-latest",))
    assert entry is not None and entry.price == price
    assert m.litellm_for_model("mistral", "codestral-2508", ()) is None
    assert m.litellm_for_model("xai", "codestral-2508", ("codestral-latest",)) is None  # never across providers


def test_usage_asked_by_alias_counts_once_for_the_model_it_names(store):
    _sync(store, "mistral", [RemoteModel("mistral", "codestral-2508", type="chat", aliases=("codestral-latest",))])
    ts = datetime.now(timezone.utc)
    write_rows([
        UsageRow(ts, "mistral", "codestral-latest", 1, 10, 1, 0, "csv", "r1"),
        UsageRow(ts, "mistral", "codestral-2508", 1, 10, 1, 0, "csv", "r2", requested_model="codestral-latest"),
        UsageRow(ts, "mistral", "codestral-2508", 1, 10, 1, 0, "csv", "r3"),
    ], source="csv", log_run=False)
    assert model_usage("mistral", "codestral-2508", aliases=("codestral-latest",)).total_requests == 3
    s = usage_summary(7)
    assert sum(g.records for g in s.by_model) == s.totals.records == 3
    assert {g.model_id: g.records for g in s.by_model} == {"codestral-latest": 2, "codestral-2508": 1}
    assert all(g.in_store for g in s.by_model)


def test_a_schema_2_store_upgrades_with_its_aliases_indexed(tmp_path: Path):
    path = tmp_path / "v2.db"
    db = pw.SqliteDatabase(str(path))
    database_proxy.initialize(db)
    db.connect()
    migrations.upgrade(db, str(path), target=2)
    db.execute_sql("INSERT INTO provider (slug, name, kind, enabled) VALUES ('mistral', 'Mistral', 'mistral', 1)")
    for mid, aliases, available, status in (("codestral-2508", ["codestral-latest"], 1, "active"), ("codestral-latest", [], 0, "catalog")):
        db.execute_sql(
            "INSERT INTO model (provider_id, model_id, type, status, capabilities, input_modalities, output_modalities, aliases,"
            " available, in_catalog, field_sources) VALUES (1, ?, 'chat', ?, '[]', '[]', '[]', ?, ?, 0, '{}')",
            (mid, status, json.dumps(aliases), available),
        )
    db.close()
    store = open_store(str(path))
    try:
        assert [(a.name, a.model.model_id) for a in ModelAlias.select()] == [("codestral-latest", "codestral-2508")]
        resolved = resolve_model("codestral-latest", "mistral")
        assert resolved is not None and resolved.model_id == "codestral-2508"
        assert Model.select().count() == 1
        assert "requested_model" in {c.name for c in store.db.get_columns(UsageRecord._meta.table_name)}
    finally:
        store.close()


def test_an_earlier_feed_max_output_above_the_providers_context_is_cleared():
    values = {"context_length": 131072, "max_output_tokens": 262144}
    updates, sources, changes = enrich(
        values, [], {"context_length": "provider", "max_output_tokens": "litellm"}, _entry(max_output_tokens=262144), "litellm"
    )
    assert updates["max_output_tokens"] is None and "max_output_tokens" not in sources
    assert ("max_output_tokens", 262144, None) in changes
