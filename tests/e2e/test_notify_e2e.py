"""Notifications end to end: the real `aisync sync-pricing` in a subprocess, Apprise's json:// URL
posting to a webhook on the loopback server. A price change of a model the user has used is news;
the same change on a catalog model nobody uses is not; a failing URL never changes the exit code."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from aisync_tui.pricing.sources import snapshot_bytes

pytestmark = pytest.mark.e2e

TOKEN = "tok-9f8e7d6c5b4a"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def feeds(fake_server):
    litellm = json.loads(snapshot_bytes("litellm"))
    state = fake_server.add("feeds", "feed", key=None, files={"/litellm.json": json.dumps(litellm).encode(), "/genai.json": snapshot_bytes("genai")})
    fake_server.add("hook", "webhook", key=None)

    def change(model: str, **prices: float) -> None:
        litellm[model].update(prices)
        state.extra["files"]["/litellm.json"] = json.dumps(litellm).encode()

    return change


def _setup(sandbox, fake_server, tmp_path: Path, url: str) -> None:
    base = f"http://127.0.0.1:{fake_server.port}/feeds"
    sandbox.write_config(
        f'[pricing]\nfeed_url = "{base}/litellm.json"\ngenai_prices_url = "{base}/genai.json"\n\n'
        f'[notify]\nurls = ["{url}"]\ntimeout = 5\n'
    )
    first = sandbox.run("sync-pricing")
    assert first.returncode == 0, first.stderr
    usage = tmp_path / "usage.jsonl"
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    usage.write_text(json.dumps({"timestamp": now, "provider": "openai", "model": "gpt-4o-mini", "input_tokens": 1000, "output_tokens": 10, "requests": 1}) + "\n")
    assert sandbox.run("usage", "import", "jsonl", str(usage)).returncode == 0


def _periods(sandbox, model: str) -> int:
    import sqlite3

    con = sqlite3.connect(sandbox.db)
    try:
        sql = "select count(*) from price p join model m on m.id = p.model_id join provider v on v.id = m.provider_id where m.model_id = ? and v.slug = 'openai'"
        return con.execute(sql, (model,)).fetchone()[0]
    finally:
        con.close()


def _messages(fake_server) -> list[dict]:
    return [json.loads(r["body"]) for r in fake_server.requests("hook") if r["method"] == "POST"]


def test_a_price_change_of_a_used_model_is_sent_and_catalog_churn_is_not(sandbox, fake_server, feeds, tmp_path):
    url = f"json://127.0.0.1:{fake_server.port}/hook/notify?token={TOKEN}"
    _setup(sandbox, fake_server, tmp_path, url)
    assert _messages(fake_server) == []  # the first sync priced everything: nothing was re-priced

    feeds("gpt-4o", input_cost_per_token=3e-06)  # a catalog model nobody here uses
    churn = sandbox.run("sync-pricing", "--force")
    assert churn.returncode == 0, churn.stderr
    assert _periods(sandbox, "gpt-4o") == 2  # the change was recorded...
    assert _messages(fake_server) == []     # ...and is not news

    feeds("gpt-4o-mini", input_cost_per_token=2e-07)  # the model the user used today
    dry = sandbox.run("sync-pricing", "--force", "--dry-run")
    assert dry.returncode == 0 and _messages(fake_server) == []  # a dry run commits nothing: no news

    r = sandbox.run("sync-pricing", "--force")
    assert r.returncode == 0, r.stderr
    (message,) = _messages(fake_server)
    assert message["title"] == "aisync: 1 change for your models"
    assert "Price changes (1):\n  openai/gpt-4o-mini: input $0.15 → $0.20 per 1M tokens" in message["message"]
    assert "gpt-4o:" not in message["message"]
    log = sandbox.log_file.read_text()
    assert "notify" in log and TOKEN not in log


def test_a_failing_notification_url_is_a_warning_and_leaves_the_exit_code_alone(sandbox, fake_server, feeds, tmp_path):
    url = f"json://127.0.0.1:{_closed_port()}/notify?token={TOKEN}"
    _setup(sandbox, fake_server, tmp_path, url)
    feeds("gpt-4o-mini", input_cost_per_token=2e-07)
    r = sandbox.run("--sync-all", "--force")
    assert r.returncode == 0, r.stderr
    assert "warning: notification not sent" in r.stderr
    assert TOKEN not in r.stdout + r.stderr + sandbox.log_file.read_text()
    assert "notify" in sandbox.log_file.read_text() and "status=failed" in sandbox.log_file.read_text()
    test = sandbox.run("notify", "test")
    assert test.returncode == 1 and "test message not sent to json://…" in test.stderr and TOKEN not in test.stderr


def test_notify_test_reaches_the_webhook(sandbox, fake_server):
    fake_server.add("hook", "webhook", key=None)
    sandbox.write_config(f'[notify]\nurls = ["json://127.0.0.1:{fake_server.port}/hook/x?token={TOKEN}"]\n')
    r = sandbox.run("notify", "test")
    assert r.returncode == 0, r.stderr
    assert "✓ Sent a test message to 1 URL (json://…)" in r.stdout and TOKEN not in r.stdout
    (message,) = _messages(fake_server)
    assert message["title"] == "aisync: test message"


def test_without_apprise_a_sync_run_warns_once_naming_the_extra_and_succeeds(sandbox, fake_server, feeds, tmp_path):
    url = f"json://127.0.0.1:{fake_server.port}/hook/notify?token={TOKEN}"
    _setup(sandbox, fake_server, tmp_path, url)
    feeds("gpt-4o-mini", input_cost_per_token=2e-07)
    code = "import sys, runpy\nsys.modules['apprise'] = None\nsys.argv = ['aisync', 'sync-pricing', '--force']\nrunpy.run_module('aisync_tui', run_name='__main__')\n"
    r = subprocess.run([sys.executable, "-c", code], env=sandbox.env, cwd=sandbox.root, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    warnings = [line for line in r.stderr.splitlines() if "notify" in line]
    assert len(warnings) == 1 and "pip install 'aisync-tui[notify]'" in warnings[0] and TOKEN not in r.stderr
    assert _messages(fake_server) == []


def test_without_apprise_a_configured_notify_says_which_extra_to_install(sandbox, fake_server):
    # Apprise is installed here: make its import fail in the child, as on a machine without the extra.
    sandbox.write_config(f'[notify]\nurls = ["json://127.0.0.1:{fake_server.port}/hook?token={TOKEN}"]\n')
    code = (
        "import sys, runpy\n"
        "sys.modules['apprise'] = None  # import apprise -> ImportError\n"
        "sys.argv = ['aisync', 'notify', 'test']\n"
        "runpy.run_module('aisync_tui', run_name='__main__')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], env=sandbox.env, cwd=sandbox.root, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'aisync-tui[notify]'" in lines[0]


def test_a_webhook_that_never_answers_costs_the_run_at_most_the_timeout(sandbox, fake_server):
    import time

    from tests.e2e.fakeserver import Fault

    fake_server.add("hook", "webhook", key=None)
    fake_server.fault("hook", Fault(hang=True))
    sandbox.write_config(f'[notify]\nurls = ["json://127.0.0.1:{fake_server.port}/hook/x?token={TOKEN}"]\ntimeout = 1\n')
    start = time.monotonic()
    r = sandbox.run("notify", "test")
    elapsed = time.monotonic() - start
    # Either our bound ends the wait ("took longer than 1 s") or Apprise's own timeouts, which are
    # set inside it, give up first ("connection error"): one line either way, the token never in it.
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 1 and len(lines) == 1, r.stderr
    assert "took longer than 1 s" in lines[0] or "Connection error" in lines[0], lines[0]
    assert TOKEN not in r.stderr
    # Start-up plus the 1 s bound; Apprise's own read timeout alone is 4 s, and its thread pool is
    # joined at exit, so without the bound reaching Apprise the process would outlive it.
    assert elapsed < 4.5, elapsed
