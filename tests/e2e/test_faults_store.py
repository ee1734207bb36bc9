"""Store and config faults: a corrupt or foreign database, a read-only or full disk, a
config that is not TOML or has wrong types. Each ends in one clear line naming the file and the
problem, exit 2, and nothing overwritten. Plus: a store written at every earlier schema version
opens and migrates without losing rows.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from .fakeserver import FakeProviderServer
from .faultkit import Sandbox, serve_defaults

pytestmark = pytest.mark.e2e


@pytest.fixture
def sandbox(tmp_path):
    with FakeProviderServer() as server:
        serve_defaults(server)
        sb = Sandbox(tmp_path, server)
        sb.write_config()
        yield sb


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got: {result.stderr}"
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def synced(sb: Sandbox) -> None:
    result = sb.run("sync-models")
    assert result.returncode == 0, result.stderr


# ----------------------------------------------------------------------------- the database file


COMMANDS = [("sync-models",), ("--sync-all", "--no-pricing"), ("models", "list"), ("sync", "status")]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_a_file_that_is_not_a_database_is_named_and_never_overwritten(sandbox: Sandbox, args: tuple[str, ...]) -> None:
    sb = sandbox
    sb.db.parent.mkdir(parents=True, exist_ok=True)
    sb.db.write_bytes(b"%PDF-1.7\n" + os.urandom(5000))
    before = digest(sb.db)
    one_error_line(sb.run(*args), str(sb.db), "not a")
    assert digest(sb.db) == before
    assert sorted(p.name for p in sb.db.parent.iterdir()) == ["aisync.db"], "no journal, WAL or lock beside a foreign file"


def test_a_database_with_corrupt_pages_is_named_and_never_overwritten(sandbox: Sandbox) -> None:
    sb = sandbox
    synced(sb)
    data = bytearray(sb.db.read_bytes())
    assert len(data) > 8192
    data[4096:8192] = os.urandom(4096)  # keep the header, wreck the schema's pages
    data[100:4096] = os.urandom(3996)
    sb.db.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(sb.db) + suffix).unlink(missing_ok=True)
    before = digest(sb.db)
    one_error_line(sb.run("sync-models"), str(sb.db))
    assert digest(sb.db) == before


def test_another_programs_sqlite_database_is_left_alone(sandbox: Sandbox) -> None:
    sb = sandbox
    sb.db.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(sb.db)
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    con.execute("INSERT INTO moz_places (url) VALUES ('https://example.com')")
    con.commit()
    con.close()
    before = digest(sb.db)
    one_error_line(sb.run("sync-models"), str(sb.db), "another program")
    assert digest(sb.db) == before
    con = sqlite3.connect(sb.db)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["moz_places"]
    con.close()


def test_a_store_from_a_newer_aisync_is_refused_not_downgraded(sandbox: Sandbox) -> None:
    sb = sandbox
    synced(sb)
    con = sqlite3.connect(sb.db)
    con.execute("UPDATE aisync_meta SET value = '999' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    one_error_line(sb.run("sync-models"), str(sb.db), "newer")
    assert sb.sql("SELECT value FROM aisync_meta WHERE key = 'schema_version'") == [("999",)]


def test_a_store_path_that_is_a_folder_is_named(sandbox: Sandbox) -> None:
    sb = sandbox
    sb.db.mkdir(parents=True)
    one_error_line(sb.run("sync-models"), str(sb.db), "folder")


def _read_only(path: Path) -> list[Path]:
    """Make a file and its folder unwritable, for root too (chattr +i) or by mode otherwise."""
    targets = [path, path.parent]
    if os.geteuid() != 0:
        path.chmod(0o444)
        path.parent.chmod(0o555)
        return targets
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a file read-only")
    for t in targets:
        if subprocess.run(["chattr", "+i", str(t)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not supported here")
    return targets


def _writable_again(targets: list[Path]) -> None:
    for t in reversed(targets):
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(t)], capture_output=True)
        else:
            t.chmod(0o755 if t.is_dir() else 0o644)


def test_a_read_only_store_reports_it_in_one_line_and_keeps_its_rows(sandbox: Sandbox) -> None:
    sb = sandbox
    synced(sb)
    sb.server.providers["openai"].models.append({"id": "gpt-new-after-readonly", "object": "model", "created": 1, "owned_by": "x"})
    for suffix in ("-wal", "-shm"):
        assert not Path(str(sb.db) + suffix).exists(), "a cleanly closed store leaves no WAL"
    before = digest(sb.db)
    targets = _read_only(sb.db)
    try:
        result = sb.run("sync-models")
        one_error_line(result, str(sb.db), "read-only")
        assert digest(sb.db) == before
    finally:
        _writable_again(targets)
    assert "gpt-new-after-readonly" not in sb.model_ids("openai")


def _limit_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_mid_sync_is_one_line_and_the_store_keeps_its_previous_state(sandbox: Sandbox) -> None:
    sb = sandbox
    synced(sb)
    old = {slug: sb.model_ids(slug) for slug in ("openai", "gemini", "xai")}
    # A much larger list: its write-ahead log grows past the file-size limit half way.
    from .faultkit import openai_models

    sb.server.providers["openai"].models = openai_models(3000)
    # The store already holds the price catalog (several MB), so the limit is on the write-ahead
    # log's own growth: no file may grow past 256 KB, which the 3,000-model write needs.
    result = subprocess.run(
        sb.argv("sync-models"), env=sb.env(), capture_output=True, text=True, timeout=60, cwd=sb.root,
        preexec_fn=_limit_file_size(256 * 1024),
    )
    one_error_line(result, str(sb.db), "full")
    con = sqlite3.connect(sb.db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert sb.model_ids("openai") == old["openai"], "a half-written provider was left behind"
    # With space again the next run completes.
    again = sb.run("sync-models")
    assert again.returncode == 0, again.stderr
    assert len(sb.model_ids("openai")) == 3000


# ----------------------------------------------------------------------------- the config file


BAD_CONFIGS = [
    ("not-toml", "this is not toml = = [", "invalid TOML"),
    ("json-not-toml", '{"model_sync": {"timeout": 5}}', "invalid TOML"),
    ("binary", "\udcff\udcfe garbage", "UTF-8"),
    ("timeout-is-a-string", '[model_sync]\ntimeout = "fast"\n', "model_sync.timeout"),
    ("retry-attempts-is-a-float", "[model_sync]\nretry_attempts = 2.5\n", "model_sync.retry_attempts"),
    ("enabled-is-a-string", '[providers.openai]\nenabled = "yes"\n', "providers.openai.enabled"),
    ("section-is-a-value", 'model_sync = "on"\n', "[model_sync]"),
    ("providers-is-a-list", "providers = [1, 2]\n", "[providers]"),
    ("unknown-key", "[model_sync]\ntimout = 5\n", "timout"),
    ("unknown-provider", "[providers.opneai]\nenabled = true\n", "opneai"),
    ("negative-timeout", "[model_sync]\ntimeout = -1\n", "model_sync.timeout"),
    ("database-is-a-number", "database = 5\n", "database"),
    ("api-key-env-is-a-number", "[providers.openai]\napi_key_env = 5\n", "api_key_env"),
]


@pytest.mark.parametrize("name,text,needle", BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
@pytest.mark.parametrize("args", [("sync-models",), ("--sync-all",), ("models", "list")], ids=lambda a: " ".join(a))
def test_a_bad_config_is_one_line_naming_the_file_and_nothing_is_written(sandbox: Sandbox, name: str, text: str, needle: str, args: tuple[str, ...]) -> None:
    sb = sandbox
    synced(sb)
    if name == "binary":
        sb.config.write_bytes(b"\xff\xfe garbage \x00\x01")
    else:
        sb.config.write_text(text)
    before_cfg = digest(sb.config)
    before_db = digest(sb.db)
    one_error_line(sb.run(*args), str(sb.config), needle)
    assert digest(sb.config) == before_cfg, "the config file was rewritten"
    assert digest(sb.db) == before_db, "the store changed although the config was refused"


def test_a_toml_syntax_error_names_line_and_column(sandbox: Sandbox) -> None:
    sb = sandbox
    sb.config.write_text('[model_sync]\ntimeout = 5\nretry_attempts = = 3\n')
    line = one_error_line(sb.run("sync-models"), str(sb.config))
    assert "line 3" in line and "column" in line, line


# ----------------------------------------------------------------------------- schema migrations


def _build_store_at(path: Path, version: int) -> dict[str, list[tuple]]:
    """A store as aisync at schema `version` wrote it (STEPS[:version]), with rows in every table.

    Rows are generated from each table's columns at that version (PRAGMA table_info), so the
    test keeps working as migrations add tables and columns. Returns table -> rows written."""
    import peewee as pw

    from aisync_tui.store import migrations
    from aisync_tui.store.models import database_proxy

    db = pw.SqliteDatabase(str(path))
    database_proxy.initialize(db)
    db.connect()
    if version:
        migrations.upgrade(db, str(path), target=version)
    written: dict[str, list[tuple]] = {}
    for (table,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall():
        if table == "aisync_meta":
            continue
        cols = db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()
        rows = []
        for n in (1, 2, 3):
            values: list[object] = []
            for _, name, ctype, _notnull, _default, pk in cols:
                ctype = (ctype or "").upper()
                if pk or name.endswith("_id") and "INT" in ctype:
                    values.append(n)
                elif "INT" in ctype:
                    values.append(n * 7)
                elif "REAL" in ctype or "DECIMAL" in ctype or "NUMERIC" in ctype:
                    values.append(n + 0.5)
                elif "DATE" in ctype or name.endswith("_at") or name in ("ts", "at", "effective_from"):
                    values.append(f"2025-0{n}-01 00:00:00")
                else:
                    values.append(f"{table}-{name}-{n}")
            marks = ", ".join("?" * len(values))
            names = ", ".join(f'"{c[1]}"' for c in cols)
            db.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
            rows.append(tuple(values))
        written[table] = rows
    db.close()
    return written


@pytest.mark.parametrize("version", range(0, __import__("aisync_tui.store.migrations", fromlist=["LATEST"]).LATEST + 1))
def test_a_store_written_by_any_schema_version_opens_and_keeps_every_row(tmp_path, version: int) -> None:
    from aisync_tui.store import migrations
    from aisync_tui.store.db import open_store

    path = tmp_path / f"v{version}.db"
    written = _build_store_at(path, version)
    store = open_store(str(path))
    try:
        assert migrations.current_version(store.db) == migrations.LATEST
        for table, rows in written.items():
            cols = [c[1] for c in store.db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()][: len(rows[0])]
            got = store.db.execute_sql(f'SELECT {", ".join(repr(c).replace(chr(39), chr(34)) for c in cols)} FROM "{table}" ORDER BY rowid').fetchall()
            assert [tuple(r) for r in got] == rows, f"rows of {table} changed while migrating from v{version}"
        assert store.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()
    # Opening it again is a no-op: the version stays and nothing is re-run.
    again = open_store(str(path))
    try:
        assert migrations.current_version(again.db) == migrations.LATEST
    finally:
        again.close()


def test_an_upgraded_empty_store_syncs_with_the_real_command(sandbox: Sandbox) -> None:
    sb = sandbox
    sb.db.parent.mkdir(parents=True, exist_ok=True)
    _build_store_at(sb.db, 0)
    synced(sb)
    assert sb.model_ids("openai")
