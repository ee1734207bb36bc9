"""The cost arithmetic of `aisync cost`/`cheapest`, against values worked out by hand, exactly."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal as D

from aisync_tui.choose.advice import ModelCost, rank_key
from aisync_tui.choose.cost import Workload, quote
from aisync_tui.domain import Price, PriceTier
from aisync_tui.store.candidates import Candidate

GPT4O = Price(input=D("0.0000025"), output=D("0.00001"), cached_input=D("0.00000125"))
# Long-context pricing in the shape of Gemini 2.5 Pro: prompts above 200k tokens cost more.
TIERED = Price(
    input=D("0.00000125"), output=D("0.00001"), cached_input=D("0.00000031"),
    tiers=(PriceTier(200_000, input=D("0.0000025"), output=D("0.000015"), cached_input=D("0.000000625")),),
)


def _lines(q):
    return {line.component: line.cost for line in q.lines}


def test_cached_input_is_billed_at_the_cached_price_and_the_rest_at_the_input_price():
    q = quote(GPT4O, Workload(input_tokens=5000, cached_tokens=2000, output_tokens=1000, requests=100))
    # 3,000 x 100 x $2.50/1M = $0.75; 2,000 x 100 x $1.25/1M = $0.25; 1,000 x 100 x $10/1M = $1.00
    assert _lines(q) == {"input": D("0.75"), "cached_input": D("0.25"), "output": D("1.00")}
    assert q.cost == D("2.00") and q.missing == ()
    assert q.breakdown_json()["input"] == {"quantity": "300000", "unit_price_usd": "0.0000025", "cost_usd": "0.75"}


def test_a_prompt_above_the_long_context_threshold_uses_the_tier_prices():
    q = quote(TIERED, Workload(input_tokens=250_000, output_tokens=2000))
    # 250,000 x $2.50/1M = $0.625; 2,000 x $15/1M = $0.03
    assert q.cost == D("0.655") and q.tier == 200_000
    at_threshold = quote(TIERED, Workload(input_tokens=200_000, output_tokens=2000))
    # not above: 200,000 x $1.25/1M = $0.25; 2,000 x $10/1M = $0.02
    assert at_threshold.cost == D("0.27") and at_threshold.tier is None


def test_the_highest_tier_the_prompt_exceeds_wins():
    price = Price(input=D("1"), output=D("0"), tiers=(PriceTier(10, input=D("2")), PriceTier(100, input=D("3"))))
    assert quote(price, Workload(input_tokens=50)).cost == D("100")
    assert quote(price, Workload(input_tokens=150)).cost == D("450")


def test_per_request_image_second_and_character_prices_multiply_by_the_requests():
    per_request = Price(input=D("0.000001"), per_request=D("0.005"))
    # 1,000 x 10 x $1/1M = $0.01, plus 10 x $0.005 = $0.05
    assert quote(per_request, Workload(input_tokens=1000, requests=10)).cost == D("0.06")
    images = Price(per_image=D("0.04"), input_per_image=D("0.001"))
    # 3 x 5 x $0.04 generated + 2 x 5 x $0.001 read
    assert quote(images, Workload(images=3, input_images=2, requests=5)).cost == D("0.61")
    transcription = Price(input_per_second=D("0.0001"))  # $0.006 a minute
    assert quote(transcription, Workload(input_seconds=D("12.5"), requests=2)).cost == D("0.0025")
    speech = Price(input_per_character=D("0.000015"), output_per_second=D("0.0002"))
    # 1,000 characters x $15/1M + 60 s x $0.0002, times 3
    assert quote(speech, Workload(input_characters=1000, output_seconds=D(60), requests=3)).cost == D("0.081")
    video = Price(output_per_video_second=D("0.40"))
    assert quote(video, Workload(video_seconds=D(8))).cost == D("3.20")
    # Reading audio is not producing it: a speech model has no price for transcribing.
    assert quote(speech, Workload(input_seconds=D(1))).missing == ("input_per_second",)


def test_fractions_of_a_cent_stay_exact():
    q = quote(Price(input=D("0.00000015"), output=D("0.0000006")), Workload(input_tokens=7, output_tokens=3, requests=3))
    # 21 x 0.00000015 = 0.00000315; 9 x 0.0000006 = 0.0000054
    assert q.cost == D("0.00000855")
    huge = quote(Price(input=D("0.0000000000000001")), Workload(input_tokens=10**15, requests=10**15))
    assert huge.cost == D("100000000000000")


def test_a_component_without_a_price_makes_the_cost_unknown_and_is_named():
    no_output = Price(input=D("0.000001"))
    q = quote(no_output, Workload(input_tokens=100, output_tokens=10))
    assert q.cost is None and q.missing == ("output",)
    assert _lines(q)["input"] == D("0.0001")  # what is known is still shown
    no_cache = quote(Price(input=D("0.000001"), output=D("0.000002")), Workload(input_tokens=100, cached_tokens=50))
    assert no_cache.cost is None and no_cache.missing == ("cached_input",)
    no_image = quote(Price(input=D("0.000001")), Workload(input_tokens=1, images=1))
    assert no_image.missing == ("per_image",)


def test_no_price_at_all_names_every_component_the_workload_needs():
    q = quote(None, Workload(input_tokens=10, output_tokens=10, input_seconds=D(1)))
    assert q.cost is None and q.missing == ("input", "output", "input_per_second")


def test_a_free_model_costs_zero_not_unknown():
    q = quote(Price(input=D(0), output=D(0)), Workload(input_tokens=10, output_tokens=10))
    assert q.cost == 0 and q.missing == ()


def test_a_price_in_another_currency_is_never_added_to_dollars():
    q = quote(Price(input=D("0.000001"), currency="EUR"), Workload(input_tokens=10))
    assert q.cost is None and q.missing == ("input",)


def test_a_workload_that_makes_no_sense_says_which_option_is_wrong():
    assert Workload(input_tokens=10, cached_tokens=20).problems() == ["--cached-tokens counts part of the input: it cannot exceed --input-tokens"]
    assert Workload().problems()[0].startswith("the workload is empty: give at least one of --input-tokens, --output-tokens, --input-images, --images")
    assert Workload(input_tokens=1, requests=0).problems() == ["--requests must be at least 1"]


def _candidate(model_id: str, context: int | None, price: Price) -> Candidate:
    return Candidate(1, "p", model_id, None, "chat", "active", context, None, (), True, False, None, price, datetime(2025, 1, 1, tzinfo=timezone.utc), "provider")


def test_ties_go_to_the_larger_context_then_the_id():
    w = Workload(input_tokens=1000)
    same = Price(input=D("0.000001"))
    models = [_candidate("b", 8000, same), _candidate("a", 8000, same), _candidate("c", 128000, same), _candidate("z", None, Price(input=D("0")))]
    ranked = sorted((ModelCost(m, quote(m.price, w)) for m in models), key=rank_key)
    assert [m.model.model_id for m in ranked] == ["z", "c", "a", "b"]


# ----------------------------------------------------------------------------- against a store

JAN = datetime(2025, 1, 1, tzinfo=timezone.utc)
MAR = datetime(2025, 3, 1, tzinfo=timezone.utc)


def test_cost_at_a_date_uses_the_ledger_period_in_force_then(store):
    from aisync_tui.choose.advice import cost_of
    from tests.unit.usage_helpers import seed_price

    # $5 / $15 per 1M until March, then $2.50 / $10.
    seed_price("openai", "gpt-4o", [(JAN, MAR, "0.000005", "0.000015"), (MAR, None, "0.0000025", "0.00001")])
    w = Workload(input_tokens=1000, output_tokens=100, requests=10)
    (feb,) = cost_of([("gpt-4o", "openai")], w, at=datetime(2025, 2, 14, tzinfo=timezone.utc))
    (now,) = cost_of([("gpt-4o", "openai")], w)
    (before,) = cost_of([("gpt-4o", "openai")], w, at=datetime(2024, 6, 1, tzinfo=timezone.utc))
    assert isinstance(feb, ModelCost) and isinstance(now, ModelCost) and isinstance(before, ModelCost)
    # 10,000 x $5/1M + 1,000 x $15/1M = $0.065; now 10,000 x $2.50/1M + 1,000 x $10/1M = $0.035
    assert isinstance(feb, ModelCost) and isinstance(now, ModelCost) and isinstance(before, ModelCost)
    assert feb.cost == D("0.065") and feb.price_from == JAN
    assert now.cost == D("0.035") and now.price_from == MAR
    assert before.cost is None and before.quote.missing == ("input", "output")


def test_a_model_is_found_by_an_alias_its_provider_stated_but_not_across_providers(store):
    from aisync_tui.choose.advice import NotFound, cost_of
    from aisync_tui.store.models import Model, ModelAlias
    from tests.unit.usage_helpers import seed_price

    seed_price("anthropic", "claude-sonnet-4-5-20250929", [(JAN, None, "0.000003", "0.000015")])
    sonnet = Model.get(Model.model_id == "claude-sonnet-4-5-20250929")
    Model.update(aliases=["claude-sonnet-4-5"]).where(Model.id == sonnet.id).execute()
    ModelAlias.create(model=sonnet, provider=sonnet.provider_id, name="claude-sonnet-4-5")
    seed_price("openai", "gpt-4o", [(JAN, None, "0.0000025", "0.00001")])
    found, elsewhere = cost_of([("claude-sonnet-4-5", "anthropic"), ("claude-sonnet-4-5", "openai")], Workload(input_tokens=1000))
    assert isinstance(found, ModelCost) and found.model.model_id == "claude-sonnet-4-5-20250929" and found.cost == D("0.003")
    assert isinstance(elsewhere, NotFound)


def test_cheapest_filters_by_exact_capability_and_counts_unpriced_models(store):
    from aisync_tui.choose.advice import cheapest
    from aisync_tui.store.models import Model
    from tests.unit.usage_helpers import seed_price

    seed_price("openai", "cheap", [(JAN, None, "0.000001", "0.000001")])
    seed_price("openai", "dear", [(JAN, None, "0.00001", "0.00001")])
    seed_price("openai", "blind", [(JAN, None, "0.0000001", "0.0000001")])
    seed_price("openai", "unpriced", [])
    Model.update(capabilities=["vision", "chat"], context_length=128000).where(Model.model_id != "blind").execute()
    Model.update(capabilities=["vision_preview"]).where(Model.model_id == "blind").execute()
    r = cheapest(Workload(input_tokens=1000, output_tokens=1000), capabilities=["vision"])
    assert [m.model.model_id for m in r.ranked] == ["cheap", "dear"]
    assert (r.considered, r.unpriced) == (3, 1) and r.unpriced_examples[0][1] == "unpriced"
    assert [m.model.model_id for m in cheapest(Workload(input_tokens=1), min_context=200000).ranked] == []


def test_whatif_never_guesses_a_tier_or_a_request_fee_it_cannot_know():
    from aisync_tui.choose.cost import LONG_CONTEXT
    from aisync_tui.choose.whatif import reprice

    # One request of 250k tokens: the tier is known to apply.
    assert reprice(TIERED, requests=1, input_tokens=250_000, output_tokens=0, cached_tokens=0) == (D("0.625"), ())
    # A day's aggregate of 40 requests: no telling which prompts crossed 200k.
    assert reprice(TIERED, requests=40, input_tokens=250_000, output_tokens=0, cached_tokens=0) == (None, (LONG_CONTEXT,))
    # ...unless the whole aggregate is below the threshold.
    assert reprice(TIERED, requests=40, input_tokens=100_000, output_tokens=0, cached_tokens=0) == (D("0.125"), ())
    fee = Price(input=D("0.000001"), per_request=D("0.01"))
    assert reprice(fee, requests=None, input_tokens=10, output_tokens=0, cached_tokens=0) == (None, ("per_request",))
    # 10 x $1/1M + 3 x $0.01
    assert reprice(fee, requests=3, input_tokens=10, output_tokens=0, cached_tokens=0) == (D("0.03001"), ())


def test_the_ranking_total_is_the_quote_total_for_every_shape_of_price():
    from itertools import product

    from aisync_tui.choose.cost import total

    prices = [
        None, GPT4O, TIERED, Price(input=D("0.000001")), Price(per_image=D("0.04"), input=D("0.000002")),
        Price(input_per_second=D("0.006"), output_per_character=D("0.00001")), Price(input=D(0), output=D(0), per_request=D("0.005")), Price(input=D("1"), currency="EUR"),
        Price(input=D("0.000001"), per_image=D("0.04"), tiers_unreadable=True),
    ]
    workloads = [
        Workload(input_tokens=i, output_tokens=o, cached_tokens=c, images=im, input_seconds=s, output_characters=im * 100, requests=r)
        for i, o, c, im, s, r in product((0, 1000, 250_000), (0, 77), (0, 500), (0, 2), (D(0), D("1.5")), (1, 3))
        if c <= i and (i or o or im or s)
    ]
    for price, w in product(prices, workloads):
        assert total(price, w) == quote(price, w).cost, (price, w)


def test_a_price_whose_long_context_tiers_the_store_cannot_read_prices_no_tokens():
    from dataclasses import replace

    from aisync_tui.choose.cost import LONG_CONTEXT, total
    from aisync_tui.choose.whatif import reprice
    from aisync_tui.usage.cost import compute_cost

    damaged = replace(TIERED, tiers=(), tiers_unreadable=True)
    short = Workload(input_tokens=1000, output_tokens=100)
    q = quote(damaged, short)
    # Even a short prompt: the thresholds are unknown, so any token price may be a tier's.
    assert q.cost is None and q.missing == (LONG_CONTEXT,)
    assert all(line.unit_price is None for line in q.lines)
    assert total(damaged, short) is None
    assert compute_cost(damaged, requests=1, input_tokens=1000, output_tokens=100) is None
    assert reprice(damaged, requests=1, input_tokens=1000, output_tokens=0, cached_tokens=0) == (None, (LONG_CONTEXT,))
    # A base price that is unknown as well is named beside the tiers.
    assert quote(replace(damaged, output=None), short).missing == ("output", LONG_CONTEXT)
    # What no tier prices is still priced: an image-only workload.
    images = Workload(images=2)
    assert quote(replace(damaged, per_image=D("0.04")), images).cost == D("0.08")
    assert damaged.to_json()["tiers_unreadable"] is True and not damaged.same_as(TIERED) and not damaged.is_empty()


def test_a_stored_price_component_that_does_not_read_is_unknown_not_an_error_or_zero():
    from aisync_tui.domain import stored_decimal

    assert stored_decimal("0.0000025") == D("0.0000025") and stored_decimal(0) == D(0) and stored_decimal(2.5) == D("2.5")
    for damaged in ("garbage", "", b"0.1", "NaN", "Infinity", "-0.000001", "1e999999999", "1000000000.01", [1]):
        assert stored_decimal(damaged) is None, damaged
    assert stored_decimal("1e9") == D(1_000_000_000)  # the largest usage cost an import accepts reads back
    assert stored_decimal(None) is None
