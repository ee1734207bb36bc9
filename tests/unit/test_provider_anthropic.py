"""Anthropic: parser on recorded bodies, cursor paging, headers, error mapping (respx)."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey, NotConfigured, PermissionDenied, ProviderUnavailable, QuotaExceeded
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

URL = "https://api.anthropic.com/v1/models"


def test_recorded_list_gives_every_model_with_name_and_release_date():
    models = {m.model_id: m for m in make("anthropic").parse(fixture_json("anthropic__model-registry-test-sample-2025-05.json"))}
    assert len(models) == 11
    opus = models["claude-opus-4-20250514"]
    assert opus.name == "Claude Opus 4" and opus.type == "chat"
    assert opus.created_at == datetime(2025, 5, 22, tzinfo=timezone.utc)
    # This older shape has no limits: unknown, not zero.
    assert opus.context_length is None and opus.max_output_tokens is None
    # Capabilities from the family when the API does not send them.
    assert {"functions", "vision", "reasoning"} <= opus.capabilities
    assert "reasoning" not in models["claude-3-5-sonnet-20241022"].capabilities
    assert "functions" not in models["claude-2.1"].capabilities and "vision" not in models["claude-2.1"].capabilities


def test_limits_and_capability_object_are_read_when_present():
    models = {m.model_id: m for m in make("anthropic").parse(fixture_json("examples/anthropic.json"))}
    sonnet, haiku = models["claude-sonnet-4-5-20250929"], models["claude-3-5-haiku-20241022"]
    assert sonnet.context_length == 200000 and sonnet.max_output_tokens == 64000
    assert {"reasoning", "structured_output", "batch", "vision"} <= sonnet.capabilities
    assert "file" in sonnet.input_modalities
    # thinking.supported false and structured_outputs false are respected over the family guess.
    assert "reasoning" not in haiku.capabilities and "structured_output" not in haiku.capabilities
    assert haiku.max_output_tokens == 8192


def test_lifecycle_dates_become_the_deprecation_date_and_epoch_release_is_unknown():
    body = {"data": [
        {"type": "model", "id": "claude-old", "display_name": "Old", "created_at": "1970-01-01T00:00:00Z",
         "lifecycle": "deprecated", "deprecated_at": "2026-01-05T00:00:00Z", "retires_at": "2026-07-05T00:00:00Z"},
        {"type": "model", "id": "claude-retiring", "created_at": None, "retires_at": "2027-01-01T00:00:00Z", "capabilities": None,
         "max_input_tokens": None, "max_tokens": None},
    ]}
    models = {m.model_id: m for m in make("anthropic").parse(body)}
    assert models["claude-old"].deprecated_at == datetime(2026, 1, 5, tzinfo=timezone.utc)
    assert models["claude-old"].created_at is None
    assert models["claude-retiring"].deprecated_at == datetime(2027, 1, 1, tzinfo=timezone.utc)
    assert models["claude-retiring"].name is None and models["claude-retiring"].context_length is None


@pytest.mark.parametrize("body", [[], {"models": []}, {"data": {"id": "x"}}, "<html>"])
def test_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        make("anthropic").parse(body)


@respx.mock
def test_every_cursor_page_is_fetched_with_key_and_version_headers():
    pages = fixture_json("anthropic__model-registry-test-sample-2025-05.json")["data"]
    route = respx.get(URL).mock(side_effect=[
        httpx.Response(200, json={"data": pages[:6], "has_more": True, "first_id": pages[0]["id"], "last_id": pages[5]["id"]}),
        httpx.Response(200, json={"data": pages[6:], "has_more": False, "first_id": pages[6]["id"], "last_id": pages[-1]["id"]}),
    ])
    events: list = []
    models = make("anthropic", key="sk-ant-unit-0123456789", events=events).fetch()
    assert [m.model_id for m in models] == [p["id"] for p in pages]
    first, second = route.calls[0].request, route.calls[1].request
    assert first.headers["x-api-key"] == "sk-ant-unit-0123456789"
    assert first.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in first.headers
    assert "after_id" not in first.url.params and first.url.params["limit"] == "1000"
    assert second.url.params["after_id"] == pages[5]["id"]
    assert [e.page for e in events if type(e).__name__ == "PageFetched"] == [1, 2]


@respx.mock
def test_a_repeated_cursor_stops_paging_with_bad_response():
    respx.get(URL).mock(return_value=httpx.Response(200, json={"data": [{"id": "claude-a"}], "has_more": True, "last_id": "claude-a"}))
    with pytest.raises(BadResponse, match="repeats"):
        make("anthropic").fetch()


@respx.mock
def test_has_more_without_last_id_is_a_bad_response():
    respx.get(URL).mock(return_value=httpx.Response(200, json={"data": [{"id": "claude-a"}], "has_more": True}))
    with pytest.raises(BadResponse, match="last_id"):
        make("anthropic").fetch()


@respx.mock
def test_overloaded_529_is_retried_then_succeeds():
    route = respx.get(URL).mock(side_effect=[
        httpx.Response(529, json={"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        httpx.Response(200, json={"data": [{"id": "claude-a"}], "has_more": False}),
    ])
    assert [m.model_id for m in make("anthropic", retry_attempts=3).fetch()] == ["claude-a"]
    assert route.call_count == 2


@respx.mock
def test_overloaded_every_time_is_provider_unavailable():
    respx.get(URL).mock(return_value=httpx.Response(529, json={"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))
    with pytest.raises(ProviderUnavailable, match="529"):
        make("anthropic", retry_attempts=2).fetch()


@respx.mock
@pytest.mark.parametrize(
    "status, error, expected",
    [
        (401, {"type": "authentication_error", "message": "invalid x-api-key"}, InvalidApiKey),
        (403, {"type": "permission_error", "message": "Your API key does not have permission to use the specified resource."}, PermissionDenied),
        (400, {"type": "invalid_request_error", "message": "Your credit balance is too low to access the Anthropic API."}, QuotaExceeded),
    ],
)
def test_error_envelopes_map_to_the_user_facing_errors(status, error, expected):
    route = respx.get(URL).mock(return_value=httpx.Response(status, json={"type": "error", "error": error}))
    with pytest.raises(expected):
        make("anthropic", retry_attempts=3).fetch()
    assert route.call_count == 1  # none of these is retried


@respx.mock  # any request would fail the test: none is mocked
def test_missing_key_is_not_configured_before_any_request():
    with pytest.raises(NotConfigured) as exc:
        make("anthropic", key=None).fetch()
    assert "$AISYNC_TEST_UNSET_VARIABLE" in exc.value.line()
