"""`aisync models list` shows the models.dev facts and the sources' disagreements: `--columns` in the
table and CSV, and every model's facts in `--format json`. The real command in a subprocess, on a
real SQLite store filled by the bundled snapshot and one `sync-pricing` from local feed files in
which LiteLLM states another price for gpt-4o than models.dev does."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from aisync_tui.pricing.sources import snapshot_bytes
from tests.helpers import Sandbox, make_sandbox

pytestmark = pytest.mark.e2e

ALL = "released,cutoff,updated,open_weights,disputed"
FACT_HEADERS = ["Released", "Knowledge Cutoff", "Last Updated", "Open Weights", "Disputed"]
#: What the models.dev file states for two models: dates of our own, so what the commands show
#: can only have come from the feed (release date, knowledge cutoff, last update, open weights).
STATED = {
    "gpt-4o": {"release_date": "2024-05-14", "knowledge": "2023-10", "last_updated": "2024-11-20", "open_weights": False},
    "gpt-4o-2024-08-06": {"release_date": "2024-08-07", "knowledge": "2023-11", "last_updated": "2024-12-02", "open_weights": False},
}


def shown(model_id: str) -> list[str]:
    """The four fact cells of a model as the table shows what models.dev states."""
    facts = STATED[model_id]
    return [str(facts["release_date"]), str(facts["knowledge"]), str(facts["last_updated"]), "yes" if facts["open_weights"] else "no"]


@pytest.fixture(scope="module")
def priced(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    """A store seeded from the bundled snapshot, then priced from feed files where LiteLLM says
    $2.75 per 1M input tokens for openai/gpt-4o and models.dev says $2.50, and models.dev states
    the facts in STATED."""
    root = tmp_path_factory.mktemp("priced")
    sb = make_sandbox(root)
    litellm = json.loads(snapshot_bytes("litellm"))
    litellm["gpt-4o"]["input_cost_per_token"] = 2.75e-06
    (root / "litellm.json").write_text(json.dumps(litellm))
    (root / "genai.json").write_bytes(snapshot_bytes("genai"))
    modelsdev = json.loads(snapshot_bytes("modelsdev"))
    for model_id, facts in STATED.items():
        modelsdev["openai"]["models"][model_id].update(facts)
    modelsdev["openai"]["models"]["gpt-4o"]["cost"]["input"] = 2.5
    (root / "modelsdev.json").write_text(json.dumps(modelsdev))
    sb.write_config(
        f'[pricing]\nfeed_url = "{root / "litellm.json"}"\ngenai_prices_url = "{root / "genai.json"}"\n'
        f'modelsdev_url = "{root / "modelsdev.json"}"\ncache_ttl = 0\n'
    )
    r = sb.run("sync-pricing", "--accept-shrink")
    assert r.returncode == 0, r.stderr
    return sb


def _copy(sb: Sandbox, root: Path) -> Sandbox:
    """The priced store in a sandbox of its own, for a test that damages it."""
    other = make_sandbox(root)
    other.write_config(sb.config.read_text())
    shutil.copy(sb.db, other.db)
    return other


def _table(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """Headers, and the cells of each row by model id, from an ASCII table."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    return cells[0], {row[0]: row for row in cells[1:]}


def test_columns_show_release_cutoff_update_open_weights_and_what_sources_disagree_on(priced: Sandbox) -> None:
    r = priced.run("models", "list", "--provider", "openai", "--search", "gpt-4o", "--columns", ALL)
    assert r.returncode == 0, r.stderr
    headers, rows = _table(r.stdout)
    assert headers[-5:] == FACT_HEADERS and headers[:8] == ["Model", "Provider", "Type", "Status", "Context Length", "Input /1M", "Output /1M", "Cost"]
    assert rows["gpt-4o"][-5:] == [*shown("gpt-4o"), "input"]
    # The trusted price still decides: LiteLLM's $2.75 is the one listed.
    assert rows["gpt-4o"][5] == "$2.75"
    # A fine-tune no source dates shows unknown, never a guessed date or "no".
    assert rows["ft:gpt-4o-2024-08-06"][-5:] == ["—", "—", "—", "—", "no"]


def test_without_columns_the_table_keeps_its_eight_columns(priced: Sandbox) -> None:
    r = priced.run("models", "list", "--provider", "openai", "--search", "gpt-4o")
    headers, rows = _table(r.stdout)
    assert len(headers) == 8 and len(rows["gpt-4o"]) == 8


def test_columns_come_in_one_order_whatever_order_they_are_named_in(priced: Sandbox) -> None:
    named = priced.run("models", "list", "--search", "gpt-4o", "--provider", "openai", "--columns", "disputed", "--columns", "Open-Weights,released")
    assert named.returncode == 0, named.stderr
    assert _table(named.stdout)[0][-3:] == ["Released", "Open Weights", "Disputed"]
    every = priced.run("models", "list", "--search", "gpt-4o", "--provider", "openai", "--columns", "all")
    assert every.stdout == priced.run("models", "list", "--search", "gpt-4o", "--provider", "openai", "--columns", ALL).stdout


def test_csv_columns_leave_unknown_cells_empty(priced: Sandbox) -> None:
    r = priced.run("models", "list", "--provider", "openai", "--search", "gpt-4o", "--columns", ALL, "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = {row["Model"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    gpt = rows["gpt-4o"]
    assert [gpt[h] for h in FACT_HEADERS] == [*shown("gpt-4o"), "input"]
    assert [rows["ft:gpt-4o-2024-08-06"][h] for h in FACT_HEADERS] == ["", "", "", "", "no"]


def test_json_carries_every_models_facts_and_whether_its_sources_disagree(priced: Sandbox) -> None:
    r = priced.run("models", "list", "--format", "json")
    assert r.returncode == 0, r.stderr
    models = json.loads(r.stdout)
    assert len(models) > 4000
    for m in models:
        assert {"knowledge_cutoff", "released_at", "last_updated", "open_weights", "disputed"} <= m.keys()
    gpt = next(m for m in models if (m["id"], m["provider"]) == ("gpt-4o", "openai"))
    stated = STATED["gpt-4o"]
    assert (gpt["knowledge_cutoff"], gpt["released_at"], gpt["last_updated"], gpt["open_weights"]) == (
        stated["knowledge"], stated["release_date"], stated["last_updated"], stated["open_weights"])
    assert gpt["disputed"] is True
    ft = next(m for m in models if (m["id"], m["provider"]) == ("ft:gpt-4o-2024-08-06", "openai"))
    assert (ft["knowledge_cutoff"], ft["released_at"], ft["last_updated"], ft["open_weights"], ft["disputed"]) == (None, None, None, None, False)
    # The flag agrees with the filter.
    disputed = json.loads(priced.run("models", "list", "--disputed", "--format", "json").stdout)
    assert {(m["id"], m["provider"]) for m in disputed} == {(m["id"], m["provider"]) for m in models if m["disputed"]}


def test_an_unknown_column_is_refused_in_one_line_naming_the_valid_ones(tmp_path: Path) -> None:
    sb = make_sandbox(tmp_path)
    r = sb.run("models", "list", "--columns", "released,licence")
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "'licence'" in lines[0]
    assert "released, cutoff, updated, open_weights, disputed, all" in lines[0]
    # Refused before anything is done: no store was created for it.
    assert not sb.db.exists()


def test_a_damaged_fact_or_dispute_record_reads_as_unknown_for_its_model_only(priced: Sandbox, tmp_path: Path) -> None:
    sb = _copy(priced, tmp_path)
    con = sqlite3.connect(sb.db)
    with con:
        ids = dict(con.execute("select m.model_id, m.id from model m join provider p on p.id = m.provider_id "
                               "where p.slug = 'openai' and m.model_id in ('gpt-4o', 'gpt-4o-2024-05-13', 'gpt-4o-mini')"))
        # SQLite keeps what it is given: bytes where a date belongs, a field_sources text that is
        # not JSON, a disputes record that is not a list.
        con.execute("update model set knowledge_cutoff = x'00ff', last_updated = x'32303234' where id = ?", (ids["gpt-4o"],))
        con.execute("""update model set field_sources = '{"disputes": [{"field": "input"', released_at = x'00ff' where id = ?""",
                    (ids["gpt-4o-2024-05-13"],))
        con.execute("""update model set field_sources = '{"disputes": "input"}' where id = ?""", (ids["gpt-4o-mini"],))
    con.close()
    r = sb.run("models", "list", "--provider", "openai", "--search", "gpt-4o", "--columns", ALL)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    _, rows = _table(r.stdout)
    assert rows["gpt-4o"][-5:] == [shown("gpt-4o")[0], "—", "—", shown("gpt-4o")[3], "input"]
    assert rows["gpt-4o-2024-05-13"][-1] == "—" and rows["gpt-4o-mini"][-1] == "—"
    assert rows["gpt-4o-2024-05-13"][-5] == "—"  # a release date that is not text: unknown
    assert rows["gpt-4o-2024-08-06"][-5:-1] == shown("gpt-4o-2024-08-06")
    models = {m["id"]: m for m in json.loads(sb.run("models", "list", "--provider", "openai", "--format", "json").stdout)}
    assert (models["gpt-4o"]["knowledge_cutoff"], models["gpt-4o"]["last_updated"]) == (None, None)
    assert models["gpt-4o-mini"]["disputed"] is None and models["gpt-4o-2024-05-13"]["disputed"] is None
    assert models["gpt-4o"]["disputed"] is True
    assert models["gpt-4o-2024-05-13"]["released_at"] is None


@pytest.mark.parametrize(("sort", "key"), [("cutoff", "knowledge_cutoff"), ("updated", "last_updated"), ("released", "released_at")])
def test_sorting_by_a_fact_puts_the_newest_first_and_the_unknown_last(priced: Sandbox, sort: str, key: str) -> None:
    r = priced.run("models", "list", "--provider", "openai", "--sort", sort, "--format", "json")
    assert r.returncode == 0, r.stderr
    values = [m[key] for m in json.loads(r.stdout)]
    known = [v for v in values if v is not None]
    assert len(known) >= 2 and None in values
    assert values == sorted(known, reverse=True) + [None] * (len(values) - len(known))
