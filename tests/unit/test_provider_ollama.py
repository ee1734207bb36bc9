"""Ollama: tags + bounded concurrent show calls, context length from model_info, capabilities,
and a stopped server reported once as "Not running" (respx)."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone

import httpx
import pytest
import respx

from aisync_tui.errors import BadResponse, NotRunning
from aisync_tui.providers.ollama import SHOW_CONCURRENCY
from tests.helpers import fixture_json
from tests.unit.provider_helpers import make

BASE = "http://localhost:11434"


def test_tags_alone_give_names_dates_and_details():
    models = {m.model_id: m for m in make("ollama", key=None).parse(fixture_json("examples/ollama.json"))}
    assert list(models) == ["deepseek-r1:latest", "llama3.2:latest", "gpt-oss:120b-cloud"]
    r1 = models["deepseek-r1:latest"]
    # 08:06:48.639712648-07:00 (nanoseconds, local offset) is 15:06:48.639712 UTC.
    assert r1.created_at == datetime(2025, 5, 10, 15, 6, 48, 639712, tzinfo=timezone.utc)
    assert r1.description == "7.6B, Q4_K_M, gguf" and r1.owned_by == "qwen2"
    assert r1.context_length is None  # only /api/show knows it
    assert "cloud (https://ollama.com:443)" in models["gpt-oss:120b-cloud"].description


def test_show_gives_context_length_from_the_architecture_key_and_capabilities():
    tags = fixture_json("examples/ollama.json")
    show = fixture_json("examples/ollama_show.json")
    embed_show = {"model_info": {"general.architecture": "nomic-bert", "nomic-bert.context_length": 2048}, "capabilities": ["embedding"]}
    think_show = {"model_info": {"general.architecture": "qwen2", "qwen2.context_length": 131072}, "capabilities": ["completion", "tools", "thinking"]}
    models = {m.model_id: m for m in make("ollama", key=None).parse_all(tags, {"llama3.2:latest": show, "deepseek-r1:latest": think_show, "gpt-oss:120b-cloud": embed_show})}
    llama = models["llama3.2:latest"]
    assert llama.context_length == 8192 and "vision" in llama.capabilities and "image" in llama.input_modalities
    assert llama.description == "8.0B, Q4_0, gguf"  # show's details win over the tag list's
    r1 = models["deepseek-r1:latest"]
    assert r1.context_length == 131072 and {"reasoning", "functions", "chat"} <= r1.capabilities
    assert models["gpt-oss:120b-cloud"].type == "embedding"
    # The stored raw payload leaves out the bulky template/modelfile/token lists.
    assert "modelfile" not in llama.raw["show"] and "tokenizer.ggml.tokens" not in llama.raw["show"]["model_info"]


def test_missing_and_null_fields_stay_unknown():
    tags = {"models": [{"name": "x:latest", "modified_at": None, "details": None}, {"model": "nomic-embed-text:latest"}]}
    models = {m.model_id: m for m in make("ollama", key=None).parse_all(tags, {"x:latest": {"model_info": None, "capabilities": None}})}
    x = models["x:latest"]
    assert (x.created_at, x.context_length, x.description, x.type) == (None, None, None, "chat")
    assert models["nomic-embed-text:latest"].type == "embedding"  # an old server without capabilities: by name


@pytest.mark.parametrize("tags", [{"data": []}, {"models": "x"}, []])
def test_garbage_tags_are_a_bad_response(tags):
    with pytest.raises(BadResponse):
        make("ollama", key=None).parse(tags)


def test_a_show_body_that_is_not_an_object_is_a_bad_response():
    with pytest.raises(BadResponse):
        make("ollama", key=None).parse_all({"models": [{"name": "a"}]}, {"a": ["nope"]})


@respx.mock
def test_fetch_shows_every_model_concurrently_but_bounded_and_sends_no_key():
    names = [f"m{i}:latest" for i in range(10)]
    respx.get(f"{BASE}/api/tags").mock(return_value=httpx.Response(200, json={"models": [{"name": n} for n in names]}))
    lock = threading.Lock()
    inflight = {"now": 0, "max": 0}

    def show(request: httpx.Request) -> httpx.Response:
        with lock:
            inflight["now"] += 1
            inflight["max"] = max(inflight["max"], inflight["now"])
        time.sleep(0.02)
        with lock:
            inflight["now"] -= 1
        name = json.loads(request.content)["model"]
        return httpx.Response(200, json={"model_info": {"general.architecture": "llama", "llama.context_length": 1000 + int(name[1])}, "capabilities": ["completion"]})

    route = respx.post(f"{BASE}/api/show").mock(side_effect=show)
    models = make("ollama", key=None).fetch()
    assert [m.context_length for m in models] == [1000 + i for i in range(10)]
    assert route.call_count == 10
    assert 1 < inflight["max"] <= SHOW_CONCURRENCY
    assert all("authorization" not in c.request.headers for c in route.calls)


@respx.mock
def test_a_model_deleted_between_tags_and_show_keeps_its_tag_data():
    respx.get(f"{BASE}/api/tags").mock(return_value=httpx.Response(200, json={"models": [{"name": "gone:latest"}, {"name": "here:latest"}]}))
    respx.post(f"{BASE}/api/show").mock(side_effect=lambda r: httpx.Response(404, json={"error": "model 'gone:latest' not found"})
                                        if b"gone" in r.content else httpx.Response(200, json={"capabilities": ["completion", "vision"]}))
    models = {m.model_id: m for m in make("ollama", key=None).fetch()}
    assert set(models) == {"gone:latest", "here:latest"} and "vision" in models["here:latest"].capabilities


@respx.mock
def test_a_stopped_ollama_is_one_not_running_error_without_retries():
    route = respx.get(f"{BASE}/api/tags").mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(NotRunning) as exc:
        make("ollama", key=None, retry_attempts=3).fetch()
    assert route.call_count == 1
    assert "ollama serve" in exc.value.line()


@respx.mock
def test_ollama_host_base_url_and_optional_cloud_key_are_used():
    tags = respx.get("http://10.0.0.5:11434/api/tags").mock(return_value=httpx.Response(200, json={"models": []}))
    assert make("ollama", key="ollama-cloud-0123456789", base_url="http://10.0.0.5:11434").fetch() == []
    assert tags.calls[0].request.headers["authorization"] == "Bearer ollama-cloud-0123456789"


@pytest.mark.parametrize(
    "value, url",
    [
        ("0.0.0.0", "http://127.0.0.1:11434"),  # the documented way to expose Ollama: a client means this machine
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("gpu-box", "http://gpu-box:11434"),  # no port: Ollama's, not 80
        ("127.0.0.1:11434", "http://127.0.0.1:11434"),
        ("https://ollama.example.com/", "https://ollama.example.com"),
    ],
)
def test_ollama_host_is_read_the_way_ollama_reads_it(value, url, monkeypatch):
    from aisync_tui.config import load_settings

    monkeypatch.setenv("OLLAMA_HOST", value)
    assert load_settings(environ={"AISYNC_CONFIG": ""}).providers["ollama"].base_url == url
