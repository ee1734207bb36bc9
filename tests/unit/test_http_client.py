"""The shared HTTP client: retries, waits, error mapping (respx, no network)."""

from __future__ import annotations

import httpx
import pytest
import respx

from aisync_tui.errors import ApiTimeout, BadResponse, InvalidApiKey, QuotaExceeded, RateLimited
from aisync_tui.events import Recorder, RequestRetrying
from aisync_tui.providers.http import HttpClient, HttpOptions

URL = "https://api.example.test/v1/models"


def client(recorder=None, **kw):
    waits: list[float] = []
    opts = HttpOptions(**{"retry_attempts": 3, "max_retry_wait": 10, **kw})
    c = HttpClient(opts, emit=recorder or Recorder(), sleep=waits.append)
    return c, waits


@respx.mock
def test_retry_after_ms_then_seconds_then_body_retry_delay_are_honoured():
    route = respx.get(URL).mock(side_effect=[
        httpx.Response(429, headers={"retry-after-ms": "1500"}, json={"error": {"message": "slow down"}}),
        httpx.Response(503, headers={"retry-after": "2"}),
        httpx.Response(429, json={"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "3s"}]}}),
        httpx.Response(200, json={"data": []}),
    ])
    c, waits = client(retry_attempts=4)
    assert c.get_json("p", URL) == {"data": []}
    assert waits == [1.5, 2.0, 3.0]
    assert route.call_count == 4


@respx.mock
def test_a_wait_over_the_cap_gives_up_with_rate_limit_exceeded():
    respx.get(URL).mock(return_value=httpx.Response(429, headers={"retry-after": "3600"}, json={"error": {"message": "Rate limit reached"}}))
    c, waits = client()
    with pytest.raises(RateLimited) as err:
        c.get_json("p", URL)
    assert "over the 10s cap" in str(err.value) and waits == []


@respx.mock
def test_bad_key_and_quota_are_not_retried():
    route = respx.get(URL).mock(return_value=httpx.Response(401, json={"error": {"message": "Incorrect API key provided: sk-abc***", "code": "invalid_api_key"}}))
    c, _ = client()
    with pytest.raises(InvalidApiKey):
        c.get_json("p", URL)
    assert route.call_count == 1
    route.mock(return_value=httpx.Response(429, json={"error": {"message": "You exceeded your current quota", "code": "insufficient_quota"}}))
    with pytest.raises(QuotaExceeded):
        c.get_json("p", URL)
    assert route.call_count == 2


@respx.mock
def test_gemini_and_xai_bad_keys_are_http_400_but_still_invalid_api_key():
    c, _ = client()
    respx.get(URL).mock(return_value=httpx.Response(400, json={"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [{"reason": "API_KEY_INVALID"}]}}))
    with pytest.raises(InvalidApiKey):
        c.get_json("gemini", URL)
    respx.get(URL).mock(return_value=httpx.Response(400, json={"code": "Client specified an invalid argument", "error": "Incorrect API key provided: xa***yz."}))
    with pytest.raises(InvalidApiKey):
        c.get_json("xai", URL)


@respx.mock
def test_timeouts_are_retried_then_reported_as_api_timeout():
    rec = Recorder()
    route = respx.get(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    c, waits = client(rec)
    with pytest.raises(ApiTimeout):
        c.get_json("p", URL)
    assert route.call_count == 3 and len(waits) == 2
    assert len(rec.of(RequestRetrying)) == 2


@respx.mock
def test_html_with_status_200_is_a_bad_response():
    respx.get(URL).mock(return_value=httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"}))
    c, _ = client()
    with pytest.raises(BadResponse) as err:
        c.get_json("p", URL)
    assert "HTML page" in str(err.value)


@respx.mock
def test_redirect_to_another_host_is_not_followed():
    respx.get(URL).mock(return_value=httpx.Response(302, headers={"location": "https://evil.test/collect"}))
    c, _ = client()
    with pytest.raises(BadResponse) as err:
        c.get_json("p", URL, headers={"authorization": "Bearer sk-secret-value-123456"})
    assert "another host" in str(err.value)
