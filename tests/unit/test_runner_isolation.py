"""One provider's unexpected exception (in its fetch, its plan or its apply) is that provider's
"Internal error": the other providers are still synced, the failure is recorded and counted by
`sync status --fail-after`, and the traceback goes to the log file only.

The command runs in-process against a real SQLite store and the loopback fake server; the bug is
injected by wrapping one step of the runner for one provider.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Iterator

import pytest

from aisync_tui.cli import main
from aisync_tui.sync import runner as runner_mod
from tests.e2e.fakeserver import DEFAULT_KEYS, FakeProviderServer
from tests.e2e.faultkit import gemini_models, openai_models, xai_models
from tests.helpers import db_rows


@pytest.fixture
def server() -> Iterator[FakeProviderServer]:
    with FakeProviderServer() as fake:
        fake.add("openai", models=openai_models(5))
        fake.add("gemini", models=gemini_models(4))
        fake.add("xai", models=xai_models(3), language=[], image=[])
        yield fake


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: FakeProviderServer) -> Path:
    log = tmp_path / "aisync.log"
    config = "".join(f'[providers.{p}]\nbase_url = "{server.base_url(p)}"\n\n' for p in ("openai", "gemini", "xai"))
    config += f'[log]\nfile = "{log}"\n\n[pricing]\nremote = false\n'
    (tmp_path / "config.toml").write_text(config)
    monkeypatch.setenv("AISYNC_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("AISYNC_DATABASE_URL", str(tmp_path / "aisync.db"))
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    for slug, var in (("openai", "OPENAI_API_KEY"), ("gemini", "GEMINI_API_KEY"), ("xai", "XAI_API_KEY")):
        monkeypatch.setenv(var, DEFAULT_KEYS[slug])
    return tmp_path


def _models(db: Path) -> dict[str, int]:
    # The providers' own models (a new store also holds the price catalog, status catalog).
    return dict(db_rows(db, "select p.slug, count(*) from model m join provider p on p.id = m.provider_id where m.status != 'catalog' group by p.slug"))


def _runs(db: Path, provider: str) -> list[tuple[str, str | None]]:
    return db_rows(db, "select status, error from sync_run where provider = ? order by id", provider)


def _break(monkeypatch: pytest.MonkeyPatch, name: str, victim: str, exc: Exception) -> None:
    real = getattr(runner_mod, name)

    def broken(*args: Any, **kwargs: Any) -> Any:
        slug = args[0] if isinstance(args[0], str) else getattr(args[0], "provider", None)
        if slug == victim:
            raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(runner_mod, name, broken)


@pytest.mark.parametrize(
    "step, victim",
    [("compute_plan", "gemini"), ("apply_plan", "openai"), ("apply_plan", "gemini")],
)
def test_a_bug_in_one_providers_step_fails_only_that_provider_as_internal_error(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], step: str, victim: str
) -> None:
    _break(monkeypatch, step, victim, OverflowError("Python int too large to convert to SQLite INTEGER"))
    code = main(["sync-models"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    assert "Internal error" in out + err
    synced = _models(env / "aisync.db")
    assert victim not in synced  # its transaction was rolled back: nothing half-written
    assert {p for p in ("openai", "gemini", "xai") if p != victim} <= set(synced)
    assert _runs(env / "aisync.db", victim)[-1][0] == "failed"
    assert "Internal error" in (_runs(env / "aisync.db", victim)[-1][1] or "")
    log = (env / "aisync.log").read_text()
    assert "Traceback" in log and "OverflowError" in log and f"provider={victim}" in log


def test_a_parser_bug_is_an_internal_error_counted_by_the_monitoring_check(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from aisync_tui.providers.gemini import GeminiAdapter

    def parse(self: Any, body: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(GeminiAdapter, "parse", parse)
    for _ in range(3):
        assert main(["sync-models", "--force"]) == 1
    capsys.readouterr()
    assert set(_models(env / "aisync.db")) == {"openai", "xai"}
    assert [status for status, _ in _runs(env / "aisync.db", "gemini")] == ["failed"] * 3
    code = main(["sync", "status", "--fail-after", "2"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "gemini model sync has failed 3 times in a row" in err
    code = main(["sync", "failed"])
    out, _ = capsys.readouterr()
    assert "Internal error" in out and "ZeroDivisionError" in out


def test_sync_all_still_runs_the_pricing_stage_after_one_providers_internal_error(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _break(monkeypatch, "apply_plan", "xai", OverflowError("Python int too large to convert to SQLite INTEGER"))
    code = main(["--sync-all"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    assert "xai failed: Internal error" in out
    assert "pricing sync:" in out
    con = sqlite3.connect(env / "aisync.db")
    try:
        kinds = dict(con.execute("select kind, count(*) from sync_run where status = 'ok' group by kind").fetchall())
    finally:
        con.close()
    assert kinds.get("models") == 2 and kinds.get("pricing", 0) >= 1
