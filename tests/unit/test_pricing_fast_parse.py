"""The pricing fast paths give exactly what the plain code gives, on the bundled feeds."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisync_tui.domain import to_decimal
from aisync_tui.pricing.feeds import BadPrice, feed_amount, parse_genai, parse_litellm
from aisync_tui.pricing.match import Matcher, _only_equals, compile_rule, rule_matches
from aisync_tui.pricing.sources import snapshot_bytes


@pytest.fixture(scope="module")
def bundled():
    return json.loads(snapshot_bytes("litellm")), json.loads(snapshot_bytes("genai"))


def _plain_amount(value):
    """What a feed amount is without the cache: None when absent, "bad" when not a price."""
    if value is None:
        return None
    d = None if isinstance(value, bool) else to_decimal(value)
    return "bad" if d is None or d < 0 else d


def _amount(value):
    try:
        return feed_amount("k", value)
    except BadPrice:
        return "bad"


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10), st.sampled_from([0.0, -0.0, 1.0, 1, "0.5", None, True])))
def test_cached_feed_amount_is_the_same_decimal_as_computing_it(value):
    for _ in range(2):  # the second call comes from the cache
        got, want = _amount(value), _plain_amount(value)
        assert isinstance(got, str) == isinstance(want, str) and (got is None) == (want is None)
        if want is not None and not isinstance(want, str):
            # Same value *and* same digits: the text written to the store is format(d, "f").
            assert format(got, "f") == format(want, "f"), value


def test_zero_and_negative_zero_keep_their_own_decimals():
    assert format(feed_amount("k", -0.0), "f") == "-0.0" and format(feed_amount("k", 0.0), "f") == "0.0"


def test_compiled_genai_rules_match_exactly_what_the_rules_say(bundled):
    litellm, genai = bundled
    ids = sorted({key.split("/", 1)[-1] for key in litellm} | {"", "gpt-4o", "o3-mini", "claude-3-5-sonnet-latest"})
    rules = [m["match"] for p in genai for m in p.get("models") or () if isinstance(m.get("match"), dict)]
    assert len(rules) > 500 and len(ids) > 2000
    for rule in rules:
        compiled = compile_rule(rule)
        assert [i for i in ids if compiled(i)] == [i for i in ids if rule_matches(rule, i)], rule


def test_the_matcher_finds_the_same_genai_model_as_trying_each_rule(bundled):
    litellm, genai = bundled
    lfeed, gfeed = parse_litellm(litellm), parse_genai(genai)
    matcher = Matcher(lfeed.entries, gfeed)

    def by_hand(provider, model_id):
        models = matcher.genai.get(provider) or []
        exact = matcher._exact.get(provider) or {}
        if model_id in exact:
            return exact[model_id]
        return next((m for m in models if not _only_equals(m.match) and rule_matches(m.match, model_id)), None)

    checked = 0
    for entry in lfeed.entries:
        assert matcher.genai_for(entry.provider, entry.model_id) is by_hand(entry.provider, entry.model_id), entry.key
        checked += 1
    assert checked > 1000
