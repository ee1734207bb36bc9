"""A damaged JSON column (a hand edit, an older or other tool) reads as what it can, never as the wrong kind."""

from __future__ import annotations

from decimal import Decimal

from aisync_tui.domain import PriceTier
from aisync_tui.store import coerce


def test_capability_list_keeps_only_its_strings() -> None:
    assert coerce.texts('["vision", 3, null, "tools"]') == ("vision", "tools")
    assert coerce.texts('{"vision": true}') == ()
    assert coerce.texts("[]") == ()


def test_price_tiers_skip_items_that_are_not_objects() -> None:
    tiers = coerce.tiers('[{"threshold": 200000, "input": "0.000005"}, "junk", 7]')
    assert tiers == (PriceTier(threshold=200000, input=Decimal("0.000005")),)
    assert coerce.tiers('"not a list"') == ()


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

    for threshold in (True, 1.5, "abc", None):
        with pytest.raises((TypeError, ValueError)):
            PriceTier.from_json({"threshold": threshold, "input": "0.000005"})
    assert PriceTier.from_json({"threshold": 200000.0}).threshold == 200_000


def test_a_tiers_column_holding_an_object_reads_as_no_tiers() -> None:
    assert coerce.tiers_of({"threshold": 200000, "input": "0.000005"}) == ()
