"""Fuzzing every adapter's parser: arbitrary JSON and mutated recorded bodies go in;
models or `BadResponse` come out, never another exception (which would surface as a crash or a
confusing "unexpected TypeError" instead of "Bad response").

Parametrized over `registry.ADAPTERS`, so an adapter added tomorrow is fuzzed without touching
this file. Derandomized: the same examples every run, so CI never flakes on a fresh seed.

The models.dev feed's parser gets the same treatment at the end: arbitrary and mutated api.json
documents give bounded entries (or ValueError for a document that is not an object), and one
hostile model never changes how the others are read.
"""

from __future__ import annotations

import json
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


# ------------------------------------------------------------------ models.dev

#: Keys models.dev's api.json uses, so generated objects reach past the first type check.
MD_KEYS = st.sampled_from(
    ["id", "name", "family", "models", "attachment", "reasoning", "tool_call", "structured_output", "temperature",
     "knowledge", "release_date", "last_updated", "modalities", "open_weights", "limit", "cost", "status", "input",
     "output", "context", "cache_read", "cache_write", "input_audio", "output_audio", "tiers", "tier", "type", "size",
     "env", "api", "doc"]
)
#: Values models.dev's fields have been seen or feared to hold: odd dates, numbers as text, huge ones.
MD_ODD = st.sampled_from(
    ["2024-10", "2024-10-01", "2024-13-01", "2024-02-30", "0000-01-01", "9999-12-31", "10000-01-01", "+2024-01-01",
     " 2024-01 ", "١٢٣٤-01-01", "2024-1-1", "2024", "2024-10-01T00:00:00Z", "", "deprecated", "text", "image", "audio",
     "1e308", "NaN", "-0", "1_000", "0x10", "1e-400", "Infinity", "x" * 300, "\x00\u202e", "context"]
) | st.sampled_from([0, -1, 0.5, 1e-300, 2**63, 10**30, -(10**30), float("inf"), float("nan"), True, False, None])
MD_SCALARS = SCALARS | MD_ODD
MD_VALUE = st.recursive(
    MD_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(MD_KEYS | st.text(max_size=8), inner, max_size=5), max_leaves=12
)
#: One model object: models.dev's keys, hostile values.
MD_MODEL = st.dictionaries(MD_KEYS, MD_VALUE, max_size=10)
MD_MODEL_IDS = st.sampled_from(["gpt-4o", "claude-sonnet-4", "  ", "", "x" * 300, "a/b:c", "\u202egpt"]) | st.text(max_size=12)
MD_PROVIDER_IDS = st.sampled_from(["openai", "anthropic", "google", "xai", "mistral", "togetherai", "nowhere"]) | st.text(max_size=8)
#: An api.json-shaped document: provider ids to provider objects whose `models` may be anything.
MD_DOC = st.dictionaries(
    MD_PROVIDER_IDS,
    st.fixed_dictionaries({"id": MD_SCALARS, "models": st.dictionaries(MD_MODEL_IDS, MD_MODEL | MD_VALUE, max_size=4) | MD_VALUE}) | MD_VALUE,
    max_size=4,
)


def _modelsdev_sample() -> dict[str, Any]:
    """The bundled models.dev copy cut to 3 models of each mapped provider: its real shapes."""
    from aisync_tui.pricing.modelsdev import MODELSDEV_PROVIDERS
    from aisync_tui.pricing.sources import snapshot_bytes

    api = json.loads(snapshot_bytes("modelsdev"))
    out: dict[str, Any] = {}
    for provider_id in sorted(MODELSDEV_PROVIDERS)[:12]:
        provider = api.get(provider_id)
        if isinstance(provider, dict) and isinstance(provider.get("models"), dict):
            out[provider_id] = {**provider, "models": dict(sorted(provider["models"].items())[:3])}
    return out


MODELSDEV_SAMPLE = _modelsdev_sample()


def _check_modelsdev(data: Any, providers: Any = None) -> list[Any]:
    """Entries come out bounded, or ValueError for a document that is not an object at all."""
    from datetime import date
    from decimal import Decimal

    from aisync_tui.domain import CAPABILITIES
    from aisync_tui.pricing.modelsdev import MAX_ID, MAX_LIMIT, MAX_NAME, ModelsDevEntry, parse_modelsdev

    try:
        entries, report = parse_modelsdev(data, providers)
    except ValueError:
        assert not isinstance(data, dict), "a JSON object must parse, whatever its providers hold"
        return []
    assert report.models == len(entries)
    assert all(isinstance(why, str) and len(why) < 200 for why in report.skipped)
    ceiling = Decimal("0.1")  # $100,000 per 1M tokens, per token
    for e in entries:
        assert isinstance(e, ModelsDevEntry)
        assert isinstance(e.model_id, str) and 0 < len(e.model_id) <= MAX_ID and e.model_id == e.model_id.strip()
        if providers is not None:
            assert e.provider in providers.values()
        for text, limit in ((e.name, MAX_NAME), (e.family, 64), (e.knowledge_cutoff, 10)):
            assert text is None or (isinstance(text, str) and 0 < len(text) <= limit)
        for day in (e.released_at, e.last_updated):
            assert day is None or isinstance(day, date)
        assert e.open_weights in (None, True, False)
        for n in (e.context_length, e.max_output_tokens):
            assert n is None or (type(n) is int and 0 < n <= MAX_LIMIT), f"limit {n!r}"
        assert set(e.input_modalities) | set(e.output_modalities) <= {"text", "audio", "image", "video", "pdf"}
        assert e.capabilities <= e.stated_capabilities <= set(CAPABILITIES)
        if e.price is not None:
            for tier in e.price.tiers:
                assert type(tier.threshold) is int and 0 < tier.threshold <= MAX_LIMIT, f"tier threshold {tier.threshold!r}"
            parts = [getattr(e.price, name) for name in ("input", "output", "cached_input", "cache_write", "reasoning", "audio_input", "audio_output")]
            parts += [getattr(t, name) for t in e.price.tiers for name in ("input", "output", "cached_input")]
            for v in parts:
                assert v is None or (v.is_finite() and 0 <= v <= ceiling), f"price {v!r}"
    return entries


def test_modelsdev_parser_survives_arbitrary_json() -> None:
    @FUZZ
    @given(JSON | MD_VALUE)
    def run(body: Any) -> None:
        _check_modelsdev(body)

    run()


def test_modelsdev_parser_survives_hostile_providers_and_models() -> None:
    from aisync_tui.pricing.modelsdev import MODELSDEV_PROVIDERS

    @FUZZ
    @given(MD_DOC, st.booleans())
    def run(doc: Any, mapped: bool) -> None:
        _check_modelsdev(doc, MODELSDEV_PROVIDERS if mapped else None)

    run()


def test_modelsdev_parser_survives_mutated_bundled_copy() -> None:
    from aisync_tui.pricing.modelsdev import MODELSDEV_PROVIDERS

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        body: Any = MODELSDEV_SAMPLE
        for _ in range(data.draw(st.integers(1, 3))):
            body = _mutate(data, body)
        _check_modelsdev(body, MODELSDEV_PROVIDERS)

    run()


def test_a_hostile_modelsdev_model_fails_alone() -> None:
    # Any value in place of one model, or in one field of it: every other model reads exactly as before.
    from aisync_tui.pricing.modelsdev import MODELSDEV_PROVIDERS, parse_modelsdev

    before = {(e.provider, e.model_id): e for e in parse_modelsdev(MODELSDEV_SAMPLE, MODELSDEV_PROVIDERS)[0]}
    spots = [(p, m) for p, provider in sorted(MODELSDEV_SAMPLE.items()) for m in sorted(provider["models"])]
    assert len(before) >= 10 and spots

    @FUZZ
    @given(st.sampled_from(spots), st.one_of(MD_VALUE, st.tuples(MD_KEYS, MD_VALUE)))
    def run(spot: tuple[str, str], hostile: Any) -> None:
        provider_id, model_id = spot
        doc = json.loads(json.dumps(MODELSDEV_SAMPLE))
        if isinstance(hostile, tuple):
            doc[provider_id]["models"][model_id][hostile[0]] = hostile[1]
        else:
            doc[provider_id]["models"][model_id] = hostile
        after = {(e.provider, e.model_id): e for e in _check_modelsdev(doc, MODELSDEV_PROVIDERS)}
        mine = (MODELSDEV_PROVIDERS[provider_id], model_id)
        assert {k: v for k, v in after.items() if k != mine} == {k: v for k, v in before.items() if k != mine}

    run()


@pytest.mark.parametrize(
    "field,value,read",
    [("limit", {"context": 0.5, "output": 1e-300}, {"context_length": None, "max_output_tokens": None}),
     ("limit", {"context": float("inf"), "output": 10**30}, {"context_length": None, "max_output_tokens": None}),
     ("limit", {"context": "128000", "output": True}, {"context_length": None, "max_output_tokens": None}),
     ("cost", {"input": "1e308", "output": -1, "cache_read": float("nan"), "tiers": [{"tier": {"size": 0.5}, "input": 1}]}, {"price": None}),
     ("cost", {"input": True, "tiers": "all"}, {"price": None}),
     ("release_date", "2024-02-30", {"released_at": None}), ("release_date", "10000-01-01", {"released_at": None}),
     ("knowledge", "2024-13", {"knowledge_cutoff": None}), ("knowledge", "x" * 300, {"knowledge_cutoff": None}),
     ("last_updated", 20240101, {"last_updated": None}),
     ("modalities", {"input": "text", "output": [["image"]]}, {"input_modalities": (), "output_modalities": ()}),
     ("open_weights", "yes", {"open_weights": None}), ("name", "x" * 300, {"name": None}),
     ("status", ["deprecated"], {"deprecated": False})],
)
def test_modelsdev_known_wrong_values_read_as_unknown(field: str, value: Any, read: dict[str, Any]) -> None:
    # Wrong values feared or found by the fuzzer (a limit of 0.5 once read as a limit of 0 tokens),
    # pinned so they stay read as unknown, and the model with them is still read.
    doc = {"openai": {"id": "openai", "models": {"gpt-4o": {"id": "gpt-4o", "name": "GPT-4o", field: value}}}}
    (entry,) = _check_modelsdev(doc)
    assert entry.model_id == "gpt-4o"
    assert {name: getattr(entry, name) for name in read} == read
