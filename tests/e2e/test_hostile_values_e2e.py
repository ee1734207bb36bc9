"""The real `aisync` against a provider that sends absurd numbers, escape sequences and a
megabyte-long id: the bad values become unknown, the bad model is skipped, the other providers
sync, and nothing a terminal would act on reaches the output."""

from __future__ import annotations

import copy
import json
import re
import sqlite3

import pytest

from aisync_tui.render.inert import is_inert
from tests.e2e.fakeserver import DEFAULT_KEYS
from tests.helpers import fixture_json, provider_config

pytestmark = pytest.mark.e2e

EVIL_ID = "evil-\x1b]0;PWNED-TITLE\x07-\x1b]52;c;ZWNobyBwd25lZA==\x07-\x1b[2J\x1b[H-\x9b-\u202e-model"
HUGE_ID = "H" * (1 << 20)
FORMULA_ID = "=cmd|' /C calc'!A0"
#: Characters a terminal acts on, newline and tab aside.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _hostile_openrouter() -> list[dict]:
    models = copy.deepcopy(fixture_json("openrouter__cline__2025-05-23.json")["data"][:6])
    big_ctx, bomb, huge, evil, formula, plain = models
    big_ctx["context_length"] = 10**30
    big_ctx["top_provider"] = {"context_length": 2**63, "max_completion_tokens": 1e25}
    bomb["pricing"] = dict(bomb["pricing"], prompt="1e+999999999", completion="1_000")
    huge["id"] = HUGE_ID
    evil["id"] = EVIL_ID
    evil["name"] = "\x1b[31mRed\x1b[0m [/] name"
    evil["created"] = 10**20
    formula["id"] = FORMULA_ID
    return models


@pytest.fixture
def hostile(sandbox, fake_server):
    models = _hostile_openrouter()
    fake_server.add("openrouter", models=models)
    fake_server.add("openai", models=fixture_json("openai__chatgpt-export-curl-2025-06-09.json")["data"])
    sandbox.write_config(provider_config(fake_server, "openrouter", "openai"))
    return sandbox, models


def _env():
    return {"OPENAI_API_KEY": DEFAULT_KEYS["openai"]}


def _row(db, model_id, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, (model_id,)).fetchone()
    finally:
        con.close()


def _assert_terminal_safe(text: str) -> None:
    found = CONTROL.search(text)
    assert found is None, f"raw control character {found.group(0)!r} at {found.start()}: {text[max(0, found.start() - 60):found.start() + 20]!r}"


def test_absurd_numbers_become_unknown_and_every_provider_still_syncs(hostile):
    sandbox, models = hostile
    r = sandbox.run("sync-models", "--verbose", env=_env(), timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Traceback" not in r.stdout + r.stderr
    assert "Fetching models from OpenAI API" in r.stdout and "Fetching models from OpenRouter API" in r.stdout
    # The refused values are named (short) in --verbose, never printed whole.
    assert "context_length (31-digit number) is out of range" in r.stderr
    assert "pricing.prompt '1e+999999999' is not a plain decimal number" in r.stderr
    assert "model id 'HHHH" in r.stderr and "the model was skipped" in r.stderr
    assert len(r.stdout) + len(r.stderr) < 200_000
    _assert_terminal_safe(r.stdout + r.stderr)
    db = sandbox.db
    ctx = _row(db, models[0]["id"], "select context_length, max_output_tokens from model where model_id = ?")
    # The provider's absurd values are unknown: nothing of them is stored (a price feed that
    # knows the model may fill the field, as it does any field the provider leaves unsaid).
    assert all(v is None or 0 < v <= 10_000_000_000 for v in ctx), ctx
    price = _row(
        db, models[1]["id"],
        "select pr.input, pr.output, pr.source from price pr join model m on m.id = pr.model_id where m.model_id = ? and pr.effective_until is null",
    )
    # The provider's price bomb is unknown: no provider price; a feed's price may stand in.
    assert price is None or price[2] != "provider", price
    assert _row(db, HUGE_ID, "select count(*) from model where model_id = ?") == (0,)
    # The provider's id is kept exactly as sent; only its display is made inert.
    assert _row(db, EVIL_ID, "select model_id, created_at from model where model_id = ?") == (EVIL_ID, None)
    assert _row(db, "gpt-4o", "select count(*) from model m join provider p on p.id = m.provider_id where m.model_id = ? and p.slug = 'openai'") == (1,)
    # The unattended run's log says how many values were refused, for whoever reads it later.
    log = sandbox.log_file.read_text()
    assert re.search(r"provider=openrouter status=ok .*refused_values=\d+", log), log


def test_models_list_and_info_show_hostile_ids_escaped_and_json_keeps_them_exact(hostile):
    sandbox, _ = hostile
    r = sandbox.run("sync-models", "--json", env=_env(), timeout=120)
    assert r.returncode == 0
    by_provider = {p["provider"]: p for p in json.loads(r.stdout)["providers"]}
    assert by_provider["openrouter"]["refused_values"] >= 4 and "refused_values" not in by_provider["openai"]
    table = sandbox.run("models", "list", "--provider", "openrouter")
    assert table.returncode == 0, table.stderr
    _assert_terminal_safe(table.stdout)
    assert "evil-\\x1b]0;PWNED-TITLE\\x07" in table.stdout
    assert max(len(line) for line in table.stdout.splitlines()) < 400
    info = sandbox.run("models", "info", EVIL_ID, "openrouter")
    assert info.returncode == 0, info.stderr
    _assert_terminal_safe(info.stdout)
    assert "\\x1b[31mRed\\x1b[0m [/] name" in info.stdout
    as_json = sandbox.run("models", "list", "--provider", "openrouter", "--format", "json")
    assert is_inert(as_json.stdout.replace("\n", ""))
    ids = {m["id"] for m in json.loads(as_json.stdout)}
    assert EVIL_ID in ids and FORMULA_ID in ids
    info_json = sandbox.run("models", "info", EVIL_ID, "openrouter", "--format", "json")
    assert json.loads(info_json.stdout)["id"] == EVIL_ID
    assert is_inert(info_json.stdout.replace("\n", ""))


def test_an_unknown_model_id_with_escapes_is_quoted_inert_in_the_error_line(hostile):
    sandbox, _ = hostile
    assert sandbox.run("sync-models", env=_env(), timeout=120).returncode == 0
    r = sandbox.run("models", "info", "evil-\x1b]0;X\x07", "openrouter")
    assert r.returncode == 2
    assert r.stderr.startswith("aisync: error:")
    _assert_terminal_safe(r.stderr)


def test_dry_run_of_a_megabyte_id_prints_a_bounded_plan(sandbox, fake_server):
    models = fixture_json("openai__chatgpt-export-curl-2025-06-09.json")["data"][:3]
    models = copy.deepcopy(models) + [{"id": "x" * 500, "object": "model", "created": 1_700_000_000, "owned_by": "\x1b]0;owned\x07"}]
    fake_server.add("openai", models=models)
    sandbox.write_config(provider_config(fake_server, "openai"))
    r = sandbox.run("sync-models", "--dry-run", env=_env())
    assert r.returncode == 0, r.stderr
    _assert_terminal_safe(r.stdout + r.stderr)
    assert "Would add: " + "x" * 150 in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) < 300


@pytest.mark.parametrize(
    "body, says",
    [
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        ('{"data": [{"id": "m", "created": ' + "9" * 5000 + "}]}", "not valid JSON"),
    ],
    ids=["nested-200k", "5000-digit-number"],
)
def test_a_structurally_hostile_model_list_is_one_bad_response_line(sandbox, fake_server, body, says):
    from tests.e2e.fakeserver import Fault

    fake_server.add("openai", models=[])
    fake_server.fault("openai", Fault(body_override=body))
    sandbox.write_config(provider_config(fake_server, "openai"))
    r = sandbox.run("sync-models", env=_env())
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr
    assert "Bad response" in r.stdout and says in r.stdout


def test_hostile_values_already_in_the_store_are_shown_inert_and_cut_by_every_command(sandbox, fake_server):
    """A store written before these bounds (or by hand) can hold a megabyte id with escapes and an
    error text with escapes: every human-readable command still prints a few inert lines."""
    fake_server.add("openai", models=fixture_json("openai__chatgpt-export-curl-2025-06-09.json")["data"][:5])
    sandbox.write_config(provider_config(fake_server, "openai"))
    assert sandbox.run("sync-models", env=_env()).returncode == 0
    evil_big = "\x1b]0;PWNED\x07" + "Z" * (1 << 20)
    con = sqlite3.connect(sandbox.db)
    with con:
        pk = con.execute("select id from model order by id limit 1").fetchone()[0]
        con.execute(
            "update model set model_id = ?, name = ?, status = 'missing', missing_since = '2025-01-01 00:00:00', last_synced_at = '2025-01-01 00:00:00' where id = ?",
            (evil_big, "\x1b[2J" + "N" * 5000, pk),
        )
        con.execute(
            "update provider set last_status = 'failed', last_error = ? where slug = 'openai'",
            ("Bad response: \x1b]52;c;ZWNobw==\x07 " + "E" * 100_000,),
        )
        con.execute(
            "update sync_run set status = 'failed', error = ? where id = (select max(id) from sync_run)",
            ("Internal error: \x1b]0;T\x07 " + "F" * 100_000,),
        )
    con.close()
    for args in (
        ("models", "list", "--provider", "openai"),
        ("models", "list", "--search", "ZZZ"),
        ("models", "cleanup", "--dry-run", "--older-than", "2026-01-01"),
        ("providers",),
        ("sync", "status"),
        ("sync", "failed"),
    ):
        r = sandbox.run(*args, env=_env())
        assert "Traceback" not in r.stderr, (args, r.stderr[-1000:])
        _assert_terminal_safe(r.stdout + r.stderr)
        assert len(r.stdout) + len(r.stderr) < 100_000, (args, len(r.stdout))
        assert max(len(line) for line in (r.stdout + r.stderr).splitlines()) < 1_500, args
    r = sandbox.run("models", "cleanup", "--dry-run", "--older-than", "2026-01-01")
    assert "\\x1b]0;PWNED\\x07ZZZ" in r.stdout
