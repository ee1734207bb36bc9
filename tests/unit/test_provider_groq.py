"""Groq: context_window, max_completion_tokens, inactive models, id-based types; errors (respx)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

URL = "https://api.groq.com/openai/v1/models"


def test_recorded_bare_list_gives_limits_types_and_dates():
    models = {m.model_id: m for m in make("groq").parse(fixture_json("groq__neurorouter-fallback-list.json"))}
    assert len(models) == 20
    llama = models["llama-3.3-70b-versatile"]
    assert (llama.type, llama.context_length, llama.max_output_tokens, llama.owned_by) == ("chat", 131072, 32768, "Meta")
    assert llama.created_at == datetime.fromtimestamp(1733447754, tz=timezone.utc)
    assert models["whisper-large-v3-turbo"].type == "transcription"
    assert models["canopylabs/orpheus-v1-english"].type == "tts"
    assert models["meta-llama/llama-guard-4-12b"].type == "moderation"
    assert "vision" in models["meta-llama/llama-4-scout-17b-16e-instruct"].capabilities
    assert "reasoning" in models["openai/gpt-oss-120b"].capabilities
    assert "web_search" in models["groq/compound"].capabilities


def test_envelope_shape_parses_the_same():
    assert [m.model_id for m in make("groq").parse(fixture_json("examples/groq.json"))] == [
        "llama-3.3-70b-versatile", "openai/gpt-oss-120b", "qwen/qwen3-32b", "whisper-large-v3-turbo"]


def test_inactive_models_are_left_out_so_the_sync_marks_them_unavailable():
    body = {"data": [
        {"id": "served", "active": True, "context_window": 8192},
        {"id": "switched-off", "active": False, "context_window": 8192},
        {"id": "no-flag", "context_window": None, "max_completion_tokens": None, "created": None, "owned_by": None},
    ]}
    models = {m.model_id: m for m in make("groq").parse(body)}
    assert set(models) == {"served", "no-flag"}
    assert (models["no-flag"].context_length, models["no-flag"].max_output_tokens, models["no-flag"].created_at) == (None, None, None)


@pytest.mark.parametrize("body", [{"object": "list"}, {"data": 3}, "x"])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("groq").parse(body)


@respx.mock
def test_fetch_sends_bearer_and_invalid_key_is_reported_not_retried():
    route = respx.get(URL).mock(return_value=httpx.Response(200, json=fixture_json("examples/groq.json")))
    make("groq", key="gsk_unit_0123456789").fetch()
    assert route.calls[0].request.headers["authorization"] == "Bearer gsk_unit_0123456789"
    route = respx.get(URL).mock(return_value=httpx.Response(401, json={"error": {"message": "Invalid API Key", "type": "invalid_request_error", "code": "invalid_api_key"}}))
    before = route.call_count
    with pytest.raises(InvalidApiKey):
        make("groq", retry_attempts=3).fetch()
    assert route.call_count - before == 1


def test_a_nan_date_or_limit_is_unknown_not_a_crash():
    # json.loads accepts the NaN literal, so a server can send it.
    (m,) = make("groq").parse(json.loads('{"data": [{"id": "a", "created": NaN, "context_window": NaN}]}'))
    assert (m.created_at, m.context_length) == (None, None)
