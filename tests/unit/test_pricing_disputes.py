"""Sources that check each other: disagreements beyond rounding are noticed, rounding is not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aisync_tui.domain import Price
from aisync_tui.pricing.disputes import Dispute, Statement, disputes

M = Decimal(1_000_000)


def per_m(value: str) -> Decimal:
    return Decimal(value) / M


def test_a_different_input_price_is_a_dispute_listing_each_source_in_trust_order() -> None:
    found = disputes([
        Statement("litellm", price=Price(input=per_m("2.50"), output=per_m("10"))),
        Statement("models.dev", price=Price(input=per_m("3.00"), output=per_m("10"))),
    ])
    assert [d.field for d in found] == ["input"]
    assert found[0].values == (("litellm", per_m("2.50")), ("models.dev", per_m("3.00")))


def test_prices_that_differ_only_by_rounding_agree() -> None:
    # 0.15 vs 0.1500001 per 1M, and a $0.0005 per 1M difference on a tiny price.
    assert disputes([
        Statement("litellm", price=Price(input=per_m("0.15"), output=per_m("0.0001"))),
        Statement("models.dev", price=Price(input=per_m("0.1500001"), output=per_m("0.0006"))),
    ]) == []


def test_a_price_only_one_source_has_is_no_dispute() -> None:
    assert disputes([
        Statement("litellm", price=Price(input=per_m("1"), cached_input=per_m("0.5"))),
        Statement("models.dev", price=Price(input=per_m("1"))),
        Statement("genai-prices", price=None),
    ]) == []


def test_a_third_source_that_disagrees_with_the_first_is_a_dispute() -> None:
    found = disputes([
        Statement("litellm", price=Price(output=per_m("15"))),
        Statement("genai-prices", price=Price(output=per_m("15"))),
        Statement("models.dev", price=Price(output=per_m("12"))),
    ])
    assert [d.field for d in found] == ["output"] and len(found[0].values) == 3


def test_limits_disagree_beyond_one_percent() -> None:
    found = disputes([
        Statement("litellm", context_length=128_000, max_output_tokens=16_384),
        Statement("models.dev", context_length=131_072, max_output_tokens=16_384),
    ])
    assert [(d.field, d.values) for d in found] == [("context_length", (("litellm", 128_000), ("models.dev", 131_072)))]
    assert disputes([Statement("a", context_length=200_000), Statement("b", context_length=200_001)]) == []


def test_a_dispute_survives_its_json_form_exactly() -> None:
    dispute = Dispute("input", (("litellm", per_m("2.5")), ("models.dev", per_m("3"))))
    assert Dispute.from_json(dispute.to_json()) == dispute
    limit = Dispute("context_length", (("litellm", 128_000), ("models.dev", 131_072)))
    assert Dispute.from_json(limit.to_json()) == limit


@pytest.mark.parametrize(
    "stored",
    [{}, {"field": "input"}, {"field": "input", "values": ["litellm", "2.5"]}, {"field": "input", "values": {"litellm": [2.5]}},
     {"field": 3, "values": {}}, {"field": "context_length", "values": {"litellm": True}},
     {"field": "input", "values": {"litellm": "abc"}}, {"field": "input", "values": {"litellm": "1e+999999999"}},
     {"field": "context_length", "values": {"litellm": "128000.5"}}],
)
def test_a_stored_dispute_of_the_wrong_shape_is_refused_as_such(stored: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Dispute.from_json(stored)
