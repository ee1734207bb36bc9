"""Usage is priced with the price in force when it happened; unknown prices stay unknown."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from aisync_tui.domain import Price, PriceTier
from aisync_tui.store.db import open_store
from aisync_tui.store.models import UsageRecord
from aisync_tui.usage import record
from aisync_tui.usage.cost import compute_cost
from aisync_tui.usage.records import UsageDataError, UsageRow, reprice_unpriced, write_rows
from aisync_tui.usage.stats import model_usage
from tests.unit.usage_helpers import seed_price

JAN = datetime(2025, 1, 1, tzinfo=timezone.utc)
MAR = datetime(2025, 3, 1, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(str(tmp_path / "aisync.db"))
    yield s
    s.close()


def _row(ref: str, ts: datetime, model: str = "gpt-4o", inp: int = 1_000_000, out: int = 0, cached: int = 0, requests: int | None = 1, cost: Decimal | None = None) -> UsageRow:
    return UsageRow(ts, "openai", model, requests, inp, out, cached, "test", ref, cost)


def test_cost_uses_the_price_in_force_on_each_side_of_a_price_change(store) -> None:
    # $5 per 1M input until March, then $2.50.
    seed_price("openai", "gpt-4o", [(JAN, MAR, "0.000005", "0.000015"), (MAR, None, "0.0000025", "0.00001")])
    write_rows([
        _row("before", datetime(2025, 2, 28, 23, 59, tzinfo=timezone.utc)),
        _row("at-change", MAR),
        _row("after", datetime(2025, 4, 1, tzinfo=timezone.utc), out=1_000_000),
    ], source="test")
    costs = {r.source_ref: (r.cost_usd, r.cost_source) for r in UsageRecord.select()}
    assert costs["before"] == (Decimal("5"), "computed")
    assert costs["at-change"] == (Decimal("2.5"), "computed")
    assert costs["after"] == (Decimal("12.5"), "computed")


def test_usage_older_than_every_price_period_is_estimated_with_the_earliest_price(store) -> None:
    seed_price("openai", "gpt-4o", [(MAR, None, "0.0000025", "0.00001")])
    write_rows([_row("old", JAN)], source="test")
    rec = UsageRecord.get()
    assert (rec.cost_usd, rec.cost_source) == (Decimal("2.5"), "estimated")


def test_usage_of_a_model_without_any_price_stays_unpriced_and_totals_say_so(store) -> None:
    now = datetime.now(timezone.utc)
    seed_price("openai", "gpt-4o", [(JAN, None, "0.000001", "0.000002")])
    write_rows([_row("p", now, inp=1000, out=1000), _row("u", now, model="mystery-model", inp=3000, out=0)], source="test")
    rec = UsageRecord.get(UsageRecord.source_ref == "u")
    assert (rec.cost_usd, rec.cost_source) == (None, None)
    mystery = model_usage("openai", "mystery-model", days=7)
    assert (mystery.total_cost, mystery.unpriced_records, mystery.unpriced_tokens, mystery.in_store) == (None, 1, 3000, False)
    assert mystery.total_requests == 1  # kept and shown, not dropped


def test_cached_input_is_charged_at_the_cached_price() -> None:
    price = Price(input=Decimal("0.000002"), output=Decimal("0.000008"), cached_input=Decimal("0.0000005"))
    cost = compute_cost(price, requests=1, input_tokens=1000, output_tokens=100, cached_tokens=400)
    assert cost == Decimal("600") * Decimal("0.000002") + Decimal("400") * Decimal("0.0000005") + Decimal("100") * Decimal("0.000008")


def test_long_context_tier_applies_to_a_single_large_request_only() -> None:
    price = Price(input=Decimal("0.000003"), output=Decimal("0.000015"), tiers=(PriceTier(200_000, input=Decimal("0.000006"), output=Decimal("0.0000225")),))
    assert compute_cost(price, requests=1, input_tokens=300_000, output_tokens=0) == Decimal("1.8")
    # An aggregate's prompt sizes are unknown: base price.
    assert compute_cost(price, requests=5, input_tokens=300_000, output_tokens=0) == Decimal("0.9")


def test_a_missing_output_price_makes_the_cost_unknown_not_zero() -> None:
    assert compute_cost(Price(input=Decimal("0.000001")), requests=1, input_tokens=10, output_tokens=10) is None


def test_records_priced_later_when_the_ledger_gains_a_price(store) -> None:
    write_rows([_row("later", JAN)], source="test")
    assert UsageRecord.get().cost_usd is None
    seed_price("openai", "gpt-4o", [(JAN - timedelta(days=1), None, "0.000001", "0.000001")])
    assert reprice_unpriced() == 1
    assert UsageRecord.get().cost_usd == Decimal("1")


def test_a_reported_cost_is_never_replaced_by_a_computed_one(store) -> None:
    seed_price("openai", "gpt-4o", [(JAN, None, "0.000001", "0.000001")])
    write_rows([_row("r", MAR, cost=Decimal("0.42"))], source="test")
    result = write_rows([_row("r", MAR)], source="test")  # same record, this time without a cost
    rec = UsageRecord.get()
    assert (rec.cost_usd, rec.cost_source, result.unchanged) == (Decimal("0.42"), "reported", 1)


def test_record_api_prices_now_and_never_counts_a_ref_twice(store) -> None:
    seed_price("openai", "gpt-4o", [(JAN, None, "0.0000025", "0.00001")])
    first = record("openai", "gpt-4o", 2000, 500, ref="req_123")
    again = record("openai", "gpt-4o", 2000, 500, ref="req_123")
    assert first.added and not again.added
    assert (first.cost_usd, first.cost_source) == (Decimal("0.0100000"), "computed")
    assert UsageRecord.select().count() == 1
    other = record("anthropic", "claude-x", 1, 1, requests=None, cost_usd="0.5")
    assert (other.requests, other.cost_usd, other.cost_source) == (None, Decimal("0.5"), "reported")
    with pytest.raises(UsageDataError, match="input_tokens must not be negative"):
        record("openai", "gpt-4o", -1, 0)
    with pytest.raises(UsageDataError, match="cached_tokens is more than input_tokens"):
        record("openai", "gpt-4o", 10, 0, cached_tokens=11)


def _asked(ref: str, served: str, requested: str | None, ts: datetime = MAR) -> UsageRow:
    return UsageRow(ts, "openai", served, 1, 1_000_000, 0, 0, "llm", ref, requested_model=requested)


def _alias(provider: str, model_id: str, alias: str) -> None:
    from aisync_tui.store.models import Model, ModelAlias, Provider

    model = Model.select().join(Provider).where((Provider.slug == provider) & (Model.model_id == model_id)).get()
    ModelAlias.create(model=model, provider=model.provider_id, name=alias)


def _cost(ref: str) -> tuple[Decimal | None, str | None]:
    rec = UsageRecord.get(UsageRecord.source_ref == ref)
    return rec.cost_usd, rec.cost_source


def test_a_record_served_by_an_unknown_id_is_priced_later_by_the_model_it_asked_for(store) -> None:
    write_rows([
        _asked("by-alias", "gpt-4o-2099-01-01", "gpt-4o-latest"),
        _asked("by-id", "gpt-4o-2099-02-02", "gpt-4o"),
    ], source="llm")
    assert _cost("by-alias") == _cost("by-id") == (None, None)
    # A pricing sync brings gpt-4o's price, and OpenAI states gpt-4o-latest as its alias.
    seed_price("openai", "gpt-4o", [(JAN, None, "0.000002", "0.000008")])
    _alias("openai", "gpt-4o", "gpt-4o-latest")
    assert reprice_unpriced() == 2
    assert _cost("by-alias") == _cost("by-id") == (Decimal("2"), "computed")


def test_a_record_whose_served_and_asked_ids_both_have_no_price_stays_unknown_not_zero(store) -> None:
    seed_price("openai", "gpt-4o", [(JAN, None, "0.000002", "0.000008")])
    write_rows([_asked("nowhere", "gpt-4o-2099-01-01", "gpt-4o-someday")], source="llm")
    assert reprice_unpriced() == 0
    assert _cost("nowhere") == (None, None)
    assert model_usage("openai", "gpt-4o-someday", days=3650, now=MAR + timedelta(days=1)).unpriced_records == 1


def test_the_model_that_served_a_record_sets_its_price_over_the_one_asked_for_at_import_and_later(store) -> None:
    write_rows([_asked("waiting", "gpt-4o-2024-08-06", "gpt-4o")], source="llm")
    seed_price("openai", "gpt-4o", [(JAN, None, "0.000005", "0.000015")])
    seed_price("openai", "gpt-4o-2024-08-06", [(JAN, None, "0.0000025", "0.00001")])
    assert reprice_unpriced() == 1
    write_rows([_asked("fresh", "gpt-4o-2024-08-06", "gpt-4o")], source="llm")
    # Repriced later or priced at import, the same record gets the same price: the served one's.
    assert _cost("waiting") == _cost("fresh") == (Decimal("2.5"), "computed")
