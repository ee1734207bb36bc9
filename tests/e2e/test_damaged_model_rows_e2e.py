"""Model rows damaged in the store: SQLite keeps whatever it is given, so a hand edit or another tool
can leave a blob where a name belongs or text where a token limit does. Every command reads on,
a damaged cell shows as what can be read of it (a token limit: unknown), and the next sync writes
the provider's values again. The real command in a subprocess, a real SQLite store, the provider on
the loopback server."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .fakeserver import FakeProviderServer
from .faultkit import Sandbox, xai_models

pytestmark = pytest.mark.e2e


@pytest.fixture
def damaged(tmp_path: Path) -> Iterator[Sandbox]:
    with FakeProviderServer() as server:
        server.add("xai", models=xai_models(4), language=[], image=[])
        sb = Sandbox(tmp_path, server, providers=("xai",))
        sb.write_config()
        first = sb.run("sync-models")
        assert first.returncode == 0, first.stderr
        _damage(sb)
        yield sb


def _damage(sb: Sandbox) -> None:
    import sqlite3

    con = sqlite3.connect(sb.db)
    with con:
        con.execute("update model set name = x'00ff41', context_length = 'abc', type = x'01', description = x'ff' "
                    "where model_id = 'grok-test-0000'")
        con.execute("update model set status = x'00', max_output_tokens = x'00', released_at = x'00ff' where model_id = 'grok-test-0001'")
        con.execute("update model set model_id = cast('grok-test-0002' as blob) where model_id = 'grok-test-0002'")
    con.close()


def _ok(r: subprocess.CompletedProcess[str]) -> None:
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout + r.stderr


def test_lists_show_a_damaged_cell_as_what_can_be_read_of_it(damaged: Sandbox) -> None:
    table = damaged.run("models", "list", "--provider", "xai")
    _ok(table)
    line = next(line for line in table.stdout.splitlines() if "grok-test-0000" in line)
    assert "\\x01" in line  # the type: a control character shown escaped, never sent to the terminal
    rows = {m["id"]: m for m in json.loads(damaged.run("models", "list", "--provider", "xai", "--format", "json").stdout)}
    assert rows["grok-test-0000"]["context_length"] is None  # text where a number belongs: unknown
    assert rows["grok-test-0000"]["name"] == "\x00\ufffdA"  # a blob name: its bytes as UTF-8
    assert rows["grok-test-0001"]["max_output_tokens"] is None and rows["grok-test-0001"]["released_at"] is None
    assert rows["grok-test-0002"]["context_length"] == 131072  # a blob id: read, and the rest of its row with it
    assert rows["grok-test-0003"]["context_length"] == 131072
    listed = damaged.run("models", "list", "--provider", "xai", "--format", "csv")
    _ok(listed)
    assert {r["Model"] for r in csv.DictReader(io.StringIO(listed.stdout))} >= {f"grok-test-000{i}" for i in range(4)}


def test_info_and_cost_read_a_damaged_model(damaged: Sandbox) -> None:
    info = damaged.run("models", "info", "grok-test-0000", "xai")
    _ok(info)
    assert "Context Length: unknown" in info.stdout and "Name: \\x00\ufffdA" in info.stdout
    data = json.loads(damaged.run("models", "info", "grok-test-0001", "xai", "--format", "json").stdout)
    assert data["status"] == "\x00" and data["max_output_tokens"] is None and data["released_at"] is None
    cost = damaged.run("cost", "--model", "grok-test-0000", "xai", "--input-tokens", "1000")
    _ok(cost)
    row = next(line for line in cost.stdout.splitlines() if "grok-test-0000" in line)
    assert [cell.strip() for cell in row.strip("|").split("|")][2] == "—"  # the context length: unknown
    _ok(damaged.run("cheapest", "--provider", "xai", "--input-tokens", "1000"))
    _ok(damaged.run("sync-pricing", "--offline", "--dry-run"))


def test_the_next_sync_writes_the_providers_values_again(damaged: Sandbox) -> None:
    again = damaged.run("sync-models", "--json")
    _ok(again)
    report = next(p for p in json.loads(again.stdout)["providers"] if p["provider"] == "xai")
    assert (report["status"], report["updated"], report["added"]) == ("ok", 2, 0)
    rows = damaged.sql("select cast(model_id as text), context_length, typeof(context_length), type, status from model m "
                       "join provider p on p.id = m.provider_id where p.slug = 'xai' and m.status != 'catalog' order by 1")
    assert [r[0] for r in rows] == [f"grok-test-000{i}" for i in range(4)]  # no model added twice
    first = rows[0]
    assert first[1:4] == (131072, "integer", "chat")
    assert rows[1][4] == "active"


def test_text_that_is_not_utf8_is_one_line_naming_the_column_and_what_to_do(damaged: Sandbox) -> None:
    import sqlite3

    con = sqlite3.connect(damaged.db)
    with con:
        con.execute("update model set owned_by = cast(x'ff41' as text) where model_id = 'grok-test-0003'")
    con.close()
    r = damaged.run("models", "info", "grok-test-0003", "xai")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "text that is not UTF-8 in the column 'owned_by'" in lines[0] and "sqlite3 shell" in lines[0]
