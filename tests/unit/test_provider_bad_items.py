"""One bad item in a provider's model list (not an object, no usable id) is skipped alone with a
warning naming the provider; the rest of the list syncs, and the stored models are not marked
missing on the evidence of a list that had such an item."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from aisync_tui.config import load_settings
from aisync_tui.domain import RemoteModel
from aisync_tui.events import Warning
from aisync_tui.store.models import Model
from aisync_tui.sync.plan import StoredModel, compute_plan
from aisync_tui.sync.runner import ModelSyncRunner
from tests.unit.provider_helpers import make

#: slug -> (make() keywords, a body listing the model "good" and two items that name no model).
BODIES: dict[str, tuple[dict[str, Any], Any]] = {
    "anthropic": ({}, {"data": [{"id": "good"}, 1, {"id": None}]}),
    "azure": (
        {"base_url": "https://contoso.openai.azure.com"},
        {"data": [{"id": "good", "capabilities": {"inference": True, "chat_completion": True}}, 5, {"capabilities": {}}]},
    ),
    "bedrock": ({}, {"modelSummaries": [{"modelId": "good"}, 7, {"modelName": "no id"}]}),
    "cerebras": ({}, {"data": [{"id": "good"}, [], {"object": "model"}]}),
    "cohere": ({}, {"models": [{"name": "good", "endpoints": ["chat"]}, "x", {"endpoints": ["chat"]}]}),
    "deepinfra": ({}, {"data": [{"id": "good"}, 5, {"metadata": {}}]}),
    "deepseek": ({}, {"data": [{"id": "good"}, None, {"object": "model"}]}),
    "fireworks": ({}, {"data": [{"id": "good"}, [], {"kind": "HF_BASE_MODEL"}]}),
    "gemini": ({}, {"models": [{"name": "models/good"}, 1, {"name": "models/"}]}),
    "groq": ({}, {"data": [{"id": "good"}, 3, {"id": 5}]}),
    "huggingface": ({}, {"data": [{"id": "good"}, "x", {"providers": []}]}),
    "mistral": ({}, {"data": [{"id": "good"}, "m1", {"id": ""}]}),
    "vertex": ({}, {"publisherModels": [{"name": "publishers/google/models/good"}, 2, {"versionId": "1"}]}),
    "together": ({}, [{"id": "good", "type": "chat"}, 1, {"type": "chat"}]),
    "gw": ({"key": None, "base_url": "http://127.0.0.1:9/v1"}, {"data": [{"id": "good"}, [], {"id": None}]}),
    "ollama": ({"key": None}, {"models": [{"name": "good"}, True, {"size": 1}]}),
    "openai": ({}, [{"id": "good"}, None, {"id": None}]),
    "openrouter": ({}, {"data": [{"id": "good"}, None, {"name": "no id"}]}),
    "xai": ({}, {"data": [{"id": "good"}, "grok", {"name": "no id"}]}),
}


@pytest.mark.parametrize("slug", sorted(BODIES))
def test_an_item_naming_no_model_is_skipped_alone_with_a_warning_naming_the_provider(slug: str) -> None:
    kwargs, body = BODIES[slug]
    events: list[Any] = []
    adapter = make(slug, events=events, **kwargs)
    models = adapter.parse(body)
    # "good" is listed, and nothing made from the two bad items (a provider may list "good" under more ids).
    assert "good" in [m.model_id for m in models] and all(m.model_id.startswith("good") for m in models)
    warnings = [e for e in events if isinstance(e, Warning)]
    assert len(warnings) == 1 and warnings[0].provider == slug
    assert "skipped 2 items" in warnings[0].message and "#2" in warnings[0].message
    assert adapter.unidentified == 2


NOW = datetime(2026, 11, 26, tzinfo=timezone.utc)


def _stored(pk: int, model_id: str) -> StoredModel:
    return StoredModel(pk, model_id, {"type": "chat"}, "active", True, False, {}, None, None)


def test_a_list_with_an_unidentified_item_marks_no_model_missing_unless_the_shrink_is_accepted() -> None:
    stored = [_stored(1, "a"), _stored(2, "b")]
    plan = compute_plan("p", [RemoteModel("p", "a", type="chat")], stored, now=NOW, unidentified=1)
    assert plan.missing == [] and plan.held_back == 1 and "1 item naming no model" in (plan.guard or "")
    forced = compute_plan("p", [RemoteModel("p", "a", type="chat")], stored, now=NOW, unidentified=1, accept_shrink=True)
    assert [m.model_id for m in forced.missing] == ["b"]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-bad-items-0000000000")
    config = tmp_path / "config.toml"
    config.write_text('[providers.openai]\nbase_url = "http://127.0.0.1:9/v1"\n')
    return load_settings(str(config))


@respx.mock
def test_a_stored_model_stays_active_when_the_list_has_an_item_naming_no_model(settings: Any, store: Any) -> None:
    route = respx.get("http://127.0.0.1:9/v1/models")
    route.mock(return_value=httpx.Response(200, json={"data": [{"id": "gpt-4o"}, {"id": "gpt-4.1"}]}))
    ModelSyncRunner(settings, store, providers=["openai"], force=True).run()
    route.mock(return_value=httpx.Response(200, json={"data": [{"id": "gpt-4o"}, {"id": None}]}))
    events: list[Any] = []
    summary = ModelSyncRunner(settings, store, providers=["openai"], force=True, emit=events.append).run()
    assert summary.outcomes[0].status == "ok"
    assert {m.model_id: m.status for m in Model.select()} == {"gpt-4o": "active", "gpt-4.1": "active"}
    said = [e.message for e in events if isinstance(e, Warning) and e.provider == "openai"]
    assert any("has no usable 'id'" in m for m in said) and any("naming no model" in m for m in said)


@respx.mock
def test_ollama_reports_a_tag_naming_no_model_once_and_asks_only_about_the_others() -> None:
    events: list[Any] = []
    adapter = make("ollama", key=None, events=events)
    respx.get(adapter.url("/api/tags")).mock(return_value=httpx.Response(200, json={"models": [{"name": "good"}, {"size": 1}]}))
    show = respx.post(adapter.url("/api/show")).mock(return_value=httpx.Response(200, json={"capabilities": ["completion"]}))
    assert [m.model_id for m in adapter.fetch()] == ["good"]
    assert show.call_count == 1
    assert adapter.unidentified == 1 and sum(isinstance(e, Warning) for e in events) == 1
