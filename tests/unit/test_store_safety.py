"""The store file is only ever touched through SQLite, and `usage.record()` shares one connection.

Real SQLite files and real second processes: the failures these guard against (a dropped POSIX
lock, a refused read-to-write upgrade) only exist between processes.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from aisync_tui.errors import StoreError
from aisync_tui.store import db as store_db
from aisync_tui.store.models import UsageRecord, database_proxy
from aisync_tui.usage import records

REPO = Path(__file__).resolve().parents[2]

HOLD_WRITE_LOCK = r"""
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("COMMIT")
"""


@pytest.fixture
def fresh_record_state() -> Iterator[None]:
    """No store bound and no connection kept by `record()`, before and after."""
    before = database_proxy.obj
    records._stores.clear()
    database_proxy.initialize(None)
    try:
        yield
    finally:
        for store in records._stores.values():
            store.close()
        records._stores.clear()
        database_proxy.initialize(before)


def _hold_write_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_opening_the_store_again_keeps_the_locks_of_a_connection_already_open(tmp_path: Path, fresh_record_state: None) -> None:
    path = tmp_path / "s.db"
    first = store_db.open_store(str(path))
    try:
        first.db.execute_sql("SELECT count(*) FROM aisync_meta").fetchone()
        again = store_db.open_store(str(path))  # what an application calling record() used to do per call
        # Another process opens and closes the store. Had our own locks been dropped, its close
        # would believe it was the last user and delete the WAL index we are still using.
        probe = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT 1 FROM aisync_meta').fetchall(); c.close()"
        subprocess.run([sys.executable, "-c", probe, str(path)], check=True)
        assert Path(str(path) + "-shm").exists() and Path(str(path) + "-wal").exists()
        again.close()
    finally:
        first.close()


def test_a_file_that_is_not_a_database_is_still_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"hello, this is not SQLite" * 100)
    with pytest.raises(StoreError, match="not a SQLite database"):
        store_db.open_store(str(path))
    assert path.read_bytes() == b"hello, this is not SQLite" * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_record_keeps_one_connection_per_store_across_calls(tmp_path: Path, fresh_record_state: None) -> None:
    path = str(tmp_path / "app.db")
    records.record("openai", "gpt-4o", 10, 1, database=path)
    store = records._stores[path]
    connection = store.db.connection()
    for i in range(5):
        records.record("openai", "gpt-4o", 10, 1, database=path, ref=f"r{i}")
    assert list(records._stores) == [path]
    assert records._stores[path] is store and store.db.connection() is connection
    assert UsageRecord.select().count() == 6


def test_record_from_threads_shares_the_connection_and_stores_every_call(tmp_path: Path, fresh_record_state: None) -> None:
    import threading

    path = str(tmp_path / "app.db")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                records.record("openai", "gpt-4o", 10, 1, database=path, ref=f"t{n}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert UsageRecord.select().count() == 80


def test_record_waits_for_a_sync_holding_the_write_lock_and_then_stores(tmp_path: Path, fresh_record_state: None) -> None:
    path = tmp_path / "app.db"
    records.record("openai", "gpt-4o", 10, 1, database=str(path), ref="before")
    holder = _hold_write_lock(path, 1.0)
    started = time.monotonic()
    got = records.record("openai", "gpt-4o", 10, 1, database=str(path), ref="during")
    waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert got.added and waited >= 0.5
    assert UsageRecord.select().where(UsageRecord.source_ref == "api:during").count() == 1


def test_record_that_cannot_get_the_store_in_time_raises_store_error_and_stores_nothing(
    tmp_path: Path, fresh_record_state: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(store_db.SQLITE_PRAGMAS, "busy_timeout", 300)
    path = tmp_path / "app.db"
    records.record("openai", "gpt-4o", 10, 1, database=str(path), ref="before")
    holder = _hold_write_lock(path, 2.0)
    try:
        with pytest.raises(StoreError, match="locked"):
            records.record("openai", "gpt-4o", 10, 1, database=str(path), ref="refused")
    finally:
        holder.wait(timeout=10)
    assert UsageRecord.select().where(UsageRecord.source_ref == "api:refused").count() == 0
    # The kept connection is still usable once the writer is gone.
    assert records.record("openai", "gpt-4o", 10, 1, database=str(path), ref="after").added


def test_record_into_another_store_leaves_the_open_store_bound(tmp_path: Path, fresh_record_state: None) -> None:
    mine = store_db.open_store(str(tmp_path / "mine.db"))
    try:
        records.record("openai", "gpt-4o", 10, 1, database=str(tmp_path / "other.db"), ref="x")
        assert database_proxy.obj is mine.db
        assert UsageRecord.select().count() == 0  # the open store got nothing
    finally:
        mine.close()


def test_a_postgresql_url_without_the_driver_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    with pytest.raises(StoreError) as info:
        store_db.connect("postgresql://aisync:PgSecretPw-93kd71@127.0.0.1:5432/aisync")
    line = info.value.line()
    assert "pip install 'aisync-tui[postgres]'" in line
    assert "PgSecretPw-93kd71" not in line


def test_importing_llm_logs_from_a_pipe_is_refused_at_once_instead_of_hanging(tmp_path: Path) -> None:
    import os

    from aisync_tui.usage import llm_logs
    from aisync_tui.usage.records import UsageDataError

    fifo = tmp_path / "logs.db"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(UsageDataError, match="not a regular file"):
        llm_logs.read_rows(fifo)
    assert time.monotonic() - started < 2

