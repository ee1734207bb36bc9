from decimal import Decimal

from aisync_tui.domain import cost_tier, to_decimal
from aisync_tui.render.money import token_price, usd


def test_prices_are_exact_per_million_and_per_thousand():
    assert token_price(Decimal("0.0000025"), "1m") == "$2.50"
    assert token_price(Decimal("0.0000025"), "1k") == "$0.0025"
    assert token_price(Decimal("0.00003"), "1k") == "$0.03"
    assert token_price(Decimal("1.5e-7"), "1m") == "$0.15"
    assert token_price(None) == "—"
    assert usd(Decimal(0)) == "$0.00"


def test_floats_from_feeds_become_the_decimal_they_were_written_as():
    assert to_decimal(2.5e-06) == Decimal("0.0000025")
    tenth, fifth = to_decimal(0.1), to_decimal(0.2)
    assert tenth is not None and fifth is not None and tenth + fifth == Decimal("0.3")
    assert to_decimal("-1") == Decimal(-1)
    assert to_decimal("abc") is None and to_decimal(True) is None and to_decimal(float("nan")) is None


def test_cost_tiers_follow_the_documented_thresholds():
    assert cost_tier(Decimal("0.00003"), Decimal("0.00006")) == "High"
    assert cost_tier(Decimal("0.0000025"), Decimal("0.00001")) == "Medium"
    assert cost_tier(Decimal("0.00000015"), Decimal("0.0000006")) == "Low"
    assert cost_tier(Decimal(0), Decimal(0)) == "Free"
    assert cost_tier(None, None) is None
