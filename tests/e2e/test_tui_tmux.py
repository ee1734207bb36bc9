"""The real `python -m aisync_tui` in tmux, driven by keys as a user would: sync with a preview,
settings saved into a commented config, and quitting while a provider hangs."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fakeserver import Fault
from tests.helpers import provider_config

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")]

OTHERS = ("gemini", "xai", "anthropic", "openrouter", "mistral", "groq", "deepseek", "together", "ollama")
DISABLED = "".join(f"[providers.{p}]\nenabled = false\n" for p in OTHERS)
COMMENTED = """# aisync: my settings (this comment must survive a save from the app)

[pricing]
remote = false  # keep pricing offline
per = "1m"

"""


class Tmux:
    """One tmux server of our own (-L) with the app in a 120x35 window."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.socket = f"aisync-test-{os.getpid()}-{time.monotonic_ns()}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k in _PASS or k.startswith(("XDG_", "AISYNC_", "OPENAI_")))
        script = f"cd {shlex.quote(str(root))} && env {exports} TERM=xterm-256color {shlex.quote(_python())} -m aisync_tui; echo EXIT=$?; sleep 60"
        self.started = time.monotonic()
        self._tmux("new-session", "-d", "-s", "app", "-x", "120", "-y", "35", script)
        self._tmux("resize-window", "-t", "app", "-x", "120", "-y", "35")

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "app")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "app", *keys)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if predicate(shown):
                return shown
            time.sleep(0.1)
        raise AssertionError(f"timed out; the screen:\n{self.screen()}")

    def close(self) -> None:
        self._tmux("kill-server")


_PASS = ("HOME", "PATH", "PYTHONPATH", "NO_COLOR", "LANG", "LC_ALL")


def _python() -> str:
    import sys

    return sys.executable


@pytest.fixture
def app_in_tmux(sandbox: Any, fake_server: Any) -> Any:
    sessions: list[Tmux] = []

    def start(extra_config: str = "") -> Tmux:
        sandbox.write_config(COMMENTED + provider_config(fake_server, "openai", model_sync="cache_ttl = 0") + "\n" + DISABLED + extra_config)
        os.chmod(sandbox.config, 0o644)
        env = dict(sandbox.env, OPENAI_API_KEY="sk-test-openai-0123456789")
        session = Tmux(sandbox.root, env)
        sessions.append(session)
        session.wait_for(lambda s: "Providers" in s and "/" in s)
        return session

    yield start
    for s in sessions:
        s.close()


def _stored(db: Path, model_id: str) -> bool:
    con = sqlite3.connect(db)
    try:
        return con.execute("select count(*) from model where model_id = ? and available = 1", (model_id,)).fetchone()[0] > 0
    finally:
        con.close()


def test_a_sync_in_the_real_app_previews_then_applies_only_on_ctrl_y(app_in_tmux: Any, sandbox: Any, fake_server: Any) -> None:
    fake_server.add("openai", models=[{"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "openai"} for m in ("gpt-5", "o3")])
    app = app_in_tmux()
    app.keys("R")
    app.wait_for(lambda s: "Model sync: all providers: preview" in s and "+ gpt-5" in s)
    app.keys("y", "n", "Enter")  # single letters and Enter confirm nothing
    time.sleep(0.5)
    assert "Model sync: all providers: preview" in app.screen() and not _stored(sandbox.db, "gpt-5")
    app.keys("C-y")
    app.wait_for(lambda s: "Done: applied 1 provider" in s)
    assert _stored(sandbox.db, "gpt-5")


def test_settings_saved_in_the_real_app_keep_the_config_files_comments_and_mode(app_in_tmux: Any, sandbox: Any) -> None:
    app = app_in_tmux()
    app.keys(",")
    app.wait_for(lambda s: "Config file:" in s)
    app.keys("Tab", "Tab", "Tab", "Space")  # per, theme, then the first extra column (Released): on
    app.keys("Tab", "Tab", "Tab", "Space")  # the two other columns, then OpenAI's Enabled switch: off
    time.sleep(0.3)
    app.keys("C-s")
    app.wait_for(lambda s: "Settings saved" in s)
    text = sandbox.config.read_text()
    assert text.startswith("# aisync: my settings (this comment must survive a save from the app)")
    assert "remote = false  # keep pricing offline" in text
    assert "enabled = false" in text.split("[providers.openai]")[1].split("[")[0]
    assert '\ncolumns = ["released"]\n' in text.split("[ui]")[1]
    assert oct(os.stat(sandbox.config).st_mode & 0o777) == "0o644"


def test_quitting_the_real_app_while_a_provider_hangs_asks_then_exits_at_once(app_in_tmux: Any, fake_server: Any) -> None:
    fake_server.add("openai", models=[{"id": "gpt-5", "object": "model", "created": 1, "owned_by": "openai"}])
    fake_server.fault("openai", Fault(hang=True, repeat=10))
    app = app_in_tmux()
    app.keys("R")
    app.wait_for(lambda s: "Planning" in s)
    app.keys("b")
    time.sleep(0.3)
    app.keys("q")
    app.wait_for(lambda s: "is still running" in s)
    asked = time.monotonic()
    app.keys("C-q")
    shown = app.wait_for(lambda s: "EXIT=" in s, timeout=10)
    assert time.monotonic() - asked < 5, "the app waited for the silent provider"
    assert "EXIT=0" in shown
