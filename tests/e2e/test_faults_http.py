"""HTTP faults injected into the real `aisync sync-models`.

Each case scripts one fault (or a sequence) for one provider on the loopback server, runs the real
command in a subprocess with OpenAI, Gemini and xAI configured, and checks what a user relies on:
the faulted provider ends with the right message (or is retried and synced), nothing is written
for it when it fails, the other two providers sync anyway, and nothing hangs.
"""

from __future__ import annotations

import email.utils
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from .fakeserver import Blackhole, FakeProviderServer, Fault, closed_port
from .faultkit import ATTEMPTS, MAX_RETRY_WAIT, TIMEOUT, Sandbox, serve_defaults

pytestmark = pytest.mark.e2e

#: Start-up of a Python subprocess plus scheduling noise on a loaded 2-core machine.
SLACK = 4.0
#: The longest a run may take when every attempt of one provider times out.
TIMEOUT_BOUND = TIMEOUT * ATTEMPTS + MAX_RETRY_WAIT * (ATTEMPTS - 1) + SLACK


@dataclass
class Case:
    id: str
    provider: str
    faults: list[Fault] = field(default_factory=list)
    expect: str = "synced"
    """"synced", or the error title the provider must fail with."""
    requests: int | None = None
    """Requests the provider must have received (None: don't check); for faults aimed at one
    path, requests to that path."""
    detail: str = ""
    """A phrase the error must contain."""
    model_sync: dict[str, Any] = field(default_factory=dict)
    setup: Callable[[Sandbox], None] | None = None
    bounded: bool = False
    """Must finish within TIMEOUT_BOUND."""


def _http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


QUOTA_BODY = {"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "code": "insufficient_quota"}}
GEMINI_429 = {
    "error": {
        "code": 429,
        "message": "Resource has been exhausted (e.g. check quota).",
        "status": "RESOURCE_EXHAUSTED",
        "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.1s"}],
    }
}
GEMINI_QUOTA_DAY = {
    "error": {
        "code": 429,
        "message": "You exceeded your current quota.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}],
    }
}
#: xAI requests its three lists at once, so a fault meant for the main list names its path;
#: the other two lists are answered normally and counted apart.
XAI_MODELS = "/v1/models"
HTML_PAGE = "<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Oops</h1></body></html>"


def _wrong_key(provider: str) -> Callable[[Sandbox], None]:
    def setup(sb: Sandbox) -> None:
        var = {"openai": "OPENAI_API_KEY", "gemini": "GEMINI_API_KEY", "xai": "XAI_API_KEY"}[provider]
        sb.env_extra[var] = "a-wrong-key-0123456789abcdef"

    return setup


def _extra(provider: str, **values: Any) -> Callable[[Sandbox], None]:
    def setup(sb: Sandbox) -> None:
        sb.server.providers[provider].extra.update(values)

    return setup


def _cross_host_redirect(sb: Sandbox) -> None:
    other = FakeProviderServer().start()
    serve_defaults(other)
    sb.other = other  # type: ignore[attr-defined]
    sb.server.fault("openai", Fault(redirect=other.base_url("openai") + "/models"))


CASES: list[Case] = [
    # --- rate limits: honoured up to the cap, then "Rate limit exceeded"
    Case("429-retry-after-seconds-then-ok", "openai", [Fault(status=429, headers={"retry-after": "0"})], requests=2),
    Case("429-retry-after-http-date-then-ok", "xai", [Fault(status=429, headers={"retry-after": _http_date(-5)}, path=XAI_MODELS)], requests=2),
    Case("429-retry-after-ms-then-ok", "openai", [Fault(status=429, headers={"retry-after-ms": "50"})], requests=2),
    Case("429-gemini-retryDelay-then-ok", "gemini", [Fault(status=429, body=GEMINI_429)], requests=2),
    Case("429-retry-after-over-cap", "openai", [Fault(status=429, headers={"retry-after": "3600"})], "Rate limit exceeded", requests=1, detail="cap"),
    Case("429-http-date-over-cap", "xai", [Fault(status=429, headers={"retry-after": _http_date(3600)}, path=XAI_MODELS)], "Rate limit exceeded", requests=1),
    Case("429-every-attempt", "openai", [Fault(status=429, headers={"retry-after": "0"}, repeat=ATTEMPTS)], "Rate limit exceeded", requests=ATTEMPTS),
    # --- 5xx: retried, then synced
    *[Case(f"{s}-then-ok", "gemini", [Fault(status=s, body={"error": {"message": "overloaded"}})], requests=2) for s in (500, 502, 503, 529)],
    Case("503-every-attempt", "xai", [Fault(status=503, repeat=ATTEMPTS, path=XAI_MODELS)], "Provider unavailable", requests=ATTEMPTS),
    Case("500-x-should-retry-false", "openai", [Fault(status=500, headers={"x-should-retry": "false"})], "Provider unavailable", requests=1),
    # --- not retried: exhausted quota, bad keys
    Case("quota-openai-not-retried", "openai", [Fault(status=429, body=QUOTA_BODY)], "Quota exceeded", requests=1),
    Case("quota-gemini-per-day-not-retried", "gemini", [Fault(status=429, body=GEMINI_QUOTA_DAY)], "Quota exceeded", requests=1),
    Case("bad-key-openai-401", "openai", expect="Invalid API key", requests=1, setup=_wrong_key("openai")),
    Case("bad-key-gemini-400", "gemini", expect="Invalid API key", requests=1, setup=_wrong_key("gemini")),
    # xAI asks for its three lists at once: each is refused once, none is retried.
    Case("bad-key-xai-400", "xai", expect="Invalid API key", requests=3, setup=_wrong_key("xai")),
    # --- network: "API timeout" within timeout x attempts, never a hang
    Case("connect-refused", "openai", expect="API timeout", detail="cannot connect", bounded=True),
    Case("connect-timeout", "gemini", expect="API timeout", bounded=True),
    Case("accepts-never-answers", "xai", [Fault(hang=True, repeat=ATTEMPTS, path=XAI_MODELS)], "API timeout", requests=ATTEMPTS, bounded=True),
    Case("body-stalls-half-way", "openai", [Fault(stall=True, repeat=ATTEMPTS)], "API timeout", requests=ATTEMPTS, bounded=True),
    Case("body-drips-past-deadline", "openai", [Fault(drip=0.2, repeat=ATTEMPTS)], "API timeout", requests=ATTEMPTS, bounded=True),
    Case("hang-once-then-ok", "gemini", [Fault(hang=True)], requests=2, bounded=True),
    # --- garbage: "Bad response", nothing written for that provider
    Case("malformed-json", "openai", [Fault(body_override='{"object": "list", "data": [')], "Bad response", detail="not valid JSON"),
    Case("html-page-with-200", "gemini", [Fault(body_override=HTML_PAGE)], "Bad response", detail="HTML"),
    Case("empty-body-200", "xai", [Fault(body_override="", path=XAI_MODELS)], "Bad response"),
    Case("optional-list-garbage", "xai", [Fault(body_override="<html>maintenance</html>", path="/language-models")], "Bad response"),
    Case("list-is-a-string", "openai", [Fault(status=200, body={"object": "list", "data": "gpt-4o"})], "Bad response"),
    Case("truncated-json-complete-transfer", "gemini", [Fault(body_override='{"models": [{"name": "models/gemini-2.5-pro", "displayName": "Gem')], "Bad response"),
    Case("connection-cut-mid-body", "openai", [Fault(truncate=True, repeat=ATTEMPTS)], "Bad response", detail="cut off", bounded=True),
    Case("body-over-size-cap-declared", "openai", [Fault(huge=3_000_000)], "Bad response", requests=1, detail="cap", model_sync={"max_response_mb": 1}),
    Case("body-over-size-cap-chunked", "xai", [Fault(huge=3_000_000, chunked=True, path=XAI_MODELS)], "Bad response", requests=1, detail="cap", model_sync={"max_response_mb": 1}),
    Case("chunked-body-under-cap-ok", "openai", [Fault(chunked=True)], requests=1),
    Case("page-token-repeats", "gemini", expect="Bad response", detail="repeats", setup=_extra("gemini", repeat_token=True, max_page_size=2)),
    Case("page-tokens-never-end", "gemini", expect="Bad response", detail="pages", setup=_extra("gemini", endless_tokens=True, max_page_size=1)),
    # --- redirects: same host followed, another host never sees the key
    Case("redirect-same-host-followed", "openai", [Fault(redirect="/openai/v1/models", redirect_status=307)], requests=2),
    Case("redirect-loop-stops", "openai", [Fault(redirect="/openai/v1/models", repeat=10)], "Bad response", detail="redirects"),
    Case("redirect-other-host-refused", "openai", expect="Bad response", detail="another host", requests=1, setup=_cross_host_redirect),
]


@pytest.fixture
def server():
    with FakeProviderServer() as srv:
        serve_defaults(srv)
        yield srv


def _run_case(case: Case, server: FakeProviderServer, tmp_path) -> tuple[Sandbox, dict[str, Any], float, Any]:
    sb = Sandbox(tmp_path, server, model_sync=dict(case.model_sync))
    blackhole = None
    if case.id == "connect-refused":
        sb.provider_extra[case.provider] = {}
        port = closed_port()
        sb.write_config()
        sb.config.write_text(sb.config.read_text().replace(server.base_url(case.provider), f"http://127.0.0.1:{port}/v1"))
    elif case.id == "connect-timeout":
        blackhole = Blackhole()
        sb.write_config()
        sb.config.write_text(sb.config.read_text().replace(server.base_url(case.provider), f"http://127.0.0.1:{blackhole.port}/v1beta"))
    if case.setup:
        case.setup(sb)
    if case.bounded:
        # The first command on a new store fills it from the bundled price catalog, once: the
        # bound is on the sync's network behaviour, so that happens before the clock starts.
        assert sb.run("usage", "report").returncode == 0
    if case.faults:
        server.fault(case.provider, *case.faults)
    start = time.monotonic()
    try:
        result = sb.run("sync-models", "--json", timeout=60)
    finally:
        elapsed = time.monotonic() - start
        if blackhole is not None:
            blackhole.close()
    assert result.stdout.strip(), f"no JSON on stdout; stderr: {result.stderr}"
    return sb, json.loads(result.stdout), elapsed, result


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_faulty_provider_fails_alone_with_the_right_message_and_writes_nothing(case: Case, server: FakeProviderServer, tmp_path) -> None:
    sb, report, elapsed, result = _run_case(case, server, tmp_path)
    try:
        by_slug = {p["provider"]: p for p in report["providers"]}
        mine = by_slug[case.provider]
        for other in {"openai", "gemini", "xai"} - {case.provider}:
            assert by_slug[other]["status"] == "ok", (other, by_slug[other])
            assert sb.model_ids(other), f"{other} was not written although only {case.provider} was faulted"
        if case.expect == "synced":
            assert mine["status"] == "ok", mine
            assert result.returncode == 0, result.stderr
            assert sb.model_ids(case.provider) == {m.get("id") or m["name"].split("/", 1)[1] for m in server.providers[case.provider].models}
        else:
            assert mine["status"] == "failed", mine
            assert mine["error"].startswith(case.expect), mine
            assert case.detail.lower() in mine["error"].lower(), mine
            assert mine["hint"], "every error carries a hint of what to do"
            assert result.returncode == 1
            assert sb.model_ids(case.provider) == set(), "a failed provider must not write models"
            rows = sb.sql("SELECT status, error FROM sync_run WHERE provider = ?", (case.provider,))
            assert rows and rows[-1][0] == "failed" and rows[-1][1].startswith(case.expect), rows
        if case.requests is not None and case.provider in server.providers and case.id not in ("connect-refused", "connect-timeout"):
            paths = {f.path for f in case.faults if f.path}
            seen = [r for r in server.requests(case.provider) if not paths or any(r["path"].endswith(p) for p in paths)]
            assert len(seen) == case.requests, server.requests(case.provider)
        if case.bounded:
            assert elapsed < TIMEOUT_BOUND, f"took {elapsed:.1f}s, bound {TIMEOUT_BOUND:.1f}s"
        if case.id == "redirect-other-host-refused":
            other = sb.other  # type: ignore[attr-defined]
            assert other.requests("openai") == [], "the key travelled to another host"
    finally:
        if hasattr(sb, "other"):
            sb.other.stop()


#: A list with items that name no model beside one good model, for each provider: each bad item is
#: skipped alone. One sync covers the three providers, each list with its own kind of bad item.
BAD_ITEMS = [
    ("openai", Fault(status=200, body={"data": [{"id": 42, "object": "model"}, {"id": "gpt-4o", "object": "model", "created": 1715367049}]}), "gpt-4o"),
    ("gemini", Fault(status=200, body={"models": ["models/gemini-pro", {"name": "models/gemini-2.0-flash"}]}), "gemini-2.0-flash"),
    ("xai", Fault(status=200, body={"data": [1, 2, {"id": "grok-3", "object": "model"}]}, path=XAI_MODELS), "grok-3"),
]


def test_an_item_naming_no_model_is_skipped_alone_with_a_warning(server: FakeProviderServer, tmp_path) -> None:
    sb = Sandbox(tmp_path, server)
    for provider, fault, _ in BAD_ITEMS:
        server.fault(provider, fault)
    result = sb.run("sync-models", "--json", timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    report = {p["provider"]: p for p in json.loads(result.stdout)["providers"]}
    warned = [line.lower() for line in result.stderr.splitlines() if "naming no model" in line]
    for provider, _, good in BAD_ITEMS:
        assert report[provider]["status"] == "ok", report[provider]
        ids = sb.model_ids(provider)
        assert good in ids, ids
        assert all(isinstance(i, str) and i and not i.isdigit() for i in ids), ids
        assert sum(line.startswith(f"{provider}: warning: skipped") for line in warned) == 1, result.stderr


def _prime(sb: Sandbox) -> None:
    result = sb.run("sync-models", "--json")
    assert result.returncode == 0, result.stderr


def test_an_empty_list_keeps_every_model_and_says_why(server: FakeProviderServer, tmp_path) -> None:
    sb = Sandbox(tmp_path, server)
    _prime(sb)
    before = sb.model_ids("openai", status="active")
    server.providers["openai"].models = []
    result = sb.run("sync-models", "--json")
    report = {p["provider"]: p for p in json.loads(result.stdout)["providers"]}
    assert "warning" in report["openai"], report["openai"]
    assert sb.model_ids("openai", status="active") == before
    assert sb.model_ids("openai", status="missing") == set()


def test_a_list_that_drops_most_models_keeps_them_and_says_why(server: FakeProviderServer, tmp_path) -> None:
    sb = Sandbox(tmp_path, server)
    _prime(sb)
    before = sb.model_ids("gemini", status="active")
    server.providers["gemini"].models = server.providers["gemini"].models[:1]
    result = sb.run("sync-models", "--json")
    report = {p["provider"]: p for p in json.loads(result.stdout)["providers"]}
    assert "warning" in report["gemini"], report["gemini"]
    assert sb.model_ids("gemini", status="active") == before
    assert "--accept-shrink" in report["gemini"]["warning"]
    # --force only ignores cache_ttl: the shrunken list is still held back.
    forced = sb.run("sync-models", "--json", "--force", "--provider", "gemini")
    assert forced.returncode == 0, forced.stderr
    assert sb.model_ids("gemini", status="missing") == set()
    # --accept-shrink is the user's way to accept it.
    accepted = sb.run("sync-models", "--json", "--accept-shrink", "--provider", "gemini")
    assert accepted.returncode == 0, accepted.stderr
    assert len(sb.model_ids("gemini", status="missing")) == len(before) - 1


def test_a_failed_provider_keeps_its_previous_models_untouched(server: FakeProviderServer, tmp_path) -> None:
    sb = Sandbox(tmp_path, server)
    _prime(sb)
    snapshot = sb.sql("SELECT m.model_id, m.status, m.last_synced_at FROM model m JOIN provider p ON p.id = m.provider_id WHERE p.slug = 'xai' ORDER BY 1")
    server.fault("xai", Fault(body_override="<html>maintenance</html>"))
    result = sb.run("sync-models", "--json")
    assert result.returncode == 1
    after = sb.sql("SELECT m.model_id, m.status, m.last_synced_at FROM model m JOIN provider p ON p.id = m.provider_id WHERE p.slug = 'xai' ORDER BY 1")
    assert after == snapshot
