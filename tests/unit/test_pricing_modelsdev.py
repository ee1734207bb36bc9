"""models.dev as a source: building api.json's shape from its TOML, and reading it bounded."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisync_tui.pricing.modelsdev import build_api, parse_entry, parse_modelsdev

SLICE = Path(__file__).parents[1] / "fixtures" / "modelsdev"
BUNDLED = Path(__file__).parents[2] / "aisync_tui" / "pricing" / "data"


@pytest.fixture(scope="module")
def api() -> dict[str, Any]:
    return build_api(SLICE)


def test_every_provider_and_model_file_of_the_slice_is_built(api: dict[str, Any]) -> None:
    assert sorted(api) == ["anthropic", "openai", "openrouter"]
    assert sorted(api["openai"]["models"]) == ["gpt-4o", "gpt-4o-mini", "o3", "text-embedding-3-small"]
    assert api["openai"]["name"] == "OpenAI"
    assert api["openai"]["env"] == ["OPENAI_API_KEY"]


def test_a_nested_gateway_id_keeps_its_path(api: dict[str, Any]) -> None:
    assert list(api["openrouter"]["models"]) == ["anthropic/claude-sonnet-4.5"]


def test_a_model_inherits_its_base_models_facts_but_keeps_its_own_price(api: dict[str, Any]) -> None:
    model = api["openrouter"]["models"]["anthropic/claude-sonnet-4.5"]
    # From models/anthropic/claude-sonnet-4-5.toml, which the OpenRouter file names as base_model:
    assert model["knowledge"] == "2025-07-31"
    assert model["release_date"] == "2025-09-29"
    assert model["open_weights"] is False
    assert model["limit"]["output"] == 64_000
    # Its own: the context limit is deep-merged over the base's 200k, the price is not the base's.
    assert model["limit"]["context"] == 1_000_000
    assert model["structured_output"] is True
    assert model["cost"]["input"] == 3
    assert model["cost"]["tiers"][0]["tier"]["size"] == 200_000
    # models.dev's generator keeps the legacy key beside a single context tier.
    assert model["cost"]["context_over_200k"]["input"] == model["cost"]["tiers"][0]["input"]
    # Not inherited, and not kept: benchmarks, links, reasoning options.
    assert "benchmarks" not in model and "reasoning_options" not in model
    assert "base_model" not in model


def test_facts_and_prices_are_read_per_token_exactly(api: dict[str, Any]) -> None:
    entries, report = parse_modelsdev(api)
    assert report.models == len(entries) == 6 and not report.skipped
    gpt = next(e for e in entries if e.provider == "openai" and e.model_id == "gpt-4o")
    assert gpt.name == "GPT-4o"
    assert gpt.knowledge_cutoff == "2023-09"
    assert str(gpt.released_at) == "2024-05-13" and str(gpt.last_updated) == "2024-08-06"
    assert gpt.open_weights is False
    assert (gpt.context_length, gpt.max_output_tokens) == (128_000, 16_384)
    assert gpt.price is not None
    assert gpt.price.input == Decimal("0.0000025")
    assert gpt.price.output == Decimal("0.00001")
    assert gpt.price.cached_input == Decimal("0.00000125")
    assert {"functions", "structured_output", "vision"} <= gpt.capabilities
    assert "reasoning" not in gpt.capabilities and "reasoning" in gpt.stated_capabilities


def test_a_long_context_tier_is_kept_with_its_threshold(api: dict[str, Any]) -> None:
    entries, _ = parse_modelsdev(api)
    sonnet = next(e for e in entries if e.provider == "openrouter")
    assert sonnet.price is not None and sonnet.price.tiers
    tier = sonnet.price.tiers[0]
    assert tier.threshold == 200_000
    assert tier.input == Decimal("0.000006")


def test_a_flag_models_dev_leaves_out_is_unknown_not_false() -> None:
    entry = parse_entry("x", "m", {"name": "M", "tool_call": True})
    assert entry is not None
    assert entry.capabilities == frozenset({"functions"})
    assert entry.stated_capabilities == frozenset({"functions"})
    assert entry.open_weights is None and entry.released_at is None and entry.price is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("limit", {"context": 1e300, "output": -5}),
        ("limit", {"context": True, "output": "many"}),
        ("release_date", "2024-13-45"),
        ("release_date", "9" * 5000),
        ("knowledge", "yesterday"),
        ("cost", {"input": "1e+999999999", "output": -1}),
        ("cost", {"input": float("nan"), "output": 1e308}),
        ("modalities", {"input": ["text", "\x1b]52;c;x\x07"], "output": "text"}),
        ("name", "x" * 100_000),
    ],
)
def test_a_hostile_value_is_unknown_and_never_breaks_the_model(key: str, value: Any) -> None:
    entry = parse_entry("openai", "gpt-4o", {key: value})
    assert entry is not None and entry.model_id == "gpt-4o"
    assert entry.context_length is None and entry.max_output_tokens is None
    assert entry.released_at is None and entry.knowledge_cutoff is None
    assert entry.price is None and entry.name is None
    assert all(m in {"text", "audio", "image", "video", "pdf"} for m in entry.input_modalities)


def test_an_unusable_id_or_provider_is_counted_as_skipped() -> None:
    entries, report = parse_modelsdev({"p": {"models": {"": {}, "x" * 1000: {}, "ok": {}, "bad": []}}, "q": []})
    assert [e.model_id for e in entries] == ["ok"]
    assert len(report.skipped) == 4


def test_a_body_that_is_not_an_object_of_providers_is_refused() -> None:
    with pytest.raises(ValueError, match="not a JSON object"):
        parse_modelsdev([1, 2, 3])


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4), max_leaves=30))
def test_arbitrary_json_never_raises_anything_but_a_refusal(body: Any) -> None:
    try:
        parse_modelsdev({"p": {"models": {"m": body}}} if isinstance(body, dict) else body)
    except ValueError:
        pass


def test_the_bundled_copy_is_the_full_catalog_and_matches_its_provenance() -> None:
    raw = gzip.decompress((BUNDLED / "modelsdev.json.gz").read_bytes())
    info = json.loads((BUNDLED / "SNAPSHOT.json").read_text())["models.dev"]
    import hashlib

    assert hashlib.sha256(raw).hexdigest() == info["sha256"]
    entries, report = parse_modelsdev(json.loads(raw))
    assert report.providers > 100 and report.models == info["models"] > 4000
    assert not report.skipped
    assert (BUNDLED / "LICENSE-models.dev.txt").read_text().startswith("MIT License")


def test_bundling_writes_the_data_its_licence_and_its_provenance(tmp_path: Path) -> None:
    from aisync_tui.pricing.modelsdev import write_bundled

    info = write_bundled(SLICE, tmp_path, revision="f3fc692299671838c7c65fd8126bf84d81a2e817", revision_date="2026-07-02")
    assert info["models"] == 6 and info["revision"].startswith("f3fc692")
    data = json.loads(gzip.decompress((tmp_path / "modelsdev.json.gz").read_bytes()))
    assert data == build_api(SLICE)
    assert json.loads((tmp_path / "SNAPSHOT.json").read_text())["models.dev"] == info
    assert (tmp_path / "LICENSE-models.dev.txt").read_text().startswith("MIT License")


def test_only_mapped_providers_are_read_and_under_our_slugs() -> None:
    from aisync_tui.pricing.modelsdev import MODELSDEV_PROVIDERS

    data = json.loads(gzip.decompress((BUNDLED / "modelsdev.json.gz").read_bytes()))
    entries, report = parse_modelsdev(data, MODELSDEV_PROVIDERS)
    slugs = {e.provider for e in entries}
    assert {"openai", "anthropic", "gemini", "together", "bedrock"} <= slugs
    assert slugs <= set(MODELSDEV_PROVIDERS.values())
    assert "google" not in slugs and "togetherai" not in slugs
    # Every mapped id names a provider models.dev really has: a renamed one would silently drop.
    assert set(MODELSDEV_PROVIDERS) <= set(data)
    gemini = {e.model_id for e in entries if e.provider == "gemini"}
    assert "gemini-2.5-pro" in gemini
