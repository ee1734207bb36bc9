"""Applications recording usage while syncs run: the store never corrupts and no call is lost.

An application calls `aisync_tui.usage.record(..., database=PATH)` every few milliseconds from its
own process while the real `aisync` syncs thousands of models (and prices) against the loopback
fake server. Afterwards SQLite's integrity check passes and every call is accounted for: its
record is in the store, or it raised the documented `StoreError`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .fakeserver import FakeProviderServer
from .faultkit import REPO, Sandbox, openai_models, xai_models

pytestmark = pytest.mark.e2e

RECORDER = r"""
import json, sys, time
from pathlib import Path
from aisync_tui.errors import StoreError
from aisync_tui.usage import record

db, stop, out, pause = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4])
calls = []
i = 0
while not stop.exists():
    ref = f"stress-{i}"
    started = time.monotonic()
    try:
        got = record("openai", "gpt-4o-0001", 1000, 100, ref=ref, database=db)
        calls.append({"ref": ref, "ok": got.source_ref == "api:" + ref, "s": time.monotonic() - started})
    except StoreError as exc:
        calls.append({"ref": ref, "error": "StoreError", "line": exc.line(), "s": time.monotonic() - started})
    except BaseException as exc:
        calls.append({"ref": ref, "error": type(exc).__module__ + "." + type(exc).__name__, "line": str(exc)})
    i += 1
    time.sleep(pause)
out.write_text(json.dumps(calls))
"""


def _lists(step: int) -> tuple[list, list]:
    """Every model changes from one step to the next, so each sync rewrites the whole catalog."""
    openai = openai_models(3000)
    for m in openai:
        m["owned_by"] = f"owner-{step}"
    return openai, xai_models(1000, price=20_000 + 100 * step)


def test_usage_recorded_by_an_application_during_syncs_is_all_kept_and_the_store_stays_sound(tmp_path: Path) -> None:
    with FakeProviderServer() as server:
        openai, xai = _lists(0)
        server.add("openai", models=openai)
        server.add("xai", models=xai, language=[], image=[])
        sb = Sandbox(tmp_path, server, providers=("openai", "xai"), model_sync={"batch_size": 200, "timeout": 20})
        sb.write_config()
        first = sb.run("sync-models", timeout=120)
        assert first.returncode == 0, first.stderr

        stop, out = tmp_path / "stop", tmp_path / "calls.json"
        env = sb.env(PYTHONPATH=str(REPO))
        recorder = subprocess.Popen(
            [sys.executable, "-c", RECORDER, str(sb.db), str(stop), str(out), "0.003"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        syncs = []
        started = time.monotonic()
        try:
            for step, args in enumerate(
                [("sync-models", "--force"), ("sync-pricing", "--force"), ("--sync-all", "--force")], start=1
            ):
                openai, xai = _lists(step)
                with server.lock:
                    server.providers["openai"].models = openai
                    server.providers["xai"].models = xai
                syncs.append(sb.run(*args, timeout=120))
        finally:
            stop.touch()
            _, err = recorder.communicate(timeout=60)
        elapsed = time.monotonic() - started
        assert recorder.returncode == 0, err
        for result in syncs:
            assert result.returncode == 0, (result.args, result.stdout, result.stderr)

        assert sb.sql("PRAGMA integrity_check") == [("ok",)]
        calls = json.loads(out.read_text())
        stored = {r[0] for r in sb.sql("SELECT source_ref FROM usage_record WHERE source_ref LIKE 'api:stress-%'")}
        ok = [c for c in calls if c.get("ok")]
        refused = [c for c in calls if "error" in c]
        assert not [c for c in calls if "error" not in c and not c.get("ok")]
        assert all(c["error"] == "StoreError" for c in refused), refused[:3]
        assert {"api:" + c["ref"] for c in ok} == stored, "a call said it stored a record that is not there, or the reverse"
        # A call waits its turn: it is refused only once the busy timeout (10 s) has run out, never
        # at once (as a read that turned into a write used to be).
        assert all(c["s"] >= 9 and "locked" in c["line"] for c in refused), refused[:3]
        assert len(ok) > 200, f"only {len(ok)} calls in {elapsed:.1f} s"
        # Each sync rewrote the whole catalog while the application was recording.
        owners = sb.sql("SELECT DISTINCT owned_by FROM model m JOIN provider p ON p.id = m.provider_id WHERE p.slug = 'openai' AND m.available")
        assert owners == [("owner-3",)]
        print(f"{len(ok)} calls stored during {len(syncs)} syncs in {elapsed:.1f} s; slowest call {max(c['s'] for c in ok):.2f} s; {len(refused)} refused")
