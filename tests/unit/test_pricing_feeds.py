"""The real LiteLLM and genai-prices files, parsed completely and exactly.

The files are read from the bundled snapshot (the unmodified upstream bytes, gzipped), whose
sha256 is checked against the provenance in shared/data/SOURCES.md.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from aisync_tui.pricing import feeds as F
from aisync_tui.pricing.sources import snapshot_bytes, snapshot_info
from aisync_tui.render.money import token_price

LITELLM_SHA256 = "8943af58bf9f979c6a4bef815687117ffa341e462a41faed9be17b5c33d3dcc2"
GENAI_SHA256 = "e0364c430e72dac6e747f15093a853bb73f20becac9e54f1f1e6ca33d72dda4d"


@pytest.fixture(scope="module")
def litellm() -> F.LiteLLMFeed:
    return F.parse_litellm(json.loads(snapshot_bytes("litellm")))


@pytest.fixture(scope="module")
def genai() -> F.GenaiFeed:
    return F.parse_genai(json.loads(snapshot_bytes("genai")))


def _by(feed: F.LiteLLMFeed) -> dict[tuple[str, str], F.FeedEntry]:
    return {(e.provider, e.model_id): e for e in feed.entries}


def test_bundled_snapshot_is_the_unmodified_upstream_files_with_provenance_and_licences():
    assert hashlib.sha256(snapshot_bytes("litellm")).hexdigest() == LITELLM_SHA256
    assert hashlib.sha256(snapshot_bytes("genai")).hexdigest() == GENAI_SHA256
    info = snapshot_info()
    assert info["litellm"]["version"] == "1.110.2"
    assert info["litellm"]["revision"] == "c8f11f1b697e1c3d7fcb6fbed38b78179150ac34"  # litellm's own "revision"
    assert info["genai-prices"]["revision"].startswith("47df840")
    from importlib import resources

    data = resources.files("aisync_tui.pricing").joinpath("data")
    for name in ("LICENSE-litellm.txt", "LICENSE-genai-prices.txt"):
        assert "MIT License" in data.joinpath(name).read_text() or "Permission is hereby granted" in data.joinpath(name).read_text()
    files = {p.name: p.stat().st_size for p in __import__("pathlib").Path(str(data)).iterdir()}
    # models.dev adds its gzipped catalog (about 190 KB) and nothing else.
    assert files.pop("modelsdev.json.gz") < 250_000
    assert sum(files.values()) < 400_000, "the bundled snapshot should stay small"


def test_every_litellm_entry_is_parsed_or_skipped_with_a_reason(litellm):
    r = litellm.report
    assert r.total == 4878
    assert r.parsed + r.skipped_total == r.total
    assert r.parsed == len(litellm.entries) == 4533  # bedrock and bedrock_converse both list moonshotai.kimi-k2.5
    assert litellm.count == 4876  # the integrity check's count: reserved keys excluded
    assert r.skipped == {
        "image quality/size variant of another entry": 252,
        "same provider and id as a preferred entry": 61,
        "prices a tool, not a model (mode search)": 24,
        "reserved key (sample_spec / fallback_generalizations)": 2,
        "prices a tool, not a model (mode guardrail)": 1,
        "prices a tool, not a model (mode vector_store)": 1,
        "wildcard pattern, not a model id": 4,
    }
    assert r.priced == 4439  # per-character, per-second and other-unit prices count as prices
    # fireworks_ai + its embedding rows, cohere + cohere_chat, bedrock + bedrock_converse: one provider each
    assert len({e.provider for e in litellm.entries}) == 121


def test_every_genai_prices_model_is_parsed(genai):
    r = genai.report
    assert r.total == 1466 and r.parsed == 1466 and r.skipped_total == 0
    assert len(genai.models) == 36
    assert sum(len(v) for v in genai.models.values()) == 1466


def test_litellm_prices_are_exact_decimals_per_token(litellm):
    by = _by(litellm)
    gpt4o = by[("openai", "gpt-4o")]
    assert gpt4o.price is not None
    assert gpt4o.price.input == Decimal("0.0000025")
    assert gpt4o.price.output == Decimal("0.00001")
    assert gpt4o.price.cached_input == Decimal("0.00000125")
    assert token_price(gpt4o.price.input, "1m") == "$2.50"
    assert token_price(gpt4o.price.input, "1k") == "$0.0025"
    assert token_price(gpt4o.price.output, "1m") == "$10.00"
    assert (gpt4o.context_length, gpt4o.max_output_tokens, gpt4o.type) == (128000, 16384, "chat")
    assert {"functions", "vision", "structured_output", "caching", "chat"} <= gpt4o.capabilities


def test_long_context_tiers_above_200k_are_kept(litellm):
    pro = _by(litellm)[("gemini", "gemini-2.5-pro")]
    assert pro.key == "gemini/gemini-2.5-pro"  # Google AI Studio's row wins over the Vertex copy
    assert pro.price is not None
    assert pro.price.input == Decimal("0.00000125")
    (tier,) = pro.price.tiers
    assert tier.threshold == 200_000
    assert (tier.input, tier.output, tier.cached_input) == (Decimal("0.0000025"), Decimal("0.000015"), Decimal("2.5E-7"))


def test_tiered_pricing_ranges_become_base_and_tier(litellm):
    flash = _by(litellm)[("dashscope", "qwen-flash")]
    assert flash.price is not None
    assert flash.price.input == Decimal("5E-8")
    assert flash.price.tiers[0].threshold == 256_000
    assert flash.price.tiers[0].output == Decimal("0.000002")


def _sig_digits(text: str) -> int:
    mantissa = text.lower().split("e")[0]
    return len(mantissa.replace("$", "").replace(".", "").replace("-", "").lstrip("0").rstrip("0")) or 1


def test_no_price_in_the_whole_feed_gains_float_artefacts(litellm):
    # 2.5e-06 through binary floating point would print $2.4999999999999998 per 1M: every price
    # shown per 1M must carry exactly the significant digits the feed wrote, no more.
    raw = json.loads(snapshot_bytes("litellm"))
    checked = 0
    for entry in litellm.entries:
        source = raw[entry.alias_of or entry.key]
        for field, name in (("input_cost_per_token", "input"), ("output_cost_per_token", "output")):
            value = source.get(field)
            if isinstance(value, float) and value > 0:
                shown = token_price(getattr(entry.price, name), "1m")
                assert _sig_digits(shown) == _sig_digits(repr(value)), (entry.key, value, shown)
                checked += 1
    assert checked > 7000


def test_litellm_alias_resolves_within_its_provider(litellm):
    by = _by(litellm)
    alias = by[("anthropic", "claude-sonnet-latest")]
    target = by[("anthropic", "claude-sonnet-5-5")]
    assert alias.alias_of == "claude-sonnet-5-5"
    assert alias.price == target.price


def test_alias_into_another_provider_or_nowhere_is_skipped():
    base = {f"m{i}": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06} for i in range(3)}
    data = {
        **base,
        "azure/gpt-x": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2e-06},
        "gpt-x-latest": {"alias_of": "azure/gpt-x"},
        "azure/gpt-x-latest": {"alias_of": "azure/gpt-x"},
        "ghost-latest": {"alias_of": "does-not-exist"},
    }
    feed = F.parse_litellm(data)
    ids = {(e.provider, e.model_id) for e in feed.entries}
    assert ("azure", "gpt-x-latest") in ids
    assert ("azure", "gpt-x-latest") in ids and ("openai", "gpt-x-latest") not in ids and ("azure", "ghost-latest") not in ids
    assert feed.report.skipped["alias_of points into another provider"] == 1
    assert feed.report.skipped["alias_of names no model entry"] == 1


def test_litellm_providers_map_to_our_slugs_and_others_stay_catalog_only(litellm):
    providers = {e.provider for e in litellm.entries}
    assert {"openai", "gemini", "xai", "anthropic", "mistral", "groq", "deepseek", "together"} <= providers
    assert "vertex_ai-language-models" not in providers and "together_ai" not in providers
    assert {"bedrock", "azure", "fireworks", "cerebras", "deepinfra"} <= providers and "fireworks_ai" not in providers
    by = _by(litellm)
    assert by[("xai", "grok-4.20")].key == "xai/grok-4.20"
    assert by[("mistral", "mistral-large-latest")].key == "mistral/mistral-large-latest"


def test_genai_prices_dated_periods_and_units(genai):
    o3 = next(m for m in genai.models["openai"] if m.model_id == "o3")
    base, change = o3.periods
    assert base.start is None and base.price.input == Decimal("0.00001")
    assert change.start == datetime(2025, 6, 10, tzinfo=timezone.utc)
    assert (change.price.input, change.price.output) == (Decimal("0.000002"), Decimal("0.000008"))
    now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert o3.active(now) is change
    assert o3.active(datetime(2025, 1, 1, tzinfo=timezone.utc)) is base


def test_genai_future_start_date_is_not_in_force_yet(genai):
    flash = next(m for m in genai.models["google"] if m.model_id == "gemini-3.6-flash")
    now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert flash.active(now).start is None
    assert flash.history(now) == []


def test_genai_time_of_day_price_takes_the_list_price_of_most_of_the_day(genai):
    chat = next(m for m in genai.models["deepseek"] if m.model_id == "deepseek-chat")
    (only,) = chat.periods
    assert (only.price.input, only.price.output) == (Decimal("2.7E-7"), Decimal("0.0000011"))  # 00:30-16:30 peak


def test_genai_tiers_and_kcount_units(genai):
    opus = next(m for m in genai.models["anthropic"] if m.model_id == "claude-opus-4-6")
    first = opus.periods[0].price
    assert first.input == Decimal("0.000005")
    assert first.tiers[0].threshold == 200_000 and first.tiers[0].input == Decimal("0.00001")
    assert first.web_search == Decimal("0.01")  # $10 per 1K searches


def test_genai_empty_price_object_means_free(genai):
    free = next(m for m in genai.models["openrouter"] if m.model_id.endswith(":free"))
    assert free.periods[0].price.input == 0 and free.periods[0].price.output == 0


