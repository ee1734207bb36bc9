"""Run, usage and bookkeeping records damaged in the store (a hand edit, another tool on a shared
database; SQLite keeps whatever it is given): every command reads on and shows what it cannot read
as such, a record that cannot be counted is left out and counted, never taken as 0, and where
nothing can be read the command says in one line how to mend it. The real command in a subprocess,
on a real SQLite store seeded from the bundled snapshot, with usage imported from a CSV file."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.helpers import Sandbox, make_sandbox

pytestmark = pytest.mark.e2e


def _day(days_ago: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days_ago)).strftime("%Y-%m-%dT10:00:00Z")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    """A seeded store with three usage records (3, 2 and 1 requests) and two model-sync runs."""
    sb = make_sandbox(tmp_path_factory.mktemp("records"))
    usage = sb.root / "usage.csv"
    usage.write_text(
        "timestamp,provider,model,requests,input_tokens,output_tokens,cached_tokens,cost_usd,ref\n"
        f"{_day(3)},openai,gpt-4o-mini,3,1000,200,0,,a\n"
        f"{_day(2)},openai,gpt-4o,2,5000,100,0,,b\n"
        f"{_day(1)},openai,gpt-4o,1,700,70,0,0.01,c\n"
    )
    r = sb.run("usage", "import", "csv", str(usage))
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(sb.db)
    with con:
        for status, error in (("failed", "boom"), ("ok", None)):
            con.execute(
                'insert into sync_run (kind, provider, "group", started_at, finished_at, status, found, added, updated, unchanged, '
                "missing, removed, prices_changed, error) values ('models', 'openai', ?, '2026-12-05 10:00:00', '2026-12-05 10:00:05', "
                "?, 5, 1, 1, 3, 0, 0, 0, ?)", (f"g-{status}", status, error))
    con.close()
    return sb


@pytest.fixture
def sb(base: Sandbox, tmp_path: Path) -> Sandbox:
    own = make_sandbox(tmp_path)
    shutil.copy(base.db, own.db)
    shutil.copy(base.root / "usage.csv", own.root / "usage.csv")
    return own


def _damage(sb: Sandbox, *statements: str) -> None:
    con = sqlite3.connect(sb.db)
    with con:
        for sql in statements:
            con.execute(sql)
    con.close()


def _ok(r: subprocess.CompletedProcess[str]) -> None:
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout + r.stderr


def test_a_schema_version_that_is_not_a_number_is_one_line_saying_how_to_set_it_back(sb: Sandbox) -> None:
    _damage(sb, "update aisync_meta set value = 'abc' where key = 'schema_version'")
    r = sb.run("models", "list")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "schema version record (aisync_meta.schema_version) reads 'abc', not a number" in lines[0]
    assert "update aisync_meta set value = '" in lines[0]


def test_usage_records_that_cannot_be_counted_are_left_out_and_counted_then_mended_by_importing_again(sb: Sandbox) -> None:
    _damage(sb, "update usage_record set input_tokens = 'abc' where source_ref like '%a'",
            "update usage_record set ts = '2026-12-02 garbage', output_tokens = -5 where source_ref like '%b'")
    report = sb.run("usage", "report")
    _ok(report)
    assert "Left out: 2 records whose stored time or token counts cannot be read" in report.stdout
    assert "Total Requests: 1\n" in report.stdout and "Total Tokens: 770 " in report.stdout  # the sound record only
    data = json.loads(sb.run("usage", "report", "--format", "json").stdout)
    assert data["damaged_records"] == 2 and data["totals"]["input_tokens"] == 700
    info = sb.run("models", "info", "gpt-4o-mini", "openai")
    _ok(info)
    assert "Left out: 1 record whose stored time or token counts cannot be read" in info.stdout
    assert json.loads(sb.run("models", "info", "gpt-4o", "openai", "--format", "json").stdout)["usage"]["damaged_records"] == 1
    _ok(sb.run("usage", "whatif", "--model", "gpt-4o", "openai"))
    again = sb.run("usage", "import", "csv", str(sb.root / "usage.csv"))
    _ok(again)
    mended = json.loads(sb.run("usage", "report", "--format", "json").stdout)
    assert mended["damaged_records"] == 0 and mended["totals"]["input_tokens"] == 6700 and mended["totals"]["records"] == 3


def test_run_records_with_damaged_times_counts_and_text_still_list(sb: Sandbox) -> None:
    _damage(sb, "update sync_run set started_at = 'garbage', found = 'abc', added = x'00', error = x'ff41' where \"group\" = 'g-failed'",
            "update sync_run set finished_at = '2020-01-01' where \"group\" = 'g-ok'")
    status = sb.run("sync", "status")
    _ok(status)
    failed = sb.run("sync", "failed")
    _ok(failed)
    assert "\ufffdA" in failed.stdout  # the error text, its bytes read as UTF-8
    bad = json.loads(sb.run("sync", "failed", "--format", "json").stdout)
    assert bad, "the failed run is listed"
    assert [(r["run"], r["found"], r["added"], r["started_at"]) for r in bad] == [("g-failed", None, None, None)]
    ok = json.loads(sb.run("sync", "status", "--format", "json").stdout)["providers"]
    last = next(p["last_run"] for p in ok if p["provider"] == "openai" and p["kind"] == "models")
    assert last["run"] == "g-ok" and last["seconds"] is None  # finished before it started: no duration, never a negative one


def test_a_model_whose_provider_row_is_gone_or_a_blob_slug_or_source_does_not_stop_pricing_or_cost(sb: Sandbox) -> None:
    _damage(sb, "pragma foreign_keys = off", "delete from provider where slug = 'xai'",
            "update provider set slug = cast('openai' as blob) where slug = 'openai'",
            "update price set source = cast('snapshot' as blob) where model_id in "
            "(select m.id from model m join provider p on p.id = m.provider_id where p.slug = 'gemini')")
    _ok(sb.run("sync-pricing", "--offline", "--dry-run"))
    _ok(sb.run("cheapest", "--input-tokens", "1000"))
    cost = sb.run("cost", "--model", "gemini-2.5-flash", "gemini", "--input-tokens", "1000", "--format", "json")
    _ok(cost)
    assert json.loads(cost.stdout)[0]["price_source"] == "snapshot"


def test_a_yes_no_other_than_1_or_0_is_not_stated_never_yes(sb: Sandbox) -> None:
    _damage(sb, "update model set open_weights = 'abc', available = 'abc', in_catalog = 2 where model_id = 'gpt-4o-mini'")
    data = json.loads(sb.run("models", "info", "gpt-4o-mini", "openai", "--format", "json").stdout)
    assert data["open_weights"] is None and data["available"] is not True
    listed = {m["id"]: m for m in json.loads(sb.run("models", "list", "--provider", "openai", "--search", "gpt-4o-mini", "--format", "json").stdout)}
    assert listed["gpt-4o-mini"]["open_weights"] is None and listed["gpt-4o-mini"]["available"] is False
    assert "gpt-4o-mini" not in {m["id"] for m in json.loads(sb.run("models", "list", "--open-weights", "--format", "json").stdout)}


def test_a_price_stored_in_another_currency_is_never_shown_or_used_as_dollars(sb: Sandbox) -> None:
    _damage(sb, "update price set currency = 'XYZ' where effective_until is null and model_id = "
                "(select m.id from model m join provider p on p.id = m.provider_id where p.slug = 'openai' and m.model_id = 'gpt-4o-mini')")
    info = sb.run("models", "info", "gpt-4o-mini", "openai")
    _ok(info)
    pricing = info.stdout.split("Current Pricing:")[1].split("Source:")[0]
    assert "Stated in XYZ, not US dollars" in pricing and "$" not in pricing
    history = sb.run("models", "info", "gpt-4o-mini", "openai", "--history").stdout.split("Pricing History:")[1].split("Usage")[0]
    assert "stated in XYZ, not US dollars" in history and "$" not in history
    data = json.loads(sb.run("models", "info", "gpt-4o-mini", "openai", "--format", "json").stdout)
    assert data["pricing"]["current"]["currency"] == "XYZ"
    listed = {m["id"]: m for m in json.loads(sb.run("models", "list", "--provider", "openai", "--format", "json").stdout)}
    assert listed["gpt-4o-mini"]["pricing"]["input_cost_per_token"] is None and listed["gpt-4o"]["pricing"]["input_cost_per_token"] is not None
    cost = json.loads(sb.run("cost", "--model", "gpt-4o-mini", "openai", "--input-tokens", "1000", "--format", "json").stdout)
    assert cost[0]["cost_usd"] is None


def test_a_time_outside_the_calendar_or_a_damaged_unpriced_usage_record_stops_no_command(sb: Sandbox) -> None:
    _damage(sb, "update model set created_at = '9999-12-31T23:00:00-05:00' where model_id = 'gpt-4o-mini'",
            "update usage_record set cost_usd = null, cost_source = null, ts = '2026-13-01 00:00:00' where source_ref like '%a'",
            "update usage_record set cost_usd = null, cost_source = null, input_tokens = 'abc' where source_ref like '%b'")
    listed = sb.run("models", "list", "--provider", "openai", "--format", "json")
    _ok(listed)
    assert {m["id"]: m for m in json.loads(listed.stdout)}["gpt-4o-mini"]["created_at"] is None
    _ok(sb.run("sync-pricing", "--offline"))  # prices waiting usage: the damaged records stay unpriced
    report = json.loads(sb.run("usage", "report", "--format", "json").stdout)
    # The month-13 time sorts after every window's end, so no window selects it; the other is counted.
    assert report["damaged_records"] == 1 and report["totals"]["records"] == 1
