"""Matching: provider + exact id, plus only the feeds' own alias rules. Never across providers."""

from __future__ import annotations

import json

import pytest

from aisync_tui.pricing import feeds as F
from aisync_tui.pricing.match import Matcher, rule_matches
from aisync_tui.pricing.sources import snapshot_bytes


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    lit = F.parse_litellm(json.loads(snapshot_bytes("litellm")))
    gen = F.parse_genai(json.loads(snapshot_bytes("genai")))
    return Matcher(lit.entries, gen)


def test_rule_clauses():
    assert rule_matches({"equals": "o3"}, "o3") and not rule_matches({"equals": "o3"}, "o3-mini")
    assert rule_matches({"starts_with": "gpt-"}, "gpt-4o")
    assert rule_matches({"ends_with": "-tts"}, "gpt-4o-mini-tts")
    assert rule_matches({"contains": "grok"}, "x-grok-3")
    assert rule_matches({"regex": "^o[134]"}, "o4-mini") and not rule_matches({"regex": "^o[134]"}, "gpt-o3")
    assert rule_matches({"or": [{"equals": "a"}, {"equals": "b"}]}, "b")
    assert rule_matches({"and": [{"contains": "a"}, {"contains": "b"}]}, "ab") and not rule_matches({"and": [{"contains": "a"}, {"contains": "b"}]}, "a")
    assert not rule_matches({"fuzzy": "gpt"}, "gpt-4o"), "an unknown clause never matches"
    assert not rule_matches({"regex": "("}, "("), "a broken regex never matches"


def test_exact_id_of_the_same_provider(matcher):
    assert matcher.litellm_for("openai", "gpt-4o").key == "gpt-4o"
    assert matcher.litellm_for("gemini", "gemini-2.5-pro").key == "gemini/gemini-2.5-pro"
    assert matcher.litellm_for("openai", "gpt-4o-2099-01-01") is None, "no fuzzy guessing on dated ids"
    assert matcher.litellm_for("openai", "GPT-4O") is None


def test_litellm_never_crosses_providers(matcher):
    assert matcher.litellm_for("anthropic", "claude-sonnet-4-5") is not None
    assert matcher.litellm_for("openai", "claude-sonnet-4-5") is None
    assert matcher.litellm_for("xai", "gpt-4o") is None
    assert matcher.litellm_for("groq", "gemini-2.5-pro") is None


def test_genai_rules_apply_only_within_their_provider(matcher):
    # x-ai's rule `contains: grok` must not price a "grok" id listed by another provider.
    assert matcher.genai_for("xai", "grok-3") is not None
    assert matcher.genai_for("openai", "grok-3") is None
    assert matcher.genai_for("groq", "grok-3") is None
    # OpenAI's dated-id regex applies to OpenAI only.
    assert matcher.genai_for("openai", "gpt-5.6-luna-2026-07-30").model_id == "gpt-5.6-luna"
    assert matcher.genai_for("azure", "gpt-5.6-luna-2026-07-30") is None
    assert matcher.genai_for("catalog-nobody", "gpt-4o") is None


def test_genai_equals_clause_matches_a_snapshot_id(matcher):
    assert matcher.genai_for("openai", "o3-2025-04-16").model_id == "o3"
    assert matcher.genai_for("deepseek", "deepseek-chat-v3-0324").model_id == "deepseek-chat"


def test_no_match_anywhere_is_none(matcher):
    assert matcher.litellm_for("openai", "my-private-finetune") is None
    assert matcher.genai_for("openai", "my-private-finetune") is None
