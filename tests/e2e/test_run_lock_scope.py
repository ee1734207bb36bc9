"""One lock per job: `--sync-all` holds the store's run lock from its model stage through its
pricing stage, and a run killed mid-way is reported as interrupted by whatever runs next."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .fakeserver import FakeProviderServer
from .faultkit import Sandbox, serve_defaults

pytestmark = pytest.mark.e2e


@pytest.fixture
def sandbox(tmp_path: Path):
    with FakeProviderServer() as server:
        serve_defaults(server)
        sb = Sandbox(tmp_path, server)
        sb.write_config()
        yield sb


def test_sync_all_keeps_the_lock_between_the_model_and_pricing_stages(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the stages another run must find the lock taken (it used to be let go there,
    so a usage import could slip in and the pricing stage then exited 75)."""
    from aisync_tui import cli
    from aisync_tui.errors import LockHeld
    from aisync_tui.commands import pricing_stage as pricing_sync
    from aisync_tui.domain import utcnow
    from aisync_tui.outcomes import RunSummary
    from aisync_tui.store.lock import run_lock

    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    seen: list[str] = []

    def pricing_stage(ctx, *, force: bool = False, dry_run: bool = False, timeout=None):
        models_written = ctx.store().db.execute_sql("SELECT count(*) FROM model WHERE status != 'catalog'").fetchone()[0]
        try:
            with run_lock(ctx.store(), "aisync usage import csv (another run)"):
                seen.append("another run got the lock")
        except LockHeld as exc:
            seen.append(f"held after {models_written} models: {exc.message}")
        return RunSummary("pricing", "g", dry_run, utcnow())

    monkeypatch.setattr(pricing_sync, "sync_all_stage", pricing_stage)
    assert cli.main(["--sync-all", "--quiet"]) == 0
    assert len(seen) == 1 and seen[0].startswith("held after 18 models"), seen
    # And once the job is over the lock is free again.
    from aisync_tui.store.db import open_store

    store = open_store(str(sandbox.db))
    try:
        with run_lock(store, "the next run"):
            pass
    finally:
        store.close()


@pytest.mark.parametrize(
    "args", [("sync-pricing", "--offline"), ("sync-models",), ("usage", "import", "csv", "usage.csv")], ids=lambda a: " ".join(a)
)
def test_a_run_killed_mid_way_is_shown_as_interrupted_by_the_next_run_of_any_kind(sandbox: Sandbox, args: tuple[str, ...]) -> None:
    sb = sandbox
    assert sb.run("sync-models").returncode == 0
    assert sb.run("sync-pricing", "--offline").returncode == 0
    con = sqlite3.connect(sb.db)
    # What a `kill -9` during sync-pricing's apply leaves behind: its row still `running`.
    con.execute(
        "UPDATE sync_run SET status = 'running', finished_at = NULL, \"group\" = 'dead01'"
        " WHERE id = (SELECT max(id) FROM sync_run WHERE kind = 'pricing')"
    )
    con.commit()
    con.close()
    (sb.root / "usage.csv").write_text("timestamp,provider,model,input_tokens,output_tokens\n2026-11-01T10:00:00Z,openai,gpt-4o-0001,10,5\n")
    result = sb.run(*args)
    assert result.returncode == 0, result.stderr
    assert sb.sql("SELECT status FROM sync_run WHERE \"group\" = 'dead01'") == [("interrupted",)]
    failed = sb.run("sync", "failed")
    row = next(line for line in failed.stdout.splitlines() if "dead01" in line)
    assert "interrupted" in row and "pricing sync" in row, failed.stdout


def test_sync_all_force_keeps_a_halved_list_and_accept_shrink_marks_it_missing(sandbox: Sandbox) -> None:
    sb = sandbox
    assert sb.run("--sync-all", "--no-pricing").returncode == 0
    with sb.server.lock:
        sb.server.providers["openai"].models = sb.server.providers["openai"].models[:2]
    forced = sb.run("--sync-all", "--no-pricing", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "missing" in forced.stdout and len(sb.model_ids("openai", status="missing")) == 0
    accepted = sb.run("--sync-all", "--no-pricing", "--accept-shrink")
    assert accepted.returncode == 0, accepted.stderr
    assert len(sb.model_ids("openai", status="missing")) == 4
