"""The machine around aisync misbehaving: a log file that cannot be written, a standard output
on a full disk, a terminal that cannot encode ✓. Each is at most one clear line, never a
traceback, and never changes what the run did to the store."""

from __future__ import annotations

import os
import shutil
import subprocess
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


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Logging error" not in text, text


def set_log(sb: Sandbox, path: str, extra: str = "") -> None:
    sb.config.write_text(sb.config.read_text().replace(f'file = "{sb.log}"', f'file = "{path}"{extra}'))


def _lock_down(folder: Path) -> None:
    """Make a folder unwritable for root too (chattr +i), or by mode otherwise."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a folder read-only here")


def _open_up(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    else:
        folder.chmod(0o755)


def test_a_log_file_on_a_full_disk_is_one_warning_and_the_sync_still_succeeds(sandbox: Sandbox) -> None:
    sb = sandbox
    set_log(sb, "/dev/full")
    result = sb.run("sync-models")
    assert result.returncode == 0
    no_traceback(result.stderr)
    warnings = [line for line in result.stderr.splitlines() if "log file" in line]
    assert len(warnings) == 1 and "/dev/full" in warnings[0] and "No space left" in warnings[0], result.stderr
    assert len(sb.model_ids("openai", status="active")) == 6


def test_a_log_folder_that_cannot_be_written_is_one_warning(sandbox: Sandbox) -> None:
    sb = sandbox
    locked = sb.root / "locked"
    locked.mkdir()
    _lock_down(locked)
    try:
        set_log(sb, str(locked / "logs" / "aisync.log"))
        result = sb.run("sync-models")
    finally:
        _open_up(locked)
    assert result.returncode == 0
    no_traceback(result.stderr)
    warnings = [line for line in result.stderr.splitlines() if "log file" in line]
    assert len(warnings) == 1 and str(locked) in warnings[0], result.stderr


def test_a_log_that_needs_rotating_in_a_locked_folder_is_one_warning(sandbox: Sandbox) -> None:
    sb = sandbox
    folder = sb.root / "logdir"
    folder.mkdir()
    log = folder / "aisync.log"
    log.write_text("x" * 5000 + "\n")
    set_log(sb, str(log), "\nmax_bytes = 1024\nbackups = 2")
    _lock_down(folder)
    try:
        result = sb.run("sync-models")
    finally:
        _open_up(folder)
    assert result.returncode == 0
    no_traceback(result.stderr)
    assert len([line for line in result.stderr.splitlines() if "log file" in line]) == 1, result.stderr


@pytest.mark.parametrize("args", [("sync-models",), ("--sync-all", "--json", "--no-pricing"), ("models", "list")], ids=" ".join)
def test_standard_output_on_a_full_disk_is_one_error_line_and_the_sync_is_kept(sandbox: Sandbox, args: tuple[str, ...]) -> None:
    sb = sandbox
    if args[0] == "models":
        assert sb.run("sync-models").returncode == 0
    with open("/dev/full", "w") as full:
        result = subprocess.run(sb.argv(*args), env=sb.env(), stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, cwd=sb.root)
    assert result.returncode == 2, result.stderr
    no_traceback(result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write to standard output" in lines[0] and "No space left" in lines[0], result.stderr
    if args[0] != "sync-models":
        # --sync-all --json prints after the run: the run was written; models list had synced before.
        assert len(sb.model_ids("openai", status="active")) == 6
    elif sb.db.exists():
        # sync-models fails on its first line; whatever it got to is whole.
        assert sb.sql("PRAGMA integrity_check") == [("ok",)]


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_terminal_that_cannot_encode_symbols_gets_ascii_stand_ins(sandbox: Sandbox, encoding: str) -> None:
    sb = sandbox
    env = sb.env(PYTHONIOENCODING=encoding)
    synced = sb.run("sync-models", env=env)
    assert synced.returncode == 0, synced.stderr
    no_traceback(synced.stderr)
    assert "OK Found 6 models" in synced.stdout and "✓" not in synced.stdout
    info = sb.run("models", "info", "gemini-test-0001", "gemini", env=env)
    assert info.returncode == 0, info.stderr
    no_traceback(info.stderr)


def test_a_closed_standard_output_is_not_an_error(sandbox: Sandbox) -> None:
    sb = sandbox
    closed = subprocess.run(
        ["sh", "-c", 'exec "$0" -m aisync_tui sync-models >&-', sb.argv()[0]], env=sb.env(), stderr=subprocess.PIPE, text=True, timeout=60, cwd=sb.root
    )
    assert closed.returncode == 0, closed.stderr
    no_traceback(closed.stderr)
    assert len(sb.model_ids("openai", status="active")) == 6
