"""What `models info`, `usage report` and the TUI show: totals, averages, daily series, unpriced share."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from aisync_tui.store.db import open_store
from aisync_tui.usage.records import UsageRow, write_rows
from aisync_tui.usage.stats import DayUsage, model_usage, usage_summary
from tests.unit.usage_helpers import seed_price

NOW = datetime(2025, 6, 30, 15, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(str(tmp_path / "aisync.db"))
    yield s
    s.close()


def _row(ref: str, days_ago: int, provider: str, model: str, requests: int | None, inp: int, out: int, cost: str | None = None) -> UsageRow:
    return UsageRow(NOW - timedelta(days=days_ago), provider, model, requests, inp, out, 0, "test", ref, Decimal(cost) if cost else None)


def test_model_usage_gives_the_four_figures_and_a_daily_series(store) -> None:
    write_rows([
        _row("a", 0, "openai", "gpt-4o", 3, 1000, 100, "0.30"),
        _row("b", 2, "openai", "gpt-4o", 1, 500, 50, "0.10"),
        _row("old", 40, "openai", "gpt-4o", 9, 9, 9, "9"),  # outside the 30-day window
    ], source="test")
    u = model_usage("openai", "gpt-4o", days=30, now=NOW)
    assert (u.total_requests, u.total_tokens, u.total_cost, u.average_cost_per_request) == (4, 1650, Decimal("0.40"), Decimal("0.1"))
    assert len(u.daily) == 30 and u.daily[-1] == DayUsage(NOW.date(), 3, 1100, Decimal("0.30"))
    assert u.daily[-2] == (NOW.date() - timedelta(days=1), 0, 0, Decimal(0))
    assert u.daily[-3].requests == 1
    assert model_usage("openai", "gpt-4o", days=50, now=NOW).total_requests == 13


def test_a_model_without_usage_shows_zero_not_unknown(store) -> None:
    u = model_usage("openai", "never-used", days=30, now=NOW)
    assert (u.total_requests, u.total_tokens, u.total_cost, u.average_cost_per_request) == (0, 0, Decimal(0), None)


def test_unknown_requests_are_not_counted_as_zero_and_do_not_dilute_the_average(store) -> None:
    write_rows([
        _row("x", 0, "anthropic", "claude-sonnet-4", None, 1000, 100, "1.00"),
        _row("y", 0, "anthropic", "claude-sonnet-4", None, 1000, 100, "1.00"),
    ], source="test")
    u = model_usage("anthropic", "claude-sonnet-4", days=7, now=NOW)
    assert (u.total_requests, u.unknown_request_records, u.average_cost_per_request, u.total_cost) == (None, 2, None, Decimal("2.00"))
    assert u.daily[-1].requests is None
    write_rows([_row("z", 0, "anthropic", "claude-sonnet-4", 4, 10, 10, "0.40")], source="test")
    u = model_usage("anthropic", "claude-sonnet-4", days=7, now=NOW)
    # The average divides only the records whose requests are known: 0.40 / 4.
    assert (u.total_requests, u.unknown_request_records, u.average_cost_per_request) == (4, 2, Decimal("0.1"))


def test_summary_orders_models_by_cost_and_reports_the_unpriced_share(store) -> None:
    seed_price("openai", "gpt-4o-mini", [(NOW - timedelta(days=400), None, "0.00000015", "0.0000006")])
    write_rows([
        _row("1", 1, "openai", "gpt-4o", 10, 1000, 1000, "5"),
        _row("2", 1, "openai", "gpt-4o-mini", 10, 1_000_000, 0),  # computed: $0.15
        _row("3", 1, "anthropic", "claude-3-opus", 2, 2000, 0, "0.50"),
        _row("4", 1, "mistral", "mistral-large", 1, 6000, 0),  # no price anywhere
    ], source="test")
    s = usage_summary(30, now=NOW)
    assert [g.model_id for g in s.by_model] == ["gpt-4o", "claude-3-opus", "gpt-4o-mini", "mistral-large"]
    assert [g.model_id for g in s.top_models(2)] == ["gpt-4o", "claude-3-opus"]
    assert [g.provider for g in s.by_provider] == ["openai", "anthropic", "mistral"]
    assert s.totals.total_cost == Decimal("5.65") and s.totals.computed_cost == Decimal("0.15")
    assert (s.totals.unpriced_records, s.totals.unpriced_tokens) == (1, 6000)
    # 6,000 of 1,010,000 tokens could not be priced.
    assert s.totals.total_tokens == 1_010_000
    assert s.unpriced_share == (Decimal(6000) / Decimal(1_010_000)).quantize(Decimal("1e-12")).normalize()
    mini = next(g for g in s.by_model if g.model_id == "gpt-4o-mini")
    assert mini.in_store and not next(g for g in s.by_model if g.model_id == "gpt-4o").in_store
    assert usage_summary(30, provider="anthropic", now=NOW).totals.records == 1
    assert sum(d.tokens for d in s.daily) == s.totals.total_tokens
