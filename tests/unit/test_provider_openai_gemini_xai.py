"""The first three adapters' pure parsers on real captured bodies."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aisync_tui.config import load_settings
from aisync_tui.errors import BadResponse
from aisync_tui.providers.http import HttpClient
from aisync_tui.providers.registry import make_adapter
from tests.helpers import fixture_json


@pytest.fixture(scope="module")
def settings():
    return load_settings(environ={"AISYNC_CONFIG": ""})


def adapter(settings, slug):
    return make_adapter(settings.providers[slug], HttpClient())


def test_openai_types_come_from_the_id_family(settings):
    models = {m.model_id: m for m in adapter(settings, "openai").parse(fixture_json("openai__chatgpt-export-curl-2025-06-09.json"))}
    assert len(models) == 74
    assert models["text-embedding-3-small"].type == "embedding"
    assert models["whisper-1"].type == "transcription"
    assert models["tts-1-hd"].type == "tts"
    assert models["dall-e-3"].type == "image" and models["gpt-image-1"].type == "image"
    assert models["omni-moderation-latest"].type == "moderation"
    assert models["gpt-4o-realtime-preview"].type == "realtime"
    assert models["babbage-002"].type == "completion" and models["gpt-3.5-turbo-instruct"].type == "completion"
    assert models["gpt-4o"].type == "chat" and "vision" in models["gpt-4o"].capabilities
    assert "reasoning" in models["o3"].capabilities and "reasoning" not in models["gpt-4o"].capabilities
    assert "vision" not in models["gpt-3.5-turbo"].capabilities
    # The list carries no limits: they stay unknown here.
    assert models["gpt-4o"].context_length is None


def test_openai_bare_array_body_is_accepted(settings):
    assert len(adapter(settings, "openai").parse(fixture_json("openai__lobe-chat.json"))) == 28


def test_gemini_strips_prefix_and_reads_limits_and_methods(settings):
    models = {m.model_id: m for m in adapter(settings, "gemini").parse(fixture_json("gemini__llm-gemini__2026-08-05.json"))}
    flash = models["gemini-2.5-flash"]
    assert flash.name == "Gemini 2.5 Flash" and flash.context_length == 1048576 and flash.max_output_tokens == 65536
    assert {"reasoning", "caching", "batch", "chat"} <= flash.capabilities
    assert models["gemini-embedding-001"].type == "embedding"
    assert not any(mid.startswith("models/") for mid in models)


def test_xai_prices_are_exact_from_1e10_units(settings):
    a = adapter(settings, "xai")
    models = {m.model_id: m for m in a.parse_all(fixture_json("examples/xai_models.json"), fixture_json("examples/xai.json"), None)}
    grok3 = models["grok-3"].price
    assert grok3.input == Decimal("0.000003") and grok3.output == Decimal("0.000015") and grok3.cached_input == Decimal("7.5E-7")
    assert grok3.web_search == Decimal("0.025")
    grok4 = models["grok-4-0709"]
    assert grok4.context_length == 256000
    assert grok4.price.tiers[0].threshold == 128000 and grok4.price.tiers[0].input == Decimal("0.000006")


@pytest.mark.parametrize("body", [{"data": "nope"}, "text", {"unexpected": []}])
def test_garbage_is_a_bad_response(settings, body):
    with pytest.raises(BadResponse):
        adapter(settings, "openai").parse(body)
