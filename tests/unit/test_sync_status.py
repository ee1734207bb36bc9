"""`aisync sync status` / `aisync sync failed`: what a person or a monitoring check sees about the
scheduled runs, read from a real SQLite store."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from aisync_tui.cli import main
from aisync_tui.store.db import open_store
from aisync_tui.store.models import SyncRun
from aisync_tui.store.run_status import failed_runs, provider_health

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
_clock = {"n": 0}


def add_run(provider: str | None, status: str, kind: str = "models", error: str | None = None, **counts: int) -> SyncRun:
    """One finished run, each a minute after the previous one."""
    _clock["n"] += 1
    at = T0 + timedelta(minutes=_clock["n"])
    return SyncRun.create(
        kind=kind, provider=provider, group=f"g{_clock['n']:04d}", started_at=at, finished_at=at + timedelta(seconds=2),
        status=status, error=error, error_kind="invalid_api_key" if error else None, **counts,
    )


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The in-process command sees only a temp config, store and home."""
    db = tmp_path / "aisync.db"
    (tmp_path / "config.toml").write_text("")
    monkeypatch.setenv("AISYNC_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("AISYNC_DATABASE_URL", str(db))
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    return db


@pytest.fixture
def seeded(env: Path) -> Path:
    """openai healthy; xai ok once, then three failures in a row; a pricing failure that must not
    count for xai's model sync."""
    store = open_store(str(env))
    add_run("openai", "ok", found=74, added=2, updated=1, prices_changed=3)
    add_run("xai", "ok", found=5, added=5)
    add_run("xai", "failed", error="Invalid API key: first (verify the API key)")
    add_run("openai", "ok", found=74, added=2, updated=1, prices_changed=3)
    add_run("xai", "failed", error="Invalid API key: second (verify the API key)")
    add_run("xai", "interrupted", error="the process stopped before finishing")
    add_run("litellm", "failed", kind="pricing", error="Bad response: feed is not JSON")
    store.close()
    return env


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- the queries


def test_failure_streak_counts_failures_since_the_last_success_only(store: Any) -> None:
    add_run("xai", "failed", error="e1")
    add_run("xai", "ok")
    add_run("xai", "failed", error="e2")
    add_run("xai", "failed", error="e3")
    add_run("xai", "cancelled")  # a user's Ctrl+C says nothing about the provider's health
    [xai] = provider_health()
    assert xai.consecutive_failures == 2
    assert xai.last_failure is not None and xai.last_failure.error == "e3"
    assert xai.last_success is not None and xai.last_run.status == "failed"


def test_a_provider_that_never_succeeded_counts_every_failure(store: Any) -> None:
    for i in range(4):
        add_run("gemini", "failed", error=f"e{i}")
    [gemini] = provider_health()
    assert gemini.consecutive_failures == 4
    assert gemini.last_success is None


def test_a_success_resets_the_streak(store: Any) -> None:
    add_run("openai", "failed", error="e")
    add_run("openai", "ok", added=1)
    [openai] = provider_health()
    assert openai.consecutive_failures == 0
    assert openai.last_failure is not None  # still shown: the last failure and its error


def test_jobs_are_tracked_separately_and_cleanup_without_provider_is_listed(store: Any) -> None:
    add_run("openai", "ok")
    add_run("openai", "failed", kind="pricing", error="feed down")
    add_run(None, "ok", kind="cleanup", removed=3)
    health = {(h.kind, h.provider): h for h in provider_health()}
    assert health[("models", "openai")].consecutive_failures == 0
    assert health[("pricing", "openai")].consecutive_failures == 1
    assert health[("cleanup", None)].last_success.removed == 3  # type: ignore[union-attr]
    assert [h.kind for h in provider_health()] == ["models", "pricing", "cleanup"]


def test_failed_runs_are_newest_first_and_filterable(store: Any) -> None:
    add_run("xai", "failed", error="old")
    add_run("openai", "failed", error="mid")
    add_run("xai", "failed", error="new")
    add_run("xai", "ok")
    assert [r.error for r in failed_runs()] == ["new", "mid", "old"]
    assert [r.error for r in failed_runs(provider="xai", limit=1)] == ["new"]


# ----------------------------------------------------------------------------- the command


def test_status_table_shows_each_provider_last_success_failure_error_and_changes(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "sync", "status")
    assert code == 0, err
    openai = next(line for line in out.splitlines() if line.startswith("| openai"))
    assert "model sync" in openai and "| ok " in openai
    assert "2 added, 1 updated, 3 prices" in openai
    assert "never" in openai  # openai never failed
    xai = next(line for line in out.splitlines() if line.startswith("| xai"))
    assert "interrupted" in xai and "5 added" in xai
    assert " 3 |" in xai  # failed, failed, interrupted since the last success
    assert "xai (model sync, failing now): the process stopped before finishing" in out
    assert "litellm (pricing sync, failing now): Bad response: feed is not JSON" in out
    assert "Recent failed runs (4 of 4)" in out


def test_status_exits_1_when_a_provider_failed_more_than_n_times_in_a_row(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "sync", "status", "--fail-after", "2")
    assert code == 1
    assert "ALERT: xai model sync has failed 3 times in a row (more than --fail-after 2)" in err
    assert "litellm" not in err  # failed once: not more than 2
    assert " 3 ! |" in out  # the row is marked
    code, _, err = run_cli(capsys, "sync", "status", "--fail-after", "3")
    assert code == 0 and "ALERT" not in err


def test_status_without_fail_after_never_fails_the_check(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "sync", "status")
    assert code == 0 and "ALERT" not in err


def test_status_json_carries_errors_counts_and_utc_times(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "sync", "status", "--format", "json", "--fail-after", "0")
    assert code == 1
    data = json.loads(out)
    by = {(p["kind"], p["provider"]): p for p in data["providers"]}
    xai = by[("models", "xai")]
    assert xai["consecutive_failures"] == 3 and xai["alert"] is True and xai["status"] == "interrupted"
    assert xai["last_success"]["added"] == 5
    assert xai["last_failure"]["error"] == "the process stopped before finishing"
    assert by[("models", "openai")]["last_failure"] is None
    assert by[("models", "openai")]["last_success"]["prices_changed"] == 3
    assert by[("models", "openai")]["last_success"]["started_at"].endswith("Z")
    assert {(a["kind"], a["provider"]) for a in data["alerts"]} == {("models", "xai"), ("pricing", "litellm")}
    assert [r["provider"] for r in data["recent_failures"]] == ["litellm", "xai", "xai", "xai"]
    assert data["fail_after"] == 0


def test_status_on_an_empty_store_says_nothing_ran_yet(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_store(str(env)).close()
    code, out, _ = run_cli(capsys, "sync", "status", "--fail-after", "0")
    assert code == 0
    assert "No sync has run against this store yet." in out


def test_status_without_a_store_is_a_clear_error_and_creates_nothing(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "sync", "status")
    assert code == 2
    assert "no database here yet" in err
    assert not env.exists()


def test_fail_after_rejects_a_negative_number(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["sync", "status", "--fail-after", "-1"])
    assert exc.value.code == 2
    assert "must be 0 or more" in capsys.readouterr().err


def test_sync_failed_lists_failed_runs_with_errors_newest_first(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "sync", "failed")
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("|") and "ID" not in line]
    assert [r.split("|")[5].strip() for r in rows] == ["litellm", "xai", "xai", "xai"]
    assert "Bad response: feed is not JSON" in rows[0]
    assert "Invalid API key: first (verify the API key)" in rows[3]
    store = open_store(str(seeded))
    first = SyncRun.get(SyncRun.error == "Invalid API key: first (verify the API key)")
    store.close()
    assert f"| {first.group} |" in rows[3]  # the run id, to find its lines in the log file


def test_sync_failed_limit_provider_and_json(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "sync", "failed", "--provider", "xai", "--limit", "2")
    assert code == 0
    assert "2 of 3 failed runs shown" in out
    assert "litellm" not in out
    code, out, _ = run_cli(capsys, "sync", "failed", "--format", "json", "--limit", "1")
    [only] = json.loads(out)
    assert only["provider"] == "litellm" and only["kind"] == "pricing" and only["error"] == "Bad response: feed is not JSON"


def test_sync_failed_on_a_clean_history_says_so(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_store(str(env)).close()
    code, out, _ = run_cli(capsys, "sync", "failed")
    assert code == 0 and out.strip() == "No failed runs."


# ----------------------------------------------------------------------------- with the real runner


@pytest.mark.e2e
def test_status_reads_what_real_sync_all_runs_recorded(sandbox: Any, three_providers: Any, keys_env: dict[str, str]) -> None:
    from tests.helpers import provider_config

    sandbox.write_config(provider_config(three_providers, "openai", "xai", extra="[providers.gemini]\nenabled = false\n"))
    env = dict(keys_env, XAI_API_KEY="xai-wrong-key-0000000000000")
    assert sandbox.run("--sync-all", "--force", env=env).returncode == 1
    assert sandbox.run("--sync-all", "--force", env=env).returncode == 1
    status = sandbox.run("sync", "status", "--fail-after", "1", "--format", "json")
    assert status.returncode == 1, status.stderr
    data = json.loads(status.stdout)
    by = {p["provider"]: p for p in data["providers"]}
    assert by["openai"]["consecutive_failures"] == 0 and by["openai"]["last_success"]["found"] > 0
    assert by["xai"]["consecutive_failures"] == 2
    assert by["xai"]["last_failure"]["error"].startswith("Invalid API key")
    assert "xai-wrong-key" not in status.stdout  # the key never reaches the store or output
