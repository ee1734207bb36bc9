"""Hostile or broken usage data: the import stops with one line naming the line (or logs.db row),
exit 2, nothing written; a value already in the store never breaks a report.

The command runs in-process (`cli.main`) against a real SQLite store; the pipe case runs the real
command in a subprocess, so a hang would end in the subprocess timeout, not the test run.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aisync_tui.cli import main
from tests.unit.usage_helpers import build_logs_db, insert

HEADER = "timestamp,provider,model,requests,input_tokens,output_tokens,cached_tokens,cost_usd\n"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "config.toml").write_text("")
    monkeypatch.setenv("AISYNC_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("AISYNC_DATABASE_URL", str(tmp_path / "aisync.db"))
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _records(env: Path) -> int:
    if not (env / "aisync.db").exists():
        return 0
    con = sqlite3.connect(env / "aisync.db")
    try:
        return con.execute("select count(*) from usage_record").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize(
    "row, says",
    [
        ("2026-01-05T10:00:00Z,openai,gpt-4o,1,9223372036854775808,1,0,", "input_tokens must be a whole number"),
        ("2026-01-05T10:00:00Z,openai,gpt-4o,1,1e30,1,0,", "input_tokens must be a whole number"),
        ("2026-01-05T10:00:00Z,openai,gpt-4o,1,1e999999999,1,0,", "input_tokens must be a whole number"),
        ("2026-01-05T10:00:00Z,openai,gpt-4o,1,-1000000,1,0,", "input_tokens must not be negative"),
        ("2026-01-05T10:00:00Z,openai,gpt-4o,1,1000,100,0,1e40", "cost_usd '1e40' is above 1,000,000,000 USD"),
        ("2026-01-05T10:00:00Z,openai,gpt-4o,1,1000,100,0,1e999999999", "cost_usd must be a number"),
        ("2026-01-05T10:00:00Z,openai,gpt-4o,1,1000,100,0,1_000", "cost_usd must be a number"),
        ("0001-01-01T00:00:00+14:00,openai,gpt-4o,1,1,1,0,", "is out of range"),
        ("9999-12-31T23:59:59-12:00,openai,gpt-4o,1,1,1,0,", "is out of range"),
        ("9999-12-31T23:59:59Z,openai,gpt-4o,1,1,1,0,", "is in the future"),
        ("99999999999,openai,gpt-4o,1,1,1,0,", "is not a Unix time between 1970 and 2100"),
        ("1970-01-02,openai,gpt-4o,1,1,1,0,", "is before 2000-01-01"),
        ("2026-01-05T10:00:00Z,openai," + "m" * 100_000 + ",1,1,1,0,", "is longer than 512 characters"),
    ],
)
def test_an_absurd_csv_value_stops_the_import_at_its_line_and_writes_nothing(
    env: Path, capsys: pytest.CaptureFixture[str], row: str, says: str
) -> None:
    path = env / "usage.csv"
    path.write_text(HEADER + "2026-01-05T09:00:00Z,openai,gpt-4o,1,10,10,0,\n" + row + "\n")
    code, out, err = _run(capsys, "usage", "import", "csv", str(path))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "line 3:" in err and says in err
    assert _records(env) == 0


@pytest.mark.parametrize(
    "line, says",
    [
        ('{"timestamp": 1e20, "model": "gpt-4o"}', "timestamp"),
        ('{"timestamp": "2026-01-05", "model": "gpt-4o", "input_tokens": ' + "9" * 5000 + "}", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"timestamp": "2026-01-05", "model": "gpt-4o", "input_tokens": true}', "input_tokens must be a whole number"),
    ],
    ids=["unix-1e20", "5000-digit-int", "deep-nesting", "bool-tokens"],
)
def test_a_hostile_jsonl_line_is_one_error_line_with_its_number(env: Path, capsys: pytest.CaptureFixture[str], line: str, says: str) -> None:
    path = env / "usage.jsonl"
    path.write_text('{"timestamp": "2026-01-05", "model": "gpt-4o", "input_tokens": 5}\n' + line + "\n")
    code, _, err = _run(capsys, "usage", "import", "jsonl", str(path))
    assert code == 2
    assert "Traceback" not in err and err.count("\n") == 1
    assert "line 2:" in err and says in err


@pytest.mark.parametrize(
    "row, says",
    [
        ({"input_tokens": -1_000_000, "output_tokens": -5}, "input_tokens must not be negative"),
        ({"input_tokens": "lots", "output_tokens": 1}, "input_tokens must be a whole number"),
        ({"input_tokens": 1e300, "output_tokens": 1}, "input_tokens must be a whole number"),
        ({"input_tokens": 10, "output_tokens": 1, "token_details": '{"prompt_tokens_details": {"cached_tokens": -50}}'}, "cached_tokens must not be negative"),
        ({"input_tokens": 10, "output_tokens": 1, "datetime_utc": "9999-12-31T23:59:59-12:00"}, "out of range"),
        ({"input_tokens": 10, "output_tokens": 1, "datetime_utc": "2999-01-01T00:00:00"}, "in the future"),
    ],
)
def test_a_bad_logs_db_row_is_refused_naming_its_row_id(env: Path, capsys: pytest.CaptureFixture[str], row: dict, says: str) -> None:
    db = build_logs_db(env / "logs.db", "v3_resolved_model")
    good = {"id": "01good", "model": "gpt-4o", "datetime_utc": "2026-01-05T00:00:00+00:00", "input_tokens": 1, "output_tokens": 1}
    bad = {"id": "01bad", "model": "gpt-4o", "datetime_utc": "2026-01-06T00:00:00+00:00"} | row
    insert(db, "responses", [good, bad])
    code, _, err = _run(capsys, "usage", "import", "llm", str(db))
    assert code == 2
    assert "Traceback" not in err
    assert "row id '01bad'" in err and says in err
    assert _records(env) == 0


def test_two_machines_legacy_logs_are_both_kept_and_reimporting_adds_nothing(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = []
    for machine, model in (("a", "gpt-3.5-turbo"), ("b", "gpt-4")):
        db = build_logs_db(env / f"logs-{machine}.db", "v0_legacy_logs")
        insert(db, "logs", [{"model": model, "prompt": "x", "datetime_utc": f"2023-06-0{i}T12:00:00.000001"} for i in range(1, 4)])
        paths.append(db)
    for db in paths:
        code, out, _ = _run(capsys, "usage", "import", "llm", str(db))
        assert code == 0 and "Added: 3 / Updated: 0" in out
    assert _records(env) == 6
    for db in paths:
        code, out, _ = _run(capsys, "usage", "import", "llm", str(db))
        assert code == 0 and "Added: 0 / Updated: 0 / Already imported: 3" in out
    assert _records(env) == 6


def test_a_legacy_log_imported_by_an_older_version_is_not_counted_twice(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = build_logs_db(env / "logs.db", "v0_legacy_logs")
    insert(db, "logs", [{"model": "gpt-4", "prompt": "x", "datetime_utc": "2023-06-01T12:00:00"}])
    assert _run(capsys, "usage", "import", "llm", str(db))[0] == 0
    con = sqlite3.connect(env / "aisync.db")
    with con:  # what an older version stored: the bare row id
        con.execute("update usage_record set source_ref = 'llm:logs:1'")
    con.close()
    code, out, _ = _run(capsys, "usage", "import", "llm", str(db))
    assert code == 0 and "Added: 0" in out
    assert _records(env) == 1


def test_a_cost_too_large_for_a_report_in_the_store_still_gives_a_report(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = env / "usage.csv"
    path.write_text(HEADER + "2026-11-20T10:00:00Z,openai,gpt-4o,1,1000,100,0,2.5\n")
    assert _run(capsys, "usage", "import", "csv", str(path))[0] == 0
    con = sqlite3.connect(env / "aisync.db")
    with con:  # written by hand, or by a version that did not bound costs
        con.execute("update usage_record set cost_usd = '1e40'")
        con.execute(
            "insert into usage_record (ts, provider, model_id, requests, input_tokens, output_tokens, cached_tokens, cost_usd, cost_source, source, source_ref, imported_at) "
            "select ts, provider, model_id, requests, input_tokens, output_tokens, cached_tokens, 'NaN', cost_source, source, 'x:2', imported_at from usage_record"
        )
    con.close()
    for args in (
        ("usage", "report", "--days", "36500"),
        ("usage", "report", "--format", "json", "--days", "36500"),
        ("usage", "report", "--provider", "openai", "--format", "csv", "--days", "36500"),
        ("models", "info", "gpt-4o", "openai", "--days", "36500"),
    ):
        code, out, err = _run(capsys, *args)
        assert code == 0, err
        assert "Traceback" not in err


def test_a_report_over_a_hundred_million_days_is_one_line(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "usage", "report", "--days", "100000000")
    assert code == 2
    assert err.startswith("aisync: error: --days must be at most 36,500") and err.count("\n") == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("kind", ["llm", "csv"])
def test_a_named_pipe_is_refused_at_once_instead_of_hanging(tmp_path: Path, kind: str) -> None:
    from tests.helpers import make_sandbox

    sandbox = make_sandbox(tmp_path)
    fifo = tmp_path / "logs.db"
    os.mkfifo(fifo)
    r = subprocess.run(
        [sys.executable, "-m", "aisync_tui", "usage", "import", kind, str(fifo)],
        env=sandbox.env, capture_output=True, text=True, timeout=30,
    )
    assert r.returncode == 2
    assert "not a regular file" in r.stderr


def test_admin_api_answers_with_absurd_numbers_or_dates_are_a_bad_response_not_a_traceback() -> None:
    from aisync_tui.errors import BadResponse
    from aisync_tui.usage import anthropic_admin, openai_admin

    day = 1_767_225_600  # 2026-01-01
    bad_usage = [{"data": [{"start_time": day, "results": [{"model": "gpt-4o", "input_tokens": 1e30, "output_tokens": 1}]}]}]
    with pytest.raises(BadResponse, match="input_tokens must be a whole number"):
        openai_admin.parse_usage_pages(bad_usage)
    with pytest.raises(BadResponse, match="start_time"):
        openai_admin.parse_usage_pages([{"data": [{"start_time": 10**20, "results": []}]}])
    bad_cost = [{"data": [{"start_time": day, "results": [{"amount": {"value": "1e40", "currency": "usd"}, "line_item": "gpt-4o, input"}]}]}]
    with pytest.raises(BadResponse, match="is above 1,000,000,000 USD"):
        openai_admin.parse_cost_pages(bad_cost)
    future = [{"data": [{"starting_at": "9999-12-31T00:00:00Z", "results": [{"model": "claude", "output_tokens": 1}]}]}]
    with pytest.raises(BadResponse, match="in the future"):
        anthropic_admin.parse_usage_pages(future)
    with pytest.raises(BadResponse, match="must not be negative"):
        anthropic_admin.parse_cost_pages([{"data": [{"starting_at": "2026-01-01T00:00:00Z", "results": [{"amount": "-5", "currency": "USD"}]}]}])
