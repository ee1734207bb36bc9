"""xAI's three lists are fetched at once (respx, no network): a slow xAI costs one round trip, not three."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import httpx
import pytest
import respx

from aisync_tui.config import load_settings
from aisync_tui.errors import BadResponse, InvalidApiKey
from aisync_tui.events import PageFetched
from aisync_tui.providers.http import HttpClient, HttpOptions
from aisync_tui.providers.registry import make_adapter
from tests.helpers import fixture_json

BASE = "https://api.x.ai/v1"
PATHS = ("/models", "/language-models", "/image-generation-models")


@pytest.fixture
def xai():
    settings = load_settings(environ={"AISYNC_CONFIG": ""})
    provider = replace(settings.providers["xai"], api_key="xai-unit-0123456789abcdef", api_key_env=())
    events: list[object] = []
    client = HttpClient(HttpOptions(retry_attempts=1))
    yield make_adapter(provider, client, events.append), events
    client.close()


def _bodies() -> dict[str, Any]:
    return {
        "/models": fixture_json("examples/xai_models.json"),
        "/language-models": fixture_json("examples/xai.json"),
        "/image-generation-models": fixture_json("examples/xai_image_generation_models.json"),
    }


@respx.mock
def test_the_three_xai_lists_are_requested_at_the_same_time(xai):
    adapter, events = xai
    bodies = _bodies()
    # Each answer waits until all three requests are in flight: fetched one after another, the
    # first would wait in vain and the barrier would break.
    barrier = threading.Barrier(3, timeout=5)

    def answer(path):
        def side_effect(request):
            barrier.wait()
            return httpx.Response(200, json=bodies[path])

        return side_effect

    for path in PATHS:
        respx.get(BASE + path).mock(side_effect=answer(path))
    models = {m.model_id: m for m in adapter.fetch()}
    assert "grok-3" in models and models["grok-3"].price is not None
    assert any(m.type == "image" for m in models.values())
    # Progress still reports the lists in their usual order.
    assert [e.page for e in events if isinstance(e, PageFetched)] == [1, 2, 3]


@respx.mock
def test_an_xai_api_without_the_optional_lists_still_syncs(xai):
    adapter, _ = xai
    respx.get(BASE + "/models").mock(return_value=httpx.Response(200, json=_bodies()["/models"]))
    respx.get(BASE + "/language-models").mock(return_value=httpx.Response(404, json={"error": "not found"}))
    respx.get(BASE + "/image-generation-models").mock(return_value=httpx.Response(404, json={"error": "not found"}))
    expected = {item["id"] for item in _bodies()["/models"]["data"]}
    assert {m.model_id for m in adapter.fetch()} == expected


@respx.mock
def test_a_failing_models_list_fails_xai_even_when_the_others_answer(xai):
    adapter, _ = xai
    respx.get(BASE + "/models").mock(return_value=httpx.Response(400, json={"error": "Incorrect API key provided: xa***ef."}))
    respx.get(BASE + "/language-models").mock(return_value=httpx.Response(200, json=_bodies()["/language-models"]))
    respx.get(BASE + "/image-generation-models").mock(return_value=httpx.Response(200, json=_bodies()["/image-generation-models"]))
    with pytest.raises(InvalidApiKey):
        adapter.fetch()


@respx.mock
def test_a_broken_optional_list_fails_xai_rather_than_syncing_half(xai):
    adapter, _ = xai
    respx.get(BASE + "/models").mock(return_value=httpx.Response(200, json=_bodies()["/models"]))
    respx.get(BASE + "/language-models").mock(return_value=httpx.Response(200, text="<html>maintenance</html>"))
    respx.get(BASE + "/image-generation-models").mock(return_value=httpx.Response(200, json=_bodies()["/image-generation-models"]))
    with pytest.raises(BadResponse):
        adapter.fetch()
