"""A feed entry of the wrong shape fails alone: the rest of the feed is read, and the report says
what was skipped and why."""

from __future__ import annotations

from aisync_tui.jsonvalue import JSON
from aisync_tui.pricing.feeds import parse_genai, parse_litellm
from aisync_tui.pricing.match import Matcher

OK: dict[str, JSON] = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}


def _genai_model(model_id: str, **fields: JSON) -> dict[str, JSON]:
    model: dict[str, JSON] = {"id": model_id, "match": {"equals": model_id}, "prices": {"input_mtok": 1, "output_mtok": 2}}
    model.update(fields)
    return model


def test_a_litellm_entry_whose_mode_is_not_text_is_read_without_a_mode_and_the_rest_of_the_feed_still_is() -> None:
    feed = parse_litellm({"gpt-4o": OK, "odd-1": {**OK, "mode": []}, "odd-2": {**OK, "mode": {"chat": True}}})
    by_id = {e.model_id: e for e in feed.entries}
    assert set(by_id) == {"gpt-4o", "odd-1", "odd-2"}
    assert by_id["gpt-4o"].type == "chat"
    assert by_id["odd-1"].type is None and by_id["odd-1"].price is not None


def test_a_genai_price_whose_tiers_are_not_a_list_refuses_that_models_price_only() -> None:
    feed = parse_genai([{"id": "openai", "models": [
        _genai_model("gpt-4o"),
        _genai_model("odd", prices={"input_mtok": {"base": 1, "tiers": 5}, "output_mtok": 2}),
    ]}])
    assert [m.model_id for m in feed.models["openai"]] == ["gpt-4o"]
    assert feed.report.skipped["malformed price"] == 1
    assert feed.report.price_problems == ["openai/odd: malformed price (tiers: int is not a list)"]


def test_a_genai_price_whose_constraint_is_not_an_object_is_skipped_as_unreadable() -> None:
    prices: JSON = [{"prices": {"input_mtok": 1}}, {"prices": {"input_mtok": 2}, "constraint": 5}]
    feed = parse_genai([{"id": "openai", "models": [_genai_model("gpt-4o"), _genai_model("odd", prices=prices)]}])
    assert [m.model_id for m in feed.models["openai"]] == ["gpt-4o"]
    assert feed.report.skipped["prices in a form this version does not read"] == 1


def test_a_genai_provider_whose_models_are_not_a_list_is_skipped_and_the_next_provider_read() -> None:
    feed = parse_genai([{"id": "anthropic", "models": 5}, {"id": "openai", "models": [_genai_model("gpt-4o")]}])
    assert [m.model_id for m in feed.models["openai"]] == ["gpt-4o"]
    assert "anthropic" not in feed.models
    assert feed.report.skipped["provider entry whose models are not a list"] == 1


def test_a_genai_match_rule_whose_alternatives_are_not_a_list_never_matches_and_the_others_still_do() -> None:
    feed = parse_genai([{"id": "openai", "models": [
        _genai_model("odd", match={"or": 5}),
        _genai_model("odd-2", match={"and": "gpt"}),
        _genai_model("gpt-4o", match={"starts_with": "gpt-4o"}),
    ]}])
    matcher = Matcher([], feed)
    found = matcher.genai_for("openai", "gpt-4o-2024-08-06")
    assert found is not None and found.model_id == "gpt-4o"
    assert matcher.genai_for("openai", "something-else") is None


def test_a_genai_and_rule_with_a_part_that_is_not_a_clause_never_matches_instead_of_matching_more() -> None:
    # Reading only the readable part would price every gpt-4o* id at this model's price.
    feed = parse_genai([{"id": "openai", "models": [
        _genai_model("odd", match={"and": [{"starts_with": "gpt-4o"}, "ends_with mini"]}),
        _genai_model("gpt-4o-mini", match={"and": [{"starts_with": "gpt-4o"}, {"ends_with": "mini"}]}),
    ]}])
    matcher = Matcher([], feed)
    assert matcher.genai_for("openai", "gpt-4o-2024-08-06") is None
    found = matcher.genai_for("openai", "gpt-4o-turbo-mini")  # the first rule in feed order is the broken one
    assert found is not None and found.model_id == "gpt-4o-mini"


def test_a_genai_clause_whose_value_is_not_text_never_matches() -> None:
    # Read through str() these would name the ids "[]", "None" and "5": a guess at what the feed meant.
    feed = parse_genai([{"id": "openai", "models": [
        _genai_model("empty-list", match={"starts_with": []}),
        _genai_model("null", match={"contains": None}),
        _genai_model("number", match={"or": [{"equals": 5}, {"regex": 5}]}),
        _genai_model("gpt-4o", match={"starts_with": "gpt-4o"}),
    ]}])
    matcher = Matcher([], feed)
    found = matcher.genai_for("openai", "gpt-4o-2024-08-06")
    assert found is not None and found.model_id == "gpt-4o"
    for model_id in ("5", "None", "[]", "x"):
        assert matcher.genai_for("openai", model_id) is None, model_id
