"""Ollama: tags + bounded concurrent show calls, context length from model_info, capabilities,
one model's unusable show failing only that model, and a stopped server reported once as
"Not running" (respx)."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone

import httpx
import pytest
import respx

from aisync_tui import bounds
from aisync_tui.errors import BadResponse, InvalidApiKey, NotRunning
from aisync_tui.events import Event, Warning
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


GOOD_SHOW = {"model_info": {"general.architecture": "llama", "llama.context_length": 8192}, "capabilities": ["completion", "vision"]}


def _warnings(events):
    return [e for e in events if isinstance(e, Warning)]


@pytest.mark.parametrize("answer, said", [(["nope"], "a list"), ("nope", "text"), (42, "a number"), (None, "null")])
def test_a_show_answer_that_is_not_an_object_fails_only_its_model_which_keeps_the_tag_facts(answer, said):
    events: list[Event] = []
    tags = {"models": [{"name": "bad:latest", "details": {"family": "llama", "parameter_size": "8B"}}, {"name": "good:latest"}]}
    models = {m.model_id: m for m in make("ollama", key=None, events=events).parse_all(tags, {"bad:latest": answer, "good:latest": GOOD_SHOW})}
    bad = models["bad:latest"]
    assert (bad.description, bad.owned_by) == ("8B", "llama")  # the tag list's facts stand
    # What only /api/show could tell is unknown: no context length, no capabilities, no guessed type.
    assert (bad.context_length, bad.capabilities, bad.stated, bad.type, bad.input_modalities) == (None, frozenset(), frozenset(), "other", ())
    good = models["good:latest"]
    assert good.context_length == 8192 and "vision" in good.capabilities
    [warning] = _warnings(events)
    assert warning.provider == "ollama"
    assert "bad:latest" in warning.message and said in warning.message and "check the Ollama server" in warning.message
    assert "good:latest" not in warning.message


def test_show_fields_of_the_wrong_kind_are_refused_alone_and_the_rest_is_used():
    show = {"model_info": {"general.architecture": "llama", "llama.context_length": 4096}, "capabilities": "vision", "details": 5}
    with bounds.collect() as refused:
        [model] = make("ollama", key=None).parse_all({"models": [{"name": "m:latest"}]}, {"m:latest": show})
    assert model.context_length == 4096
    assert (model.capabilities, model.stated, model.type) == (frozenset(), frozenset(), "other")  # not guessed from the name
    assert sorted(r.field for r in refused) == ["'m:latest': capabilities", "'m:latest': details"]
    with bounds.collect() as refused:
        [model] = make("ollama", key=None).parse_all({"models": [{"name": "m:latest"}]}, {"m:latest": {"model_info": [1], "capabilities": ["completion"]}})
    assert model.context_length is None and model.type == "chat"
    assert [r.field for r in refused] == ["'m:latest': model_info"]


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
    events: list[Event] = []
    models = {m.model_id: m for m in make("ollama", key=None, events=events).fetch()}
    assert set(models) == {"gone:latest", "here:latest"} and "vision" in models["here:latest"].capabilities
    assert _warnings(events) == []  # deleted meanwhile: nothing to fix


def _show_by_name(answers):
    def show(request: httpx.Request) -> httpx.Response:
        return answers.get(json.loads(request.content)["model"], httpx.Response(200, json=GOOD_SHOW))

    return show


@respx.mock
def test_a_show_that_answers_garbage_or_http_500_fails_only_its_model():
    names = ["ok1:latest", "list:latest", "text:latest", "number:latest", "html:latest", "err:latest", "ok2:latest"]
    respx.get(f"{BASE}/api/tags").mock(return_value=httpx.Response(200, json={"models": [{"name": n} for n in names]}))
    answers = {
        "list:latest": httpx.Response(200, json=["completion"]),
        "text:latest": httpx.Response(200, json="nope"),
        "number:latest": httpx.Response(200, json=7),
        "html:latest": httpx.Response(200, text="<html>proxy error</html>", headers={"content-type": "text/html"}),
        "err:latest": httpx.Response(500, json={"error": "llama runner process has terminated"}),
    }
    respx.post(f"{BASE}/api/show").mock(side_effect=_show_by_name(answers))
    events: list[Event] = []
    models = {m.model_id: m for m in make("ollama", key=None, events=events).fetch()}
    assert list(models) == names  # every model stays
    for name in ("ok1:latest", "ok2:latest"):
        assert models[name].context_length == 8192 and "vision" in models[name].capabilities
    for name in answers:
        assert (models[name].context_length, models[name].capabilities, models[name].type) == (None, frozenset(), "other")
    warnings = _warnings(events)
    assert len(warnings) == len(answers) and all(w.provider == "ollama" for w in warnings)
    by_model = {name: w.message for w in warnings for name in answers if f"kept {name} " in w.message}
    assert set(by_model) == set(answers)
    assert "a list, not an object" in by_model["list:latest"] and "HTTP 500" in by_model["err:latest"]
    assert all(f"`ollama show {name}`" in message for name, message in by_model.items())


@respx.mock
def test_when_every_show_fails_the_tag_facts_stand_and_it_is_said_once():
    names = ["a:latest", "b:latest", "c:latest"]
    respx.get(f"{BASE}/api/tags").mock(return_value=httpx.Response(200, json={"models": [{"name": n, "details": {"family": "llama"}} for n in names]}))
    respx.post(f"{BASE}/api/show").mock(return_value=httpx.Response(500, text="Internal Server Error"))
    events: list[Event] = []
    models = make("ollama", key=None, events=events).fetch()
    assert [m.model_id for m in models] == names and all(m.owned_by == "llama" and m.context_length is None for m in models)
    [warning] = _warnings(events)
    assert "all 3 models" in warning.message and "HTTP 500" in warning.message and "check the Ollama server" in warning.message


@respx.mock
def test_a_show_refused_for_the_key_still_fails_the_provider():
    # A bad ollama.com key speaks for every model, not one: the provider's error says what to fix.
    respx.get(f"{BASE}/api/tags").mock(return_value=httpx.Response(200, json={"models": [{"name": "a:latest"}]}))
    respx.post(f"{BASE}/api/show").mock(return_value=httpx.Response(401, json={"error": "unauthorized"}))
    with pytest.raises(InvalidApiKey):
        make("ollama", key="ollama-cloud-0123456789").fetch()


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
