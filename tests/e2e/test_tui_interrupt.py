"""Ctrl+C (SIGINT) or SIGTERM hits the real app in a terminal while it applies a sync: the
provider's transaction rolls back, the lock is released, and the exit code is 130."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import sys
import time

import pytest

from tests.helpers import provider_config

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a pty")]

OTHERS = ("gemini", "xai", "anthropic", "openrouter", "mistral", "groq", "deepseek", "together", "ollama")


class Terminal:
    """The real `aisync` on a pseudo-terminal, as a user's shell would run it."""

    def __init__(self, env: dict[str, str], cwd: str) -> None:
        import pty

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.chdir(cwd)
            os.execve(sys.executable, [sys.executable, "-m", "aisync_tui"], env)
        self.screen = b""
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 35, 120, 0, 0))

    def text(self) -> str:
        """What was drawn, without the escape sequences (a styled word may be split by them)."""
        import re

        return re.sub(rb"\x1b\[[0-9;?<>=]*[A-Za-z~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?", b"", self.screen).decode("utf-8", "replace")

    def read_until(self, predicate, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    self.screen += os.read(self.fd, 65536)
                except OSError:
                    break
        if not predicate():
            raise AssertionError(f"timed out; screen tail: {self.screen[-300:]!r}")

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def wait_exit(self, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            # Keep draining the terminal: a child blocked writing to a full pty never exits.
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    self.screen += os.read(self.fd, 65536)
                except OSError:
                    time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the app did not exit")


def _running_runs(db: str) -> int:
    try:
        con = sqlite3.connect(db, timeout=1)
        try:
            return con.execute("select count(*) from sync_run where status = 'running' and kind = 'models'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_signal_during_apply_in_the_app_rolls_back_and_exits_130(sandbox, fake_server, sig):
    models = [{"id": f"model-{i:05d}", "object": "model", "created": 1700000000, "owned_by": "openai"} for i in range(3000)]
    fake_server.add("openai", models=models)
    disabled = "".join(f"[providers.{p}]\nenabled = false\n" for p in OTHERS)
    # batch_size = 1: thousands of batches, so the signal lands mid-transaction.
    sandbox.write_config(provider_config(fake_server, "openai", model_sync="batch_size = 1") + "\n[pricing]\nremote = false\n" + disabled)
    env = dict(sandbox.env, OPENAI_API_KEY="sk-test-openai-0123456789", TERM="xterm-256color")
    term = Terminal(env, str(sandbox.root))
    try:
        term.read_until(lambda: "Providers" in term.text())
        term.type(b"R")  # sync all: plan, then the preview modal
        term.read_until(lambda: "Apply (ctrl+y)" in term.text())
        term.type(b"\x19")  # ctrl+y: apply
        term.read_until(lambda: _running_runs(str(sandbox.db)) > 0)
        os.kill(term.pid, sig)
        code = term.wait_exit()
    finally:
        os.close(term.fd)
    assert code == 130
    con = sqlite3.connect(sandbox.db)
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        listed = con.execute(
            "select count(*) from model join provider on provider.id = model.provider_id "
            "where provider.slug = 'openai' and model.available = 1"
        ).fetchone()[0]
        statuses = [r[0] for r in con.execute("select status from sync_run where kind = 'models'")]
    finally:
        con.close()
    assert listed == 0, "the interrupted provider's half-written models were committed"
    assert statuses == ["cancelled"]
    # The lock is free: a headless sync runs right after.
    r = sandbox.run("sync-models", "--provider", "openai", env={"OPENAI_API_KEY": "sk-test-openai-0123456789"})
    assert r.returncode == 0, r.stderr
    assert "Added 3,000 new models" in r.stdout
