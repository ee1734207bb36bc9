"""The pricing plan, built in memory from feeds and a store snapshot: no database anywhere here."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from aisync_tui.domain import Price
from aisync_tui.pricing.feeds import parse_genai, parse_litellm
from aisync_tui.pricing.plan import PlanInputs, build_plans
from aisync_tui.store.pricing_rows import CurrentPrice, PricingState, ProviderRef, StoredPricingModel

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
SNAPSHOT_DAY = datetime(2026, 8, 21, tzinfo=timezone.utc)
GPT4O = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05}


def _model(pk: int, model_id: str, provider: str = "openai", *, available: bool = True, status: str = "active") -> StoredPricingModel:
    return StoredPricingModel(pk, provider, model_id, status, available, not available, {}, (), {})


def _current(pk: int, price: Price, source: str = "litellm") -> CurrentPrice:
    return CurrentPrice(pk * 10, price, source, datetime(2026, 10, 1, tzinfo=timezone.utc))


def _inputs(feed: dict, models: list[StoredPricingModel], current: dict[int, CurrentPrice] | None = None, **kw) -> PlanInputs:
    providers = {slug: ProviderRef(i + 1, slug, slug.title()) for i, slug in enumerate(sorted({m.provider for m in models}))}
    state = PricingState(providers, models, current or {})
    kw.setdefault("detailed", frozenset({"openai"}))
    return PlanInputs(
        litellm=parse_litellm(feed), genai=parse_genai([]), litellm_source="litellm", genai_source="genai-prices",
        state=state, now=NOW, names={"openai": "OpenAI"}, **kw,
    )


def _items(plan) -> dict[str, str]:
    return {i.model_id: i.status for i in plan.items}


def test_a_new_feed_price_is_planned_as_a_write_that_replaces_the_open_period():
    old = Price(input=Decimal("0.000005"), output=Decimal("0.000015"))
    result = build_plans(_inputs({"gpt-4o": GPT4O}, [_model(1, "gpt-4o")], {1: _current(1, old)}))
    (openai,) = [p for p in result.plans if p.provider == "openai"]
    (write,) = openai.writes
    assert write.replaces is not None
    assert write.model_pk == 1 and write.price.input == Decimal("0.0000025") and write.replaces.price == old
    assert _items(openai) == {"gpt-4o": "updated"}
    assert openai.counts()["prices_changed"] == 1


def test_the_same_price_plans_nothing_and_a_less_trusted_source_keeps_the_provider_price():
    same = Price(input=Decimal("0.0000025"), output=Decimal("0.00001"))
    provider_price = Price(input=Decimal("0.000002"), output=Decimal("0.000008"))
    models = [_model(1, "gpt-4o"), _model(2, "gpt-4o-copy")]
    feed = {"gpt-4o": GPT4O, "gpt-4o-copy": GPT4O}
    result = build_plans(_inputs(feed, models, {1: _current(1, same), 2: _current(2, provider_price, "provider")}))
    (openai,) = [p for p in result.plans if p.provider == "openai"]
    assert openai.writes == [] and openai.counts()["prices_changed"] == 0
    assert _items(openai) == {"gpt-4o": "unchanged", "gpt-4o-copy": "kept"}


def test_a_malformed_feed_price_keeps_the_previous_one_and_says_why():
    old = Price(input=Decimal("0.0000025"), output=Decimal("0.00001"))
    feed = {"gpt-4o": dict(GPT4O, input_cost_per_token="abc")}
    result = build_plans(_inputs(feed, [_model(1, "gpt-4o")], {1: _current(1, old)}))
    (openai,) = [p for p in result.plans if p.provider == "openai"]
    assert openai.writes == []
    (item,) = openai.items
    assert item.status == "refused" and item.old == old and item.note is not None and "input_cost_per_token" in item.note
    assert openai.counts()["refused"] == 1


def test_a_price_first_known_from_the_snapshot_is_dated_from_the_snapshot_day():
    result = build_plans(_inputs({"gpt-4o": GPT4O}, [_model(1, "gpt-4o")], undated_from=SNAPSHOT_DAY))
    (write,) = result.plans[0].writes
    assert write.effective_from == SNAPSHOT_DAY


def test_a_feed_without_a_provider_that_had_many_catalog_models_retires_none_of_them():
    catalog = [_model(i, f"model-{i}", available=False, status="catalog") for i in range(1, 13)]
    others = {f"x-{i}": {"litellm_provider": "mistral", "mode": "chat", "input_cost_per_token": 1e-06} for i in range(60)}
    guarded = build_plans(_inputs(others, catalog, may_retire=True, detailed=frozenset()))
    assert all(p.retire == [] for p in guarded.plans)
    assert any("lists 0 OpenAI models where the catalog has 12" in w and "--accept-shrink" in w for w in guarded.warnings)
    accepted = build_plans(_inputs(others, catalog, may_retire=True, accept_shrink=True, detailed=frozenset()))
    assert sum(len(p.retire) for p in accepted.plans) == 12


def test_a_tenfold_price_change_is_named_in_a_warning():
    old = Price(input=Decimal("0.0000025"), output=Decimal("0.00001"))
    feed = {"gpt-4o": dict(GPT4O, input_cost_per_token=2.5e-03, output_cost_per_token=1e-02)}
    result = build_plans(_inputs(feed, [_model(1, "gpt-4o")], {1: _current(1, old)}))
    assert any("tenfold" in w and "gpt-4o" in w for w in result.warnings)


def test_building_the_plan_twice_gives_the_same_plan():
    models = [_model(1, "gpt-4o"), _model(2, "gone", available=False, status="catalog")]
    inputs = _inputs({"gpt-4o": GPT4O, "o3": dict(GPT4O)}, models, may_retire=True)
    a, b = build_plans(inputs), build_plans(inputs)
    assert [(p.provider, p.counts()) for p in a.plans] == [(p.provider, p.counts()) for p in b.plans]
    catalog = next(p for p in a.plans if p.provider == "catalog")
    assert catalog.retire == [2] and [n.entry.model_id for n in catalog.new_models] == ["o3"]
