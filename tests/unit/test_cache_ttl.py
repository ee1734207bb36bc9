"""cache_ttl counts from the start of the previous successful run, with a little slack, so an
hourly job with the default cache_ttl = 3600 syncs every hour (not every other hour)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from aisync_tui.config import load_settings
from aisync_tui.domain import utcnow
from aisync_tui.store.models import Provider, SyncRun
from aisync_tui.sync.runner import ModelSyncRunner


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cache-ttl-000000000000")
    config = tmp_path / "config.toml"
    config.write_text('[model_sync]\ncache_ttl = 3600\n[providers.openai]\nbase_url = "http://127.0.0.1:9/v1"\n')
    return load_settings(str(config))


def previous_run(started_ago: float, written_ago: float) -> None:
    now = utcnow()
    Provider.insert(
        slug="openai", name="OpenAI", kind="openai", last_synced_at=now - timedelta(seconds=written_ago), last_status="ok"
    ).execute()
    SyncRun.create(
        kind="models", provider="openai", group="prev", started_at=now - timedelta(seconds=started_ago),
        finished_at=now - timedelta(seconds=written_ago), status="ok",
    )


def chosen(settings, store, **kw) -> list[str]:
    runner = ModelSyncRunner(settings, store, providers=["openai"], **kw)
    return [p.slug for p in runner.select()]


def test_the_hourly_job_is_not_skipped_when_the_previous_fetch_took_a_while(settings, store) -> None:
    # Cron fired the previous run 3,598 s ago; its slow fetch wrote 40 s later.
    previous_run(started_ago=3598, written_ago=3558)
    assert chosen(settings, store) == ["openai"]


def test_a_run_half_an_hour_after_the_previous_one_is_skipped_unless_forced(settings, store) -> None:
    previous_run(started_ago=1800, written_ago=1790)
    runner = ModelSyncRunner(settings, store, providers=["openai"])
    assert runner.select() == []
    assert runner.summary.outcomes[0].skip_reason == "recently_synced"
    assert "use --force" in runner.summary.outcomes[0].skip_detail
    assert chosen(settings, store, force=True) == ["openai"]


def test_a_store_without_run_rows_falls_back_to_the_last_sync_time(settings, store) -> None:
    Provider.insert(slug="openai", name="OpenAI", kind="openai", last_synced_at=utcnow() - timedelta(seconds=600), last_status="ok").execute()
    assert chosen(settings, store) == []
