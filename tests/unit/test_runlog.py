"""The run log file: one greppable line per provider per run, rotated by size, never a secret."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from aisync_tui.errors import register_secret
from aisync_tui.runlog import log_line


def settings_for(path: Path, max_bytes: int = 1_000_000, backups: int = 5) -> Any:
    return SimpleNamespace(log_file=path, log=SimpleNamespace(max_bytes=max_bytes, backups=backups))


LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ run=(\S+) (model sync|pricing sync|model cleanup|usage import) (.*)$")


def test_each_line_carries_time_run_id_job_provider_and_outcome(tmp_path: Path) -> None:
    log = tmp_path / "log" / "aisync.log"  # the folder is created on first use
    s = settings_for(log)
    log_line(s, "ab12cd34ef56", "models", "openai", "ok", found=74, added=2, updated=0)
    log_line(s, "ab12cd34ef56", "models", "xai", "failed", error="Invalid API key (verify the API key)")
    lines = log.read_text().splitlines()
    assert len(lines) == 2
    first = LINE.match(lines[0])
    assert first and first.group(1) == "ab12cd34ef56" and first.group(2) == "model sync"
    assert first.group(3) == "provider=openai status=ok found=74 added=2 updated=0"
    assert lines[1].endswith('provider=xai status=failed error="Invalid API key (verify the API key)"')
    assert [line for line in lines if "model sync" in line] == lines  # what `grep "model sync"` finds


def test_the_log_file_rotates_and_keeps_the_configured_number_of_backups(tmp_path: Path) -> None:
    log = tmp_path / "aisync.log"
    s = settings_for(log, max_bytes=400, backups=2)
    for i in range(40):
        log_line(s, f"run{i:04d}", "models", "openai", "ok", found=i)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["aisync.log", "aisync.log.1", "aisync.log.2"]
    assert all((tmp_path / f).stat().st_size <= 400 for f in files)
    assert log.read_text().splitlines()[-1].split()[1] == "run=run0039"  # newest in the live file
    assert "run=run0000" not in "".join((tmp_path / f).read_text() for f in files)  # oldest rotated away


def test_a_secret_in_an_error_never_reaches_the_log(tmp_path: Path) -> None:
    key = "sk-live-0123456789abcdefSECRET"
    register_secret(key)
    log = tmp_path / "aisync.log"
    log_line(settings_for(log), "r1", "models", "openai", "failed", error=f"Invalid API key: {key} rejected")
    text = log.read_text()
    assert key not in text and "***" in text


def test_an_unwritable_log_never_fails_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    log_line(settings_for(blocker / "aisync.log"), "r1", "models", "openai", "ok")  # must not raise


@pytest.mark.e2e
def test_sync_all_logs_a_line_per_provider_that_sync_failed_can_be_matched_with(sandbox: Any, three_providers: Any, keys_env: dict[str, str]) -> None:
    from tests.helpers import provider_config

    sandbox.write_config(provider_config(three_providers, "openai", "gemini", "xai"))
    env = dict(keys_env, GEMINI_API_KEY="gm-wrong-key-000000000000")
    assert sandbox.run("--sync-all", "--no-pricing", env=env).returncode == 1
    lines = [line for line in sandbox.log_file.read_text().splitlines() if "model sync" in line]
    by_provider = {re.search(r"provider=(\S+)", line).group(1): line for line in lines}  # type: ignore[union-attr]
    assert {p for p, line in by_provider.items() if "status=skipped" not in line} == {"openai", "gemini", "xai"}
    assert "status=ok" in by_provider["openai"] and "status=failed" in by_provider["gemini"]
    assert "gm-wrong-key" not in sandbox.log_file.read_text()
    [failed] = json.loads(sandbox.run("sync", "failed", "--format", "json").stdout)
    assert failed["provider"] == "gemini"
    assert f"run={failed['run']} " in by_provider["gemini"]  # the same run id in both places
