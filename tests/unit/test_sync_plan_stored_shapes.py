"""Stored values of the wrong shape (a hand-edited or damaged store) read as nothing: the model
sync of that provider still plans, and writes only names."""

from __future__ import annotations

from datetime import datetime, timezone

from aisync_tui.domain import RemoteModel
from aisync_tui.sync.plan import StoredModel, compute_plan, field_changes, merged_capabilities

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def _stored(values: dict[str, object], sources: dict[str, object]) -> StoredModel:
    return StoredModel(1, "m", values, "active", True, False, sources, None, None)


def test_a_stored_feed_capability_that_is_not_a_name_is_dropped_and_the_names_kept() -> None:
    remote = RemoteModel("p", "m", capabilities=frozenset({"chat"}), stated=frozenset({"chat"}))
    merged = merged_capabilities(remote, {"feed_capabilities": ["vision", 3, None, ["x"]]})
    assert merged == frozenset({"chat", "vision"})
    assert sorted(merged) == ["chat", "vision"]  # what the apply writes


def test_stored_feed_capabilities_that_are_not_a_list_add_nothing() -> None:
    remote = RemoteModel("p", "m", capabilities=frozenset({"chat"}))
    assert merged_capabilities(remote, {"feed_capabilities": "vision"}) == frozenset({"chat"})
    assert merged_capabilities(remote, {"feed_capabilities": {"vision": True}}) == frozenset({"chat"})


def test_a_stored_list_column_that_is_not_a_list_reads_as_empty_and_the_provider_value_is_planned() -> None:
    remote = RemoteModel("p", "m", type="chat", capabilities=frozenset({"chat"}), input_modalities=("text",), aliases=("m-latest",))
    stored = _stored({"type": "chat", "capabilities": "chat", "input_modalities": 7, "aliases": {"m-latest": 1}}, {})
    changes = {c.field: (c.old, c.new) for c in field_changes(remote, stored)}
    assert changes["capabilities"] == (None, frozenset({"chat"}))
    assert changes["input_modalities"] == (None, ("text",))
    assert changes["aliases"] == (None, ("m-latest",))
    plan = compute_plan("p", [remote], [stored], now=NOW)
    assert [u.remote.model_id for u in plan.updated] == ["m"]
