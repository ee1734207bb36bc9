"""A damaged JSON column (a hand edit, an older or other tool) reads as what it can, never as the wrong kind."""

from __future__ import annotations

from decimal import Decimal

from aisync_tui.domain import PriceTier
from aisync_tui.jsonvalue import JSON
from aisync_tui.store import coerce


def test_capability_list_keeps_only_its_strings() -> None:
    assert coerce.texts('["vision", 3, null, "tools"]') == ("vision", "tools")
    assert coerce.texts('{"vision": true}') == ()
    assert coerce.texts("[]") == ()


def test_a_tier_list_with_an_item_that_is_not_a_tier_is_unreadable_as_a_whole() -> None:
    # Keeping the readable tier would charge a prompt above the dropped one the lower price.
    assert coerce.tiers('[{"threshold": 200000, "input": "0.000005"}, "junk", 7]') is None
    assert coerce.tiers('"not a list"') is None
    assert coerce.tiers("[{not json") is None
    assert coerce.tiers("[" * 100_000) is None
    assert coerce.tiers('[{"threshold": 200000, "input": "0.000005"}]') == (PriceTier(threshold=200000, input=Decimal("0.000005")),)
    assert coerce.tiers("[]") == () and coerce.tiers("null") == ()


def test_other_prices_read_from_an_object_only() -> None:
    assert coerce.other('{"per_hour": "1.5"}') == (("per_hour", Decimal("1.5")),)
    assert coerce.other('["per_hour"]') == ()


def test_field_sources_of_another_kind_read_as_empty_and_are_the_callers_to_change() -> None:
    assert coerce.mapping('["provider"]') == {}
    assert coerce.mapping(None) == {}
    first = coerce.mapping('{"name": "provider"}')
    first["name"] = "litellm"
    assert coerce.mapping('{"name": "provider"}') == {"name": "provider"}


def test_field_sources_keep_source_names_and_the_disputes_list_only() -> None:
    stored = coerce.decoded('{"name": "provider", "capability:vision": "litellm", "disputes": [{"field": "input"}], "odd": 3, "bad": {"x": 1}}')
    assert coerce.field_sources_of(stored) == {"name": "provider", "capability:vision": "litellm", "disputes": [{"field": "input"}]}
    assert coerce.field_sources_of(coerce.decoded('"provider"')) == {}


def test_a_stored_tier_threshold_that_is_not_a_whole_number_is_refused_not_rounded() -> None:
    import pytest

    thresholds: list[JSON] = [True, 1.5, "abc", None, -5, [200000]]
    for threshold in thresholds:
        with pytest.raises(ValueError):
            PriceTier.from_json({"threshold": threshold, "input": "0.000005"})
    with pytest.raises(ValueError):
        PriceTier.from_json({"input": "0.000005"})
    assert PriceTier.from_json({"threshold": 200000.0}).threshold == 200_000


def test_a_stored_tier_price_that_does_not_read_is_refused_not_taken_as_no_tier_price() -> None:
    import pytest

    amounts: list[JSON] = ["abc", "-0.000001", "NaN", True, {"usd": 1}]
    for amount in amounts:
        with pytest.raises(ValueError):
            PriceTier.from_json({"threshold": 200000, "input": amount})
    assert PriceTier.from_json({"threshold": 200000, "input": None, "output": "0.00001"}).input is None


def test_a_tiers_column_holding_an_object_is_unreadable() -> None:
    assert coerce.tiers_of({"threshold": 200000, "input": "0.000005"}) is None
    assert coerce.tiers_of(None) == ()


def test_other_json_columns_that_do_not_decode_read_as_the_wrong_kind_not_an_error() -> None:
    assert coerce.texts("[vision") == ()
    assert coerce.other("{per_hour") == ()
    assert coerce.field_sources_of(coerce.decoded("{oops")) == {}
