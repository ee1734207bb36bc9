"""A garbage wait hint from a server is a rate limit with the default backoff, never a crash."""

from __future__ import annotations

import httpx
import pytest
import respx

from aisync_tui.errors import RateLimited
from aisync_tui.events import Recorder
from aisync_tui.providers.http import HttpClient, HttpOptions

URL = "https://api.example.test/v1/models"


def client():
    waits: list[float] = []
    c = HttpClient(HttpOptions(retry_attempts=2, max_retry_wait=10), emit=Recorder(), sleep=waits.append)
    return c, waits


GARBAGE = [
    ({"retry-after": "soon"}, None),
    ({"retry-after": "Wed, 99 Foo 2026 99:99:99 GMT"}, None),
    ({"retry-after": ""}, None),
    ({"retry-after-ms": "abc", "retry-after": "later"}, None),
    ({}, {"error": {"code": 429, "details": [{"retryDelay": ".s"}]}}),
    ({}, {"error": {"code": 429, "details": [{"retryDelay": "1.2.3s"}]}}),
    ({}, {"error": {"code": 429, "details": "not a list"}}),
]


@pytest.mark.parametrize("headers, body", GARBAGE)
@respx.mock
def test_a_garbage_retry_after_is_a_rate_limit_retried_with_the_default_backoff(headers, body) -> None:
    route = respx.get(URL).mock(side_effect=[httpx.Response(429, headers=headers, json=body or {"error": {"message": "slow down"}}), httpx.Response(200, json={"data": []})])
    c, waits = client()
    assert c.get_json("p", URL) == {"data": []}
    assert route.call_count == 2 and len(waits) == 1 and 0 < waits[0] <= 10


@respx.mock
def test_a_garbage_retry_after_on_every_attempt_ends_as_rate_limit_exceeded() -> None:
    respx.get(URL).mock(return_value=httpx.Response(429, headers={"retry-after": "soon"}, json={"error": {"message": "slow down"}}))
    c, _ = client()
    with pytest.raises(RateLimited):
        c.get_json("p", URL)
