"""Process faults: SIGKILL during apply, Ctrl+C / SIGTERM, two runs at once, stale locks.

Kill points. The store starts in an "old" state (three providers synced from old lists); the
server then serves "new" lists (models added, updated, repriced and dropped). A wrapper runs the
real `aisync sync-models` with a hook on the database cursor that SIGKILLs the process right
before the k-th SQL statement (BEGIN and COMMIT included) of the apply phase; k comes from a seeded RNG over every statement the apply
phase executes (counted in a first run), and every commit point is always included. A few more
runs are killed from outside at seeded random moments (start-up, fetch or apply).

After each kill: SQLite's integrity check passes, each provider holds exactly its old or its new
state, the next run completes (exit 0) and leaves the full new state with no run left "running".
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .fakeserver import FakeProviderServer, Fault
from .faultkit import Sandbox, gemini_models, openai_models, xai_models

pytestmark = pytest.mark.e2e

SEED = 20261126
#: Statement-level kill points (plus every commit point, always).
STATEMENT_KILLS = 12
#: Kills sent from outside at random moments of a whole run.
TIMED_KILLS = 5
PROVIDERS = ("openai", "gemini", "xai")

#: Runs the real CLI with a kill hook on the apply phase's SQL statements and commits.
KILL_WRAPPER = r"""
import atexit, json, os, signal, sys
import peewee
from aisync_tui.sync import runner as _runner

KILL_AT = int(os.environ.get("AISYNC_TEST_KILL_AT", "0"))
SIGNAL = getattr(signal, "SIG" + os.environ.get("AISYNC_TEST_SIGNAL", "KILL"))
COUNT_FILE = os.environ.get("AISYNC_TEST_COUNT_FILE")
IN_TXN = int(os.environ.get("AISYNC_TEST_IN_TXN", "0"))  # or: 3rd statement after the N-th BEGIN
state = {"on": False, "n": 0, "commits": [], "begins": 0, "since_begin": 0}

def point(kind):
    if state["on"]:
        state["n"] += 1
        if kind == "commit":
            state["commits"].append(state["n"])
        if kind == "begin":
            state["begins"] += 1
            state["since_begin"] = 0
        state["since_begin"] += 1
        if IN_TXN and state["begins"] == IN_TXN and state["since_begin"] == 4:
            os.kill(os.getpid(), SIGNAL)
        if state["n"] == KILL_AT:
            os.kill(os.getpid(), SIGNAL)

class KillingCursor:
    # Every statement the store runs (Peewee's and raw executemany alike) passes here.

    def __init__(self, cursor):
        self._cursor = cursor

    def execute(self, sql, *args):
        word = sql.strip().upper()
        point("commit" if word == "COMMIT" else "begin" if word.startswith("BEGIN") else "sql")
        return self._cursor.execute(sql, *args)

    def executemany(self, sql, *args):
        point("sql")
        return self._cursor.executemany(sql, *args)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        return iter(self._cursor)

_cursor, _apply = peewee.Database.cursor, _runner.ModelSyncRunner.apply

def cursor(self, *a, **k):
    return KillingCursor(_cursor(self, *a, **k))

def apply(self, *a, **k):
    state["on"] = True
    try:
        return _apply(self, *a, **k)
    finally:
        point("after")
        state["on"] = False

peewee.Database.cursor, _runner.ModelSyncRunner.apply = cursor, apply
if COUNT_FILE:
    atexit.register(lambda: open(COUNT_FILE, "w").write(json.dumps({"points": state["n"], "commits": state["commits"]})))
from aisync_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def old_lists() -> dict[str, dict[str, Any]]:
    return {
        "openai": {"models": openai_models(24)},
        "gemini": {"models": gemini_models(24)},
        "xai": {"models": xai_models(24, price=20_000)},
    }


def new_lists() -> dict[str, dict[str, Any]]:
    """Adds, updates, reprices and drops (fewer than half, so the guard lets it through)."""
    return {
        "openai": {"models": openai_models(20) + openai_models(6, start=100)},
        "gemini": {"models": gemini_models(12, context=2_000_000) + gemini_models(12, start=12) + gemini_models(3, start=50)},
        "xai": {"models": xai_models(22, price=25_000) + xai_models(2, start=80)},
    }


def serve(server: FakeProviderServer, lists: dict[str, dict[str, Any]]) -> None:
    for slug, spec in lists.items():
        if slug in server.providers:
            server.providers[slug].models = list(spec["models"])
        else:
            server.add(slug, models=spec["models"], language=[], image=[])


def provider_state(db: Path, slug: str) -> tuple[Any, ...]:
    """Everything a sync writes for one provider, without timestamps (they differ run to run)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        pid = con.execute("SELECT id, last_status FROM provider WHERE slug = ?", (slug,)).fetchone()
        if pid is None:
            return ()
        models = con.execute(
            "SELECT model_id, name, type, status, context_length, max_output_tokens, available, capabilities, aliases "
            "FROM model WHERE provider_id = ? ORDER BY model_id",
            (pid[0],),
        ).fetchall()
        prices = con.execute(
            "SELECT m.model_id, p.input, p.output, p.effective_until IS NULL FROM price p JOIN model m ON m.id = p.model_id "
            "WHERE m.provider_id = ? ORDER BY 1, 4, 2",
            (pid[0],),
        ).fetchall()
        changes = con.execute(
            "SELECT m.model_id, c.field, c.old, c.new FROM model_change c JOIN model m ON m.id = c.model_id "
            "WHERE m.provider_id = ? ORDER BY 1, 2, 3, 4",
            (pid[0],),
        ).fetchall()
        return (pid[1], tuple(models), tuple(prices), tuple(changes))
    finally:
        con.close()


def integrity(db: Path) -> str:
    con = sqlite3.connect(str(db))
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def copy_store(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if Path(str(src) + suffix).exists():
            shutil.copy2(str(src) + suffix, str(dst) + suffix)


class KillLab:
    """The old store (a template), the new state, and the apply phase's kill points."""

    def __init__(self, root: Path, server: FakeProviderServer) -> None:
        self.root = root
        self.server = server
        serve(server, old_lists())
        base = Sandbox(root / "template", server)
        result = base.run("sync-models", "--json")
        assert result.returncode == 0, result.stderr
        self.template = base.db
        self.old = {slug: provider_state(self.template, slug) for slug in PROVIDERS}
        serve(server, new_lists())
        ref = self.sandbox("reference")
        count_file = ref.root / "count.json"
        done = self.run_wrapped(ref, AISYNC_TEST_COUNT_FILE=str(count_file))
        assert done.returncode == 0, done.stderr
        self.new = {slug: provider_state(ref.db, slug) for slug in PROVIDERS}
        for slug in PROVIDERS:
            assert self.old[slug] != self.new[slug], f"the new list must change {slug}"
        counted = json.loads(count_file.read_text())
        self.points: int = counted["points"]
        self.commits: list[int] = counted["commits"]
        rng = random.Random(SEED)
        pool = sorted(set(range(1, self.points + 1)) - set(self.commits) - {1, self.points})
        chosen = set(self.commits) | {1, self.points} | set(rng.sample(pool, min(STATEMENT_KILLS, len(pool))))
        self.kill_points = sorted(chosen)
        start = time.monotonic()
        timed = self.sandbox("timing")
        assert timed.run("sync-models").returncode == 0
        self.run_seconds = time.monotonic() - start
        self.kill_delays = [round(rng.uniform(0.05, self.run_seconds), 3) for _ in range(TIMED_KILLS)]

    def sandbox(self, name: str) -> Sandbox:
        sb = Sandbox(self.root / name, self.server)
        copy_store(self.template, sb.db)
        sb.write_config()
        return sb

    def run_wrapped(self, sb: Sandbox, **env: str):
        import subprocess

        return subprocess.run(
            [sys.executable, "-c", KILL_WRAPPER, "sync-models", "--json"],
            env=sb.env(**env), capture_output=True, text=True, timeout=60, cwd=sb.root,
        )

    def check_after_kill(self, sb: Sandbox, label: str) -> list[str]:
        """The store's health after a kill; then the next run. Returns which providers were new."""
        assert integrity(sb.db) == "ok", f"{label}: integrity check failed"
        states = []
        for slug in PROVIDERS:
            now = provider_state(sb.db, slug)
            assert now in (self.old[slug], self.new[slug]), f"{label}: {slug} holds neither its old nor its new state"
            states.append(slug if now == self.new[slug] else "")
        result = sb.run("sync-models", "--json")
        assert result.returncode == 0, f"{label}: the next run failed: {result.stderr}"
        for slug in PROVIDERS:
            assert provider_state(sb.db, slug) == self.new[slug], f"{label}: the next run did not complete {slug}"
        assert sb.sql("SELECT COUNT(*) FROM sync_run WHERE status = 'running'") == [(0,)], f"{label}: a run was left 'running'"
        assert integrity(sb.db) == "ok"
        return [s for s in states if s]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with FakeProviderServer() as server:
        yield KillLab(tmp_path_factory.mktemp("killlab"), server)


#: One commit per provider, the first statement and the last point after the final commit.
KILL_SLOTS = STATEMENT_KILLS + len(PROVIDERS) + 2


@pytest.mark.parametrize("slot", range(KILL_SLOTS))
def test_sigkill_during_apply_leaves_each_provider_old_or_new_and_the_next_run_completes(lab: KillLab, slot: int) -> None:
    if slot >= len(lab.kill_points):
        pytest.skip(f"only {len(lab.kill_points)} kill points for this plan")
    k = lab.kill_points[slot]
    sb = lab.sandbox(f"kill-{k}")
    result = lab.run_wrapped(sb, AISYNC_TEST_KILL_AT=str(k))
    assert result.returncode == -signal.SIGKILL, f"kill point {k}/{lab.points} was never reached: {result.stderr}"
    lab.check_after_kill(sb, f"kill point {k}/{lab.points}")


@pytest.mark.parametrize("slot", range(TIMED_KILLS))
def test_sigkill_at_a_random_moment_never_corrupts_the_store(lab: KillLab, slot: int) -> None:
    delay = lab.kill_delays[slot]
    sb = lab.sandbox(f"timed-{slot}")
    proc = sb.popen("sync-models")
    try:
        proc.wait(timeout=delay)
    except Exception:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    lab.check_after_kill(sb, f"kill after {delay}s")


def test_the_kill_points_cover_the_whole_apply_phase(lab: KillLab) -> None:
    # One transaction per provider: at least three commits, and the points include both ends.
    assert len(lab.commits) >= len(PROVIDERS)
    assert lab.kill_points[0] == 1 and lab.kill_points[-1] == lab.points
    assert set(lab.commits) <= set(lab.kill_points)


# ----------------------------------------------------------------------------- Ctrl+C and SIGTERM


@pytest.mark.parametrize("sig", ["INT", "TERM"])
def test_ctrl_c_or_sigterm_mid_apply_rolls_back_that_provider_releases_the_lock_and_exits_130(lab: KillLab, sig: str) -> None:
    # Half way through the second provider's transaction (the first one is already committed).
    sb = lab.sandbox(f"signal-{sig}")
    result = lab.run_wrapped(sb, AISYNC_TEST_IN_TXN="2", AISYNC_TEST_SIGNAL=sig)
    assert result.returncode == 130, result.stderr
    assert "interrupted" in result.stderr and "rolled back" in result.stderr
    assert "Traceback" not in result.stderr
    # Providers are applied in the order their fetches finished: one committed, the rest untouched.
    states = {slug: provider_state(sb.db, slug) for slug in PROVIDERS}
    new = [slug for slug in PROVIDERS if states[slug] == lab.new[slug]]
    old = [slug for slug in PROVIDERS if states[slug] == lab.old[slug]]
    assert len(new) == 1 and len(old) == 2, f"new: {new}, old: {old}: the interrupted transaction was not rolled back"
    assert sb.sql("SELECT COUNT(*) FROM sync_run WHERE status = 'running'") == [(0,)]
    lock = Path(str(sb.db) + ".lock")
    assert not lock.exists() or lock.read_text() == "", "the lock still names the interrupted run"
    assert integrity(sb.db) == "ok"
    again = sb.run("sync-models", "--json")
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_while_a_provider_hangs_exits_promptly_with_130(tmp_path, sig: int) -> None:
    with FakeProviderServer() as server:
        serve(server, old_lists())
        # Production-sized timeout: Ctrl+C must not wait for it.
        sb = Sandbox(tmp_path, server, model_sync={"timeout": 30, "retry_attempts": 3})
        server.fault("gemini", Fault(hang=True))
        proc = sb.popen("sync-models")
        _wait_for(lambda: server.requests("gemini"), proc)
        start = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
        elapsed = time.monotonic() - start
    assert proc.returncode == 130, err
    assert elapsed < 3.0, f"Ctrl+C took {elapsed:.1f}s to take effect"
    assert "Traceback" not in err
    assert sb.sql("SELECT COUNT(*) FROM model") == [(0,)]


# ----------------------------------------------------------------------------- the run lock


def _wait_for(predicate, proc, timeout: float = 20.0) -> None:
    """Poll (not sleep a fixed time) until the condition holds or the process ended."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc.poll() is not None:
            raise AssertionError(f"the process ended early ({proc.returncode}): {proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def _lock_names(sb: Sandbox, pid: int) -> bool:
    lock = Path(str(sb.db) + ".lock")
    try:
        return f'"pid": {pid}' in lock.read_text()
    except OSError:
        return False


def test_a_second_sync_all_exits_75_naming_the_run_that_holds_the_lock(tmp_path) -> None:
    with FakeProviderServer() as server:
        serve(server, old_lists())
        sb = Sandbox(tmp_path, server)
        assert sb.run("sync-models").returncode == 0  # the store exists before the race
        server.fault("openai", Fault(hang=True))
        first = sb.popen("--sync-all", "--no-pricing")
        try:
            _wait_for(lambda: _lock_names(sb, first.pid) and server.requests("openai")[1:], first)
            second = sb.run("--sync-all", "--no-pricing")
            assert second.returncode == 75, second.stderr
            assert f"pid {first.pid}" in second.stderr and "--sync-all" in second.stderr, second.stderr
            assert len(second.stderr.strip().splitlines()) == 1
        finally:
            first.send_signal(signal.SIGTERM)
            first.communicate(timeout=20)
        assert first.returncode == 130


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path) -> None:
    with FakeProviderServer() as server:
        serve(server, old_lists())
        sb = Sandbox(tmp_path, server)
        assert sb.run("sync-models").returncode == 0
        server.fault("xai", Fault(hang=True))
        victim = sb.popen("--sync-all", "--no-pricing")
        _wait_for(lambda: _lock_names(sb, victim.pid) and server.requests("xai")[1:], victim)
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=20)
        assert _lock_names(sb, victim.pid), "the killed run's holder record should still be there"
        server.providers["xai"].faults.clear()
        after = sb.run("--sync-all", "--no-pricing", "--json")
        assert after.returncode == 0, after.stderr
        assert not _lock_names(sb, victim.pid)
