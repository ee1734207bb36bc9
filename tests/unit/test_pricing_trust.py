"""What a price feed (or a provider) may not do to the ledger: erase a known price with garbage, store
an absurd price, crash the sync with a hostile structure, or retire the catalog by shrinking."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from aisync_tui.domain import Price, RemoteModel
from aisync_tui.events import Event
from aisync_tui.events import Warning as WarningEvent
from aisync_tui.providers.openrouter import parse_price as openrouter_price
from aisync_tui.sync.runner import plausible_prices
from tests.unit.test_pricing_sync import T1, list_models, periods, subset, sync

GPT4O_INPUT = Decimal("0.0000025")


def _baseline(pricing_env, real_litellm):
    list_models(pricing_env.store, "openai", [RemoteModel("openai", "gpt-4o"), RemoteModel("openai", "gpt-4.1-mini")])
    sync(pricing_env, now=T1)
    (first,) = periods("openai", "gpt-4o")
    assert first.price.input == GPT4O_INPUT


@pytest.mark.parametrize("bad", ["abc", -0.001, [1, 2], {"x": 1}, "NaN", True])
def test_a_malformed_price_in_the_feed_keeps_the_known_price_and_warns_once(pricing_env, real_litellm, bad):
    _baseline(pricing_env, real_litellm)
    feed = subset(real_litellm)
    feed["gpt-4o"] = dict(feed["gpt-4o"], input_cost_per_token=bad, output_cost_per_token=2e-05)
    pricing_env.feed.write_text(json.dumps(feed))
    s = sync(pricing_env, now=T1 + timedelta(days=1), force=True)
    (current,) = [p for p in periods("openai", "gpt-4o") if p.effective_until is None]
    assert current.price.input == GPT4O_INPUT and current.price.output == Decimal("0.00001")
    (warning,) = [w for w in s.extra["warnings"] if "malformed or implausible" in w]
    assert warning.startswith("LiteLLM: 1 entries") and "gpt-4o" in warning


@pytest.mark.parametrize(
    "field, value",
    [("input_cost_per_token", 1e308), ("input_cost_per_token", 0.02), ("output_cost_per_second", 500.0), ("input_cost_per_character", 0.5)],
)
def test_an_implausible_price_is_refused_with_a_warning(pricing_env, real_litellm, field, value):
    _baseline(pricing_env, real_litellm)
    feed = subset(real_litellm)
    feed["gpt-4o"] = dict(feed["gpt-4o"], **{field: value})
    pricing_env.feed.write_text(json.dumps(feed))
    s = sync(pricing_env, now=T1 + timedelta(days=1), force=True)
    assert len(periods("openai", "gpt-4o")) == 1
    # Beyond any number a price can be (1e308) the value is unreadable; within, above its unit's ceiling.
    why = "not a number within range" if value == 1e308 else "above the ceiling"
    assert any("malformed or implausible" in w and why in w and "gpt-4o" in w for w in s.extra["warnings"])


def test_a_feed_nested_too_deeply_is_rejected_in_one_line(pricing_env, real_litellm):
    _baseline(pricing_env, real_litellm)
    pricing_env.feed.write_text("[" * 200_000 + "]" * 200_000)
    s = sync(pricing_env, now=T1 + timedelta(days=1), force=True)
    (warning,) = [w for w in s.extra["warnings"] if "LiteLLM" in w]
    assert "nested too deeply" in warning and "keeping the last good copy" in warning and "\n" not in warning
    assert len(periods("openai", "gpt-4o")) == 1


def test_a_huge_token_limit_in_the_feed_stays_unknown(pricing_env, real_litellm):
    feed = subset(real_litellm)
    feed["gpt-4o"] = dict(feed["gpt-4o"], max_input_tokens=1e30, max_tokens=10**40)
    pricing_env.feed.write_text(json.dumps(feed))
    list_models(pricing_env.store, "openai", [RemoteModel("openai", "gpt-4o")])
    sync(pricing_env, now=T1)
    assert periods("openai", "gpt-4o")[0].price.input == GPT4O_INPUT


def test_a_small_first_feed_is_compared_with_the_bundled_snapshot(pricing_env, real_litellm):
    pricing_env.feed.write_text(json.dumps(dict(list(subset(real_litellm).items())[:60])))
    s = sync(pricing_env, now=T1, accept_shrink=False)
    (warning,) = [w for w in s.extra["warnings"] if "LiteLLM" in w]
    assert "under half of the 4,876 of the bundled snapshot" in warning and "--accept-shrink" in warning


def test_a_slow_ratchet_is_compared_with_the_largest_recent_copy(pricing_env, real_litellm):
    entries = list(real_litellm.items())
    pricing_env.feed.write_text(json.dumps(dict(entries)))
    sync(pricing_env, now=T1, accept_shrink=False)
    size = len(entries)
    for step in range(1, 3):
        size = int(size * 0.51) + 1
        pricing_env.feed.write_text(json.dumps(dict(entries[:size])))
        s = sync(pricing_env, now=T1 + timedelta(days=step), force=True, accept_shrink=False)
        rejected = [w for w in s.extra["warnings"] if "under half" in w]
        # The first 51% step is accepted against the largest copy; the second is not (26% of it).
        assert bool(rejected) == (step == 2), (step, s.extra["warnings"])


@pytest.mark.parametrize("value", ["1e308", "1_000", "1e-400", "abc"])
def test_an_unreadable_provider_price_leaves_the_whole_price_unknown(value):
    # Half a price would erase the known half: the model keeps its previous price whole.
    assert openrouter_price({"prompt": value, "completion": "0.00001"}) is None
    assert openrouter_price({"prompt": "-1", "completion": "-1"}) is None  # the documented sentinel
    known = openrouter_price({"prompt": "0.000003", "completion": "-1"})
    assert known is not None and known.input == Decimal("0.000003")


@pytest.mark.parametrize("price", [Price(input=Decimal("0.05")), Price(per_request=Decimal(500)), Price(input_per_second=Decimal(-1))])
def test_an_implausible_provider_price_is_refused_and_the_model_kept(price):
    events: list[Event] = []
    (model,) = plausible_prices("openrouter", [RemoteModel("openrouter", "x/y", price=price)], events.append)
    assert model.price is None and model.model_id == "x/y"
    (warning,) = [e for e in events if isinstance(e, WarningEvent)]
    assert "1 published prices refused as implausible" in warning.message


def test_a_plausible_provider_price_passes_untouched():
    price = Price(input=Decimal("0.0000025"), output=Decimal("0.00001"))
    (model,) = plausible_prices("openrouter", [RemoteModel("openrouter", "x/y", price=price)], lambda e: None)
    assert model.price == price


@pytest.mark.parametrize(
    "component, ok, bad",
    [("input", "0.0006", "0.011"), ("input_per_second", "1.6", "10.5"), ("input_per_character", "0.0001", "0.02"),
     ("per_image", "0.6", "11"), ("per_request", "0.06", "11"), ("output_per_video_second", "1.6", "11")],
)
def test_each_unit_has_its_own_ceiling(component, ok, bad):
    assert Price.from_components({component: Decimal(ok)}).problems() == []
    (problem,) = Price.from_components({component: Decimal(bad)}).problems()
    assert component in problem and "ceiling" in problem
