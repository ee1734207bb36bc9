"""Several servers sharing one store: a job scheduled on every server runs on one (the
reference's `onOneServer`); the others exit 75 at once, naming who holds the lock."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest

from tests.helpers import REPO, provider_config

pytestmark = [pytest.mark.postgres, pytest.mark.e2e]

#: The fake OpenAI answers this slowly, so the winner holds the lock for at least this long.
HOLD_SECONDS = 3.0


def test_two_concurrent_sync_all_one_runs_the_other_exits_75_at_once(
    location: str, sandbox: Any, three_providers: Any, keys_env: dict[str, str]
) -> None:
    three_providers.providers["openai"].latency = HOLD_SECONDS
    sandbox.write_config(provider_config(three_providers, "openai", "gemini", "xai"))
    env = dict(keys_env, AISYNC_DATABASE_URL=location)
    # a fresh store: both processes also create the schema at the same moment
    procs = [sandbox.popen("--sync-all", "--no-pricing", env=env) for _ in range(2)]
    start = time.monotonic()
    finished: dict[int, float] = {}
    while len(finished) < 2:
        for i, p in enumerate(procs):
            if i not in finished and p.poll() is not None:
                finished[i] = time.monotonic() - start
        assert time.monotonic() - start < 60, "a sync-all hung"
        time.sleep(0.02)
    outputs = [p.communicate() for p in procs]
    codes = [p.returncode for p in procs]
    assert sorted(codes) == [0, 75], (codes, outputs)
    winner, loser = (0, 1) if codes[0] == 0 else (1, 0)
    loser_err = outputs[loser][1]
    assert f"pid {procs[winner].pid}" in loser_err, loser_err
    assert "--sync-all" in loser_err and "holds the store's lock" in loser_err
    # "at once": the loser did not wait for the winner's (slow) run to finish
    assert finished[loser] < finished[winner] - 1.0, finished
    assert "openai ok" in outputs[winner][0]


_OPEN = "import sys; from aisync_tui.store.db import open_store; open_store(sys.argv[1]).close(); print('ok')"


def test_servers_starting_together_on_an_empty_database_all_get_the_schema(location: str) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", _OPEN, location], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
        for _ in range(4)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err[-400:] for _, err in results]
