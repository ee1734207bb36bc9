"""What a committed run tells the user: only their models, each piece of news once."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest

from aisync_tui.config import NotifySettings, load_settings
from aisync_tui.config import Settings as AppSettings
from aisync_tui.errors import InvalidApiKey, ProviderError
from aisync_tui.notify.message import compose
from aisync_tui.notify.news import collect, deprecation_keys, remember_announced
from aisync_tui.outcomes import ProviderOutcome, RunSummary
from aisync_tui.store.models import Model, Price, Provider, SyncRun, UsageRecord

START = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


def outcome(provider: str, status: str, error: ProviderError | None = None) -> ProviderOutcome:
    return ProviderOutcome(provider, status, error=error)


def summary(kind: str, started_at: datetime, outcomes: list[ProviderOutcome] | None = None) -> RunSummary:
    return RunSummary(kind, "g", False, started_at, outcomes=outcomes or [])


@pytest.fixture
def settings_with(tmp_path: Path) -> Callable[[NotifySettings], AppSettings]:
    """Real settings from an empty config file, with these notification settings."""
    config = tmp_path / "config.toml"
    config.write_text("")
    base = load_settings(str(config), environ={})
    return lambda notify: replace(base, notify=notify)


def _provider(slug: str) -> Provider:
    return Provider.get_or_create(slug=slug, defaults={"name": slug})[0]


def _run(provider: str, status: str, at: datetime, kind: str = "models") -> None:
    SyncRun.create(kind=kind, provider=provider, group="x", started_at=at, status=status)


def test_new_models_are_news_after_a_providers_first_sync_but_not_on_it(store, settings_with):
    _run("openai", "ok", START - timedelta(days=1))
    for slug, mid in (("openai", "gpt-new"), ("mistral", "first-sync-model")):
        Model.create(provider=_provider(slug), model_id=mid, available=True, first_seen_at=START + timedelta(seconds=5))
    Model.create(provider=_provider("openai"), model_id="catalog-only", available=False, first_seen_at=START + timedelta(seconds=5))
    news = collect([summary("models", START)], settings_with(NotifySettings(urls=("json://x",))), now=START + timedelta(minutes=1))
    assert [(n.provider, n.model_id) for n in news.new] == [("openai", "gpt-new")]


def test_a_provider_failing_is_news_on_the_fail_after_th_run_only(store, settings_with):
    for i in range(2):
        _run("groq", "failed", START - timedelta(hours=3 - i))
    settings = settings_with(NotifySettings(urls=("json://x",), fail_after=3))
    error = InvalidApiKey("groq")
    _run("groq", "failed", START)
    third = collect([summary("models", START, [outcome("groq", "failed", error)])], settings, now=START)
    assert [(f.provider, f.streak) for f in third.failures] == [("groq", 3)]
    assert "groq: models sync failed 3 runs in a row: Invalid API key" in compose(third)[1]
    _run("groq", "failed", START + timedelta(hours=1))
    fourth = collect([summary("models", START + timedelta(hours=1), [outcome("groq", "failed", error)])], settings, now=START)
    assert fourth.failures == []


def test_a_coming_deprecation_of_a_used_model_is_said_once(store, settings_with):
    used = Model.create(provider=_provider("openai"), model_id="gpt-old", deprecated_at=START + timedelta(days=10))
    Model.create(provider=_provider("openai"), model_id="nobody-uses", deprecated_at=START + timedelta(days=10))
    Model.create(provider=_provider("openai"), model_id="far-off", deprecated_at=START + timedelta(days=90))
    UsageRecord.create(ts=START - timedelta(days=2), provider="openai", model_id="gpt-old", requests=1, source="t", source_ref="r", imported_at=START)
    UsageRecord.create(ts=START - timedelta(days=2), provider="openai", model_id="far-off", requests=1, source="t", source_ref="r2", imported_at=START)
    settings = settings_with(NotifySettings(urls=("json://x",), deprecation_days=30))
    news = collect([summary("models", START)], settings, now=START)
    assert [(n.model_id, n.used) for n in news.deprecations] == [("gpt-old", True)]
    assert "openai/gpt-old on 2026-06-11 (used in the last 30 days)" in compose(news)[1]
    remember_announced(deprecation_keys(news), START)
    assert collect([summary("models", START)], settings, now=START).deprecations == []
    # A new date is new news.
    Model.update(deprecated_at=START + timedelta(days=20)).where(Model.id == used.id).execute()
    assert [n.model_id for n in collect([summary("models", START)], settings, now=START).deprecations] == ["gpt-old"]


def test_a_watched_catalog_model_is_news_and_events_can_be_turned_off(store, settings_with):
    m = Model.create(provider=_provider("openai"), model_id="gpt-4o", available=False)
    Price.create(model=m, input=Decimal("0.0000025"), output=Decimal("0.00001"), effective_from=START - timedelta(days=9), effective_until=START + timedelta(seconds=1), source="litellm", recorded_at=START - timedelta(days=9))
    Price.create(model=m, input=Decimal("0.000003"), output=Decimal("0.00001"), effective_from=START + timedelta(seconds=1), source="litellm", recorded_at=START + timedelta(seconds=1))
    watched = settings_with(NotifySettings(urls=("json://x",), watch=("openai/gpt-4o",)))
    news = collect([summary("pricing", START)], watched, now=START)
    assert [(n.model_id, n.old.input, n.new.input) for n in news.prices] == [("gpt-4o", Decimal("0.0000025"), Decimal("0.000003"))]
    assert collect([summary("pricing", START)], settings_with(NotifySettings(urls=("json://x",))), now=START).prices == []
    quiet = settings_with(NotifySettings(urls=("json://x",), watch=("openai/gpt-4o",), events=("failure",)))
    assert collect([summary("pricing", START)], quiet, now=START).empty()
