"""OpenAI and Anthropic admin usage/cost APIs: recorded-shape pages parsed with respx."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, InvalidApiKey, NotConfigured
from aisync_tui.providers.http import HttpClient, HttpOptions
from aisync_tui.usage import anthropic_admin, openai_admin
from tests.unit.usage_helpers import anthropic_cost_pages, anthropic_usage_pages, openai_cost_pages, openai_usage_pages

NOW = datetime(2025, 5, 20, 12, tzinfo=timezone.utc)
DAY0 = int(datetime(2025, 5, 15, tzinfo=timezone.utc).timestamp())


@pytest.fixture
def client():
    c = HttpClient(HttpOptions(timeout=5, retry_attempts=1))
    yield c
    c.close()


def _paged(pages):
    by_cursor = {None: pages[0]}
    for prev, page in zip(pages, pages[1:]):
        by_cursor[prev["next_page"]] = page

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=by_cursor[request.url.params.get("page")])

    return handler


@respx.mock
def test_openai_usage_pages_and_line_item_costs_become_daily_model_records(client, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-unit-0123456789abcdef")
    usage = respx.get("https://api.openai.com/v1/organization/usage/completions").mock(side_effect=_paged(openai_usage_pages(DAY0)))
    respx.get("https://api.openai.com/v1/organization/costs").mock(side_effect=_paged(openai_cost_pages(DAY0)))
    rows, count = openai_admin.fetch(7, client=client, now=NOW)
    assert count == 3 and usage.call_count == 2
    first = usage.calls[0].request
    assert first.headers["authorization"] == "Bearer sk-admin-unit-0123456789abcdef"
    assert first.url.params["start_time"] == str(int(datetime(2025, 5, 14, tzinfo=timezone.utc).timestamp()))
    by = {(r.ts.day, r.model_id): r for r in rows}
    big = by[(15, "gpt-4o-2024-08-06")]
    assert (big.requests, big.input_tokens, big.output_tokens, big.cached_tokens, big.cost_usd) == (40, 12000, 3000, 2000, Decimal("0.0425"))
    assert by[(15, "gpt-4o-mini-2024-07-18")].cost_usd is None  # no cost line: computed later from the ledger
    assert by[(17, "gpt-4o-2024-08-06")].requests == 5
    tool = by[(15, "web search tool calls")]
    assert (tool.requests, tool.input_tokens, tool.cost_usd) == (None, 0, Decimal("0.25"))


@pytest.mark.parametrize(
    "line, model",
    [("gpt-4o-mini-2024-07-18, input", "gpt-4o-mini-2024-07-18"), ("evals | gpt-4o, cached input", "gpt-4o"), ("web search tool calls", None), ("assistants api | file search", None)],
)
def test_openai_cost_line_items_name_their_model(line: str, model: str | None) -> None:
    assert openai_admin.line_item_model(line) == model


@respx.mock
def test_anthropic_usage_has_unknown_requests_and_costs_come_in_cents(client, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-unit-0123456789")
    d0, d1 = "2025-05-15T00:00:00Z", "2025-05-16T00:00:00Z"
    usage = respx.get("https://api.anthropic.com/v1/organizations/usage_report/messages").mock(side_effect=_paged(anthropic_usage_pages(d0, d1)))
    respx.get("https://api.anthropic.com/v1/organizations/cost_report").mock(side_effect=_paged(anthropic_cost_pages(d0, d1)))
    rows, count = anthropic_admin.fetch(7, client=client, now=NOW)
    req = usage.calls[0].request
    assert req.headers["x-api-key"] == "sk-ant-admin01-unit-0123456789" and req.headers["anthropic-version"] == "2023-06-01"
    assert req.url.params["group_by[]"] == "model" and req.url.params["starting_at"] == "2025-05-14T00:00:00Z"
    by = {r.model_id: r for r in rows}
    sonnet = by["claude-sonnet-4-20250514"]
    # input = uncached 1000 + cache writes 200 + 100 + cache reads 700
    assert (sonnet.requests, sonnet.input_tokens, sonnet.cached_tokens, sonnet.cost_usd) == (None, 2000, 700, Decimal("7.2345"))
    assert by["claude-3-5-haiku-20241022"].cost_usd is None
    assert by["claude-3-5-haiku-20241022"].requests is None
    assert by["Web Search"].cost_usd == Decimal("0.015")


def test_no_admin_key_is_not_configured_with_the_variable_named(monkeypatch) -> None:
    monkeypatch.delenv("ANTHROPIC_ADMIN_KEY", raising=False)
    with pytest.raises(NotConfigured, match="ANTHROPIC_ADMIN_KEY is not set"):
        anthropic_admin.fetch(30)


@respx.mock
def test_a_project_key_is_told_to_use_an_admin_key(client, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-proj-unit-0123456789abcdef")
    respx.get("https://api.openai.com/v1/organization/usage/completions").mock(
        return_value=httpx.Response(401, json={"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}})
    )
    with pytest.raises(InvalidApiKey) as err:
        openai_admin.fetch(7, client=client, now=NOW)
    assert "organization Admin key" in err.value.line()


@respx.mock
def test_a_server_that_repeats_its_page_cursor_is_stopped(client, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-unit-0123456789abcdef")
    loop = {"object": "page", "data": [], "has_more": True, "next_page": "same"}
    route = respx.get("https://api.openai.com/v1/organization/usage/completions").mock(return_value=httpx.Response(200, json=loop))
    with pytest.raises(BadResponse, match="repeated page cursor"):
        openai_admin.fetch(7, client=client, now=NOW, costs=False)
    assert route.call_count == 2


def test_a_plain_http_base_url_to_a_remote_host_is_refused(monkeypatch) -> None:
    from aisync_tui.errors import ConfigError

    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-unit-0123456789abcdef")
    with pytest.raises(ConfigError, match="plain http"):
        openai_admin.fetch(7, base_url="http://example.com/v1")
