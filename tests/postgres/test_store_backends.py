"""The store behaves the same on SQLite and on PostgreSQL: migrations, upserts, exact prices,
JSON lists, UTC times, boolean filters, price sorting, run health and the run lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aisync_tui.errors import LockHeld
from aisync_tui.store import migrations, queries
from aisync_tui.store.db import open_store
from aisync_tui.store.lock import run_lock
from aisync_tui.store.models import Meta, Model, Price, Provider, SyncRun
from aisync_tui.store.run_status import provider_health
from tests.helpers import REPO, provider_config

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


def sync_into(location: str, server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: dict[str, str]) -> Any:
    """Run the real model sync (in process) from the fake server into the store at `location`."""
    from aisync_tui.config import load_settings
    from aisync_tui.sync.runner import ModelSyncRunner

    cfg = tmp_path / f"config-{abs(hash(location))}.toml"
    cfg.write_text(provider_config(server, "openai", "gemini", "xai"))
    for k, v in keys.items():
        monkeypatch.setenv(k, v)
    settings = load_settings(cfg, database=location)
    store = open_store(location)
    summary = ModelSyncRunner(settings, store, providers=["openai", "gemini", "xai"], force=True).run()
    assert not summary.failed, [o.error.line() if o.error else o.status for o in summary.failed]
    return store


def test_migrations_bring_a_new_store_to_the_latest_schema_once(location: str) -> None:
    store = open_store(location)
    assert store.meta_get("schema_version") == str(migrations.LATEST)
    store.close()
    store = open_store(location)  # reopening migrates nothing and loses nothing
    assert migrations.upgrade(store.db, location) == migrations.LATEST
    assert {"provider", "model", "price", "sync_run", "aisync_meta"} <= set(store.db.get_tables())
    store.close()


def test_meta_set_overwrites_instead_of_failing_on_the_second_write(opened: Any) -> None:
    opened.meta_set("feed_etag", "abc")
    opened.meta_set("feed_etag", "def")
    opened.meta_set("feed_etag", None)
    opened.meta_set("other", "x")
    assert opened.meta_get("feed_etag") is None and opened.meta_get("other") == "x"
    assert Meta.select().where(Meta.key == "feed_etag").count() == 1


def test_prices_json_and_times_come_back_exactly_as_written(opened: Any) -> None:
    pk = Provider.insert(slug="xai", name="xAI").execute()
    model = Model.create(
        provider=pk, model_id="grok-4", capabilities=["chat", "vision"], field_sources={"context_length": "provider"},
        created_at=T0, last_synced_at=T0 + timedelta(hours=1), available=True,
    )
    price = Decimal("0.0000030000001")
    Price.create(model=model, input=price, output=Decimal("1.5E-5"), effective_from=T0, source="provider", recorded_at=T0)
    got = queries.get_model("grok-4", "xai")
    assert got is not None
    assert got.price is not None and got.price.price.input == price  # exact: no float anywhere
    assert got.price.price.output == Decimal("0.000015")
    assert got.capabilities == ("chat", "vision") and got.field_sources == {"context_length": "provider"}
    assert got.created_at == T0 and got.created_at.tzinfo is not None  # aware UTC back
    assert got.last_synced_at == T0 + timedelta(hours=1)
    assert got.price.effective_until is None


def test_a_long_model_id_and_name_from_a_provider_are_stored_whole(opened: Any) -> None:
    pk = Provider.insert(slug="openrouter", name="OpenRouter").execute()
    long_id = "org/" + "x" * 400
    Model.create(provider=pk, model_id=long_id, name="N" * 500, owned_by="o" * 300)
    [row] = queries.list_models()
    assert row.model_id == long_id and row.name == "N" * 500


def test_boolean_filters_select_the_same_models(opened: Any) -> None:
    pk = Provider.insert(slug="openai", name="OpenAI").execute()
    Model.create(provider=pk, model_id="listed", available=True, in_catalog=False)
    Model.create(provider=pk, model_id="catalog-only", available=False, in_catalog=True)
    assert [m.model_id for m in queries.list_models(available=True)] == ["listed"]
    assert [m.model_id for m in queries.list_models(available=False)] == ["catalog-only"]
    [p] = queries.list_providers()
    assert (p.model_count, p.available_count) == (2, 1)


def test_price_sort_is_exact_and_unknown_prices_come_last(opened: Any) -> None:
    pk = Provider.insert(slug="xai", name="xAI").execute()
    # a-dearer differs from b-cheaper only in the 8th digit: a 4-byte float would tie them and
    # then sort by name, putting the dearer first
    for mid, price in (("a-dearer", "0.0000030000001"), ("b-cheaper", "0.000003"), ("c-unknown", None), ("d-cheapest", "0.0000001")):
        m = Model.create(provider=pk, model_id=mid)
        Price.create(model=m, input=Decimal(price) if price else None, effective_from=T0, source="test", recorded_at=T0)
    assert [m.model_id for m in queries.list_models(sort="input_price")] == ["d-cheapest", "b-cheaper", "a-dearer", "c-unknown"]


def test_nullable_sorts_put_unknowns_last(opened: Any) -> None:
    pk = Provider.insert(slug="openai", name="OpenAI").execute()
    Model.create(provider=pk, model_id="small", context_length=8000, created_at=T0)
    Model.create(provider=pk, model_id="unknown")
    Model.create(provider=pk, model_id="big", context_length=128000, created_at=T0 + timedelta(days=1))
    assert [m.model_id for m in queries.list_models(sort="context_length")] == ["big", "small", "unknown"]
    assert [m.model_id for m in queries.list_models(sort="created_at")] == ["big", "small", "unknown"]


def test_run_health_streaks_are_the_same_on_both_backends(opened: Any) -> None:
    for i, status in enumerate(("ok", "failed", "failed", "interrupted")):
        SyncRun.create(kind="models", provider="xai", group=f"g{i}", started_at=T0 + timedelta(hours=i), status=status, error=None if status == "ok" else f"e{i}")
    SyncRun.create(kind="cleanup", provider=None, group="c", started_at=T0, status="ok", removed=2)
    health = {(h.kind, h.provider): h for h in provider_health()}
    assert health[("models", "xai")].consecutive_failures == 3
    assert health[("models", "xai")].last_failure.error == "e3"  # type: ignore[union-attr]
    assert health[("cleanup", None)].consecutive_failures == 0


def test_a_real_sync_writes_the_catalog(location: str, three_providers: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys_env: dict[str, str]) -> None:
    store = sync_into(location, three_providers, tmp_path, monkeypatch, keys_env)
    try:
        rows = queries.list_models()
        assert {r.provider for r in rows} == {"openai", "gemini", "xai"}
        priced = [r for r in rows if r.provider == "xai" and r.input_price is not None]
        assert priced and all(isinstance(r.input_price, Decimal) for r in priced)
        assert all(r.last_synced_at is not None and r.last_synced_at.tzinfo is not None for r in rows)
        assert {h.provider for h in provider_health()} == {"openai", "gemini", "xai"}
    finally:
        store.close()


def test_postgresql_and_sqlite_hold_the_same_catalog_after_the_same_sync(
    pg_location: str, three_providers: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys_env: dict[str, str]
) -> None:
    def snapshot(location: str) -> list[list[tuple[Any, ...]]]:
        store = sync_into(location, three_providers, tmp_path, monkeypatch, keys_env)
        try:
            rows: list[list[tuple[Any, ...]]] = []
            for sort in ("name", "input_price", "context_length"):
                rows.append([(r.provider, r.model_id, r.type, r.status, r.context_length, r.capabilities, r.input_price, r.output_price, r.available) for r in queries.list_models(sort=sort)])
            return rows
        finally:
            store.close()

    assert snapshot(str(tmp_path / "same.db")) == snapshot(pg_location)


# ----------------------------------------------------------------------------- the run lock


def test_a_second_run_is_refused_naming_the_holder_and_can_run_after_release(opened: Any) -> None:
    first = run_lock(opened, "aisync --sync-all")
    first.acquire()
    try:
        with pytest.raises(LockHeld) as exc:
            run_lock(opened, "aisync sync-models").acquire()
        assert exc.value.exit_code == 75
        assert f"pid {os.getpid()}" in str(exc.value) and "`aisync --sync-all`" in str(exc.value)
    finally:
        first.release()
    again = run_lock(opened, "aisync sync-models")
    again.acquire()
    again.release()


_HOLD = """
import sys, time
from aisync_tui.store.db import open_store
from aisync_tui.store.lock import run_lock
store = open_store(sys.argv[1])
lock = run_lock(store, "aisync killed-holder")
lock.acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_a_lock_left_by_a_killed_process_is_recovered(opened: Any, location: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, location], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld, match="killed-holder"):
            run_lock(opened, "aisync next").acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    # the kernel (flock) or the server (the dead connection) drops the lock; the server may need
    # a moment to notice the closed connection
    deadline = time.monotonic() + 10
    while True:
        try:
            lock = run_lock(opened, "aisync next")
            lock.acquire()
            break
        except LockHeld:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    lock.release()
