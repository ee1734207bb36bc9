"""The real `aisync usage whatif` in a subprocess, on usage imported from a logs.db written the
way the `llm` tool writes it, re-priced on another model of the bundled catalog."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.unit.usage_helpers import build_logs_db, insert

pytestmark = pytest.mark.e2e


@pytest.fixture
def used(sandbox, tmp_path: Path):
    sandbox.write_config("[pricing]\nremote = false\n")
    assert sandbox.run("sync-pricing", "--offline").returncode == 0  # the bundled catalog, priced
    db = build_logs_db(tmp_path / "logs.db", "v3_resolved_model")
    day = (datetime.now(timezone.utc) - timedelta(days=2)).strftime("%Y-%m-%d")
    insert(db, "responses", [
        {"id": "01short", "model": "gpt-4o-mini", "datetime_utc": f"{day}T08:00:00+00:00", "input_tokens": 1000, "output_tokens": 100},
        {"id": "01long", "model": "gpt-4o-mini", "datetime_utc": f"{day}T09:00:00+00:00", "input_tokens": 250_000, "output_tokens": 10},
        {"id": "01mystery", "model": "mystery-model", "datetime_utc": f"{day}T10:00:00+00:00", "input_tokens": 2000, "output_tokens": 50},
    ])
    r = sandbox.run("usage", "import", "llm", str(db))
    assert r.returncode == 0, r.stderr
    return sandbox


def test_whatif_reprices_each_record_with_long_context_tiers_and_compares_like_for_like(used):
    r = used.run("usage", "whatif", "--model", "gemini-2.5-pro", "gemini", "--days", "7", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["records"] == 3
    # As recorded (gpt-4o-mini at $0.15/$0.60 per 1M): 0.00021 + 0.037506; the mystery model has no price.
    assert data["actual_cost_usd"] == "0.037716" and data["actual_unpriced_records"] == 1
    # On gemini-2.5-pro ($1.25/$10, above 200k prompt tokens $2.50/$15):
    # 0.00125 + 0.001, then 250,000 x 2.5e-6 + 10 x 15e-6 = 0.62515, then 0.0025 + 0.0005.
    assert data["whatif_cost_usd"] == "0.6304" and data["whatif_unpriced_records"] == 0
    assert data["comparable"] == {"records": 2, "actual_cost_usd": "0.037716", "whatif_cost_usd": "0.6274", "difference_usd": "0.589684"}
    text = used.run("usage", "whatif", "--model", "gemini-2.5-pro", "gemini", "--days", "7")
    assert "What it cost: $0.0377 (1 record without a known cost left out)" in text.stdout
    assert "On gemini-2.5-pro (gemini): $0.6304" in text.stdout


def test_records_the_other_model_cannot_price_are_counted_not_guessed(used):
    # Take the base output price away: only the long prompt, which the long-context tier prices
    # in full, can still be re-priced.
    import sqlite3

    con = sqlite3.connect(used.db)
    with con:
        con.execute("update price set output = null where model_id = (select m.id from model m join provider v on v.id = m.provider_id where m.model_id = 'gemini-2.5-pro' and v.slug = 'gemini')")
    con.close()
    data = json.loads(used.run("usage", "whatif", "--model", "gemini-2.5-pro", "gemini", "--format", "json").stdout)
    assert data["whatif_cost_usd"] == "0.62515" and data["whatif_unpriced_records"] == 2
    assert data["whatif_missing"] == {"output": 2}
    assert data["comparable"]["records"] == 1
    text = used.run("usage", "whatif", "--model", "gemini-2.5-pro", "gemini").stdout
    assert "2 records it cannot price left out: no price for output (2)" in text


def test_whatif_on_an_unknown_model_exits_2(used):
    r = used.run("usage", "whatif", "--model", "no-such-model", "openai")
    assert r.returncode == 2 and "not found for provider 'openai'" in r.stderr
