"""Fuzzing every adapter's parser: arbitrary JSON and mutated recorded bodies go in;
models or `BadResponse` come out, never another exception (which would surface as a crash or a
confusing "unexpected TypeError" instead of "Bad response").

Parametrized over `registry.ADAPTERS`, so an adapter added tomorrow is fuzzed without touching
this file. Derandomized: the same examples every run, so CI never flakes on a fresh seed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from aisync_tui.config import KNOWN_PROVIDERS, ProviderSettings
from aisync_tui.domain import RemoteModel
from aisync_tui.errors import BadResponse
from aisync_tui.providers.http import HttpClient, HttpOptions
from aisync_tui.providers.registry import ADAPTERS, adapter_class

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KINDS = sorted(ADAPTERS)
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    # No shrinking: a failure prints its (unshrunk) body at once instead of spending minutes.
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    database=None,
)


def _adapter(kind: str) -> Any:
    spec = next((s for s in KNOWN_PROVIDERS.values() if s.kind == kind), None)
    slug = spec.slug if spec else f"fuzz-{kind}"
    settings_ = ProviderSettings(
        slug, slug, kind, True, ("AISYNC_FUZZ_UNSET",), "http://127.0.0.1:9/v1", api_key="fuzz-key-0123456789", needs_key=False
    )
    client = HttpClient(HttpOptions(retry_attempts=1), sleep=lambda s: None)
    return adapter_class(kind)(settings_, client, lambda e: None)


def _sample(body: Any) -> Any:
    """The recording with every list cut to its first 6 items: the same shapes, a fraction of
    the size, so each fuzzed example parses in microseconds."""
    if isinstance(body, list):
        return [_sample(v) for v in body[:6]]
    if isinstance(body, dict):
        return {k: _sample(v) for k, v in body.items()}
    return body


def _recorded() -> list[tuple[str, Any]]:
    out = []
    for path in sorted(FIXTURES.rglob("*.json")):
        try:
            out.append((path.name, _sample(json.loads(path.read_text()))))
        except (ValueError, UnicodeDecodeError):
            continue
    return out


RECORDED = _recorded()

#: Keys the parsers look for, so generated objects reach past the first type check.
KEYS = st.sampled_from(
    ["data", "models", "id", "name", "object", "created", "owned_by", "type", "displayName", "display_name",
     "inputTokenLimit", "outputTokenLimit", "supportedGenerationMethods", "context_length", "context_window",
     "max_tokens", "pricing", "prompt", "completion", "architecture", "input_modalities", "output_modalities",
     "aliases", "prompt_text_token_price", "completion_text_token_price", "long_context_threshold", "details",
     "modified_at", "size", "active", "capabilities", "created_at", "nextPageToken", "has_more", "last_id",
     "thinking", "top_provider", "max_context_length", "deprecation", "model", "family", "parameter_size",
     "metadata", "tags", "input_tokens", "output_tokens", "per_image_unit", "input_seconds", "kind", "supports_chat",
     "supports_tools", "supports_image_input", "endpoints", "features", "is_deprecated", "next_page_token",
     "providers", "provider", "status", "input", "output", "supports_structured_output", "modelSummaries", "modelId",
     "inputModalities", "outputModalities", "modelLifecycle", "inferenceProfileSummaries", "inferenceProfileId",
     "publisherModels", "deployments", "lifecycle_status", "chat_completion", "inference", "created_at"]
)
SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(max_size=30)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS | st.text(max_size=10), inner, max_size=6),
    max_leaves=20,
)
#: A small value for one field: a scalar, or a short list or object of scalars.
VALUE = SCALARS | st.lists(SCALARS, max_size=3) | st.dictionaries(KEYS, SCALARS, max_size=3)
#: Shaped like a model list: {"data"|"models": [objects with the usual keys and any values]}.
MODEL = st.dictionaries(KEYS, VALUE, min_size=1, max_size=8)
LISTISH = st.builds(lambda key, items: {key: items}, st.sampled_from(["data", "models"]), st.lists(MODEL, max_size=3)) | st.lists(
    MODEL, max_size=3
)


def _check(adapter: Any, body: Any) -> None:
    try:
        models = adapter.parse(body)
    except BadResponse:
        return
    assert isinstance(models, list)
    for m in models:
        assert isinstance(m, RemoteModel)
        assert isinstance(m.model_id, str) and m.model_id
        assert m.provider == adapter.slug
        for value in (m.context_length, m.max_output_tokens):
            assert value is None or (isinstance(value, int) and value > 0)
        price = getattr(m, "price", None)
        if price is not None:
            for name in ("input", "output", "cached_input"):
                v = getattr(price, name, None)
                assert v is None or v.is_finite(), f"{name} price {v} is not a finite number"


def _mutate(data: st.DataObject, body: Any, depth: int = 0) -> Any:
    """Replace, drop or retype one spot deep in a recorded body."""
    if isinstance(body, dict) and body and depth < 6:
        key = data.draw(st.sampled_from(sorted(body)))
        action = data.draw(st.sampled_from(["descend", "replace", "drop", "descend"]))
        out = dict(body)
        if action == "drop":
            del out[key]
        elif action == "replace":
            out[key] = data.draw(JSON)
        else:
            out[key] = _mutate(data, body[key], depth + 1)
        return out
    if isinstance(body, list) and body and depth < 6:
        i = data.draw(st.integers(0, len(body) - 1))
        action = data.draw(st.sampled_from(["descend", "replace", "truncate", "duplicate", "descend"]))
        out_list = list(body)
        if action == "truncate":
            return out_list[:i]
        if action == "duplicate":
            return out_list + [out_list[i]]
        out_list[i] = data.draw(JSON) if action == "replace" else _mutate(data, body[i], depth + 1)
        return out_list
    return data.draw(JSON)


def _bodies_for(kind: str) -> list[Any]:
    own = [body for name, body in RECORDED if name.split("__")[0].split(".")[0].split("_")[0] == kind.split("-")[0]]
    return own or [body for _, body in RECORDED]


@pytest.mark.parametrize("kind", KINDS)
def test_every_adapter_survives_arbitrary_json(kind: str) -> None:
    adapter = _adapter(kind)

    @FUZZ
    @given(JSON)
    def run(body: Any) -> None:
        _check(adapter, body)

    run()


@pytest.mark.parametrize("kind", KINDS)
def test_every_adapter_survives_model_lists_with_wrong_types(kind: str) -> None:
    adapter = _adapter(kind)

    @FUZZ
    @given(LISTISH)
    def run(body: Any) -> None:
        _check(adapter, body)

    run()


@pytest.mark.parametrize("kind", KINDS)
def test_every_adapter_survives_mutated_recorded_bodies(kind: str) -> None:
    adapter = _adapter(kind)
    bodies = _bodies_for(kind) + [body for _, body in RECORDED[:4]]

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        body = data.draw(st.sampled_from(bodies))
        for _ in range(data.draw(st.integers(1, 3))):
            body = _mutate(data, body)
        _check(adapter, body)

    run()


@pytest.mark.parametrize("kind", KINDS)
def test_every_adapter_parses_its_own_recorded_bodies_unchanged(kind: str) -> None:
    # The baseline for the mutations above: an unmutated recording is models or BadResponse too.
    adapter = _adapter(kind)
    for path in sorted(FIXTURES.rglob("*.json")):
        try:
            body = json.loads(path.read_text())
        except (ValueError, UnicodeDecodeError):
            continue
        _check(adapter, body)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "field,value",
    [("aliases", True), ("aliases", "grok"), ("input_modalities", {"a": 1}), ("supportedGenerationMethods", 7),
     ("pricing", ["0.1"]), ("pricing", {"prompt": "NaN", "completion": "-Infinity"}), ("context_length", float("inf")),
     ("created", float("nan")), ("created", 10**30), ("architecture", "text"), ("details", []), ("capabilities", "vision")],
)
def test_every_adapter_turns_known_wrong_types_into_models_or_bad_response(kind: str, field: str, value: Any) -> None:
    # Wrong types seen in the wild or found by the fuzzer, pinned so they stay fixed.
    adapter = _adapter(kind)
    for item in ({"id": "m-1", "name": "models/m-1", "model": "m-1", field: value},):
        for body in ({"data": [item]}, {"models": [item]}, [item]):
            _check(adapter, body)


def test_the_fuzzer_covers_every_registered_adapter() -> None:
    assert KINDS == sorted(ADAPTERS) and len(KINDS) >= 3
    assert RECORDED, "no recorded bodies found under tests/fixtures"
    assert not math.isnan(0.0)
