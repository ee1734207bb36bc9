"""Opening the store: SQLite file (WAL, foreign keys, busy timeout) or any Peewee database URL.

Every failure to open or write becomes a `StoreError` with one line naming the file and the
problem; nothing here ever overwrites a file that is not an aisync store.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from ..errors import StoreError, hide_url_secrets, redact
from . import migrations
from .models import Meta, database_proxy

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -32000,
    "temp_store": "memory",
}


@dataclass
class Store:
    db: pw.Database
    location: str
    """A file path for SQLite, the URL with the password hidden otherwise."""
    path: Path | None = None

    @property
    def is_sqlite(self) -> bool:
        return isinstance(self.db, pw.SqliteDatabase)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def meta_get(self, key: str) -> str | None:
        row = Meta.get_or_none(Meta.key == key)
        return row.value if row else None

    def meta_set(self, key: str, value: str | None) -> None:
        Meta.insert(key=key, value=value).on_conflict(conflict_target=[Meta.key], update={Meta.value: value}).execute()


def hide_password(url: str) -> str:
    """The URL with its password hidden, in the userinfo and the `?password=` forms."""
    return hide_url_secrets(url)


def _has_module(name: str) -> bool:
    import importlib.util

    if name in sys.modules:
        return sys.modules[name] is not None
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _error_chain(exc: BaseException) -> list[BaseException]:
    """The exception and what it interrupted: on a full disk SQLite rolls back by itself, so
    Peewee's own ROLLBACK then fails with "no transaction is active" and hides the real cause."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__context__ or current.__cause__
    return chain


def describe_sqlite_error(where: str, exc: BaseException) -> StoreError:
    chain = _error_chain(exc)
    text = " | ".join(str(e).lower() for e in chain)
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return StoreError(
            f"{where}: not a usable SQLite database (corrupt, or another kind of file)",
            hint="move it aside or point --db at another path; aisync will not overwrite it",
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{where}: the database is read-only", hint="check the file's and its folder's permissions")
    if "disk is full" in text or "disk i/o" in text or "file too large" in text:
        return StoreError(f"{where}: the disk is full or failing; nothing was written", hint="free some space and run again")
    if "locked" in text or "busy" in text:
        return StoreError(f"{where}: the database is locked by another process", hint="wait for it to finish and run again")
    if "unable to open" in text and _read_only(where):
        return StoreError(f"{where}: the database or its folder is read-only", hint="check the file's and its folder's permissions")
    if "unable to open" in text:
        return StoreError(f"{where}: cannot open the database file", hint="check that the folder exists and is writable")
    if "could not decode to utf-8" in text:
        column = re.search(r"column '([^']*)'", str(chain[-1]))
        return StoreError(
            f"{where}: the store holds text that is not UTF-8" + (f" in the column {column.group(1)!r}" if column else "")
            + " (written by a hand edit or another tool)",
            hint="correct or clear that value with the sqlite3 shell, or restore the store from a backup",
        )
    if "connection refused" in text or "could not connect" in text or "could not translate host" in text or "timeout expired" in text:
        return StoreError(
            f"{where}: cannot connect to the database server: {_one_line(chain[-1])}",
            hint="check that the server is running and the URL's host, port and database",
        )
    return StoreError(f"{where}: database error: {_one_line(chain[-1])}")


def _one_line(exc: BaseException) -> str:
    """A driver's message on one line (psycopg2's run over several), redacted."""
    return redact(" ".join(str(exc).split()))


def _read_only(where: str) -> bool:
    """The file exists but it, or the folder its journal and WAL go in, cannot be written."""
    path = Path(where)
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _sqlite_path(location: str) -> Path | None:
    if location.startswith("sqlite:///"):
        return Path(location[len("sqlite:///") :])
    if "://" in location:
        return None
    return Path(location).expanduser()


def connect(location: str, *, shared_connection: bool = False) -> tuple[pw.Database, Path | None]:
    """A Peewee database for a path or URL, not yet connected.

    shared_connection: one SQLite connection for every thread (Peewee's default is one per
    thread); the caller then serialises its use.
    """
    path = _sqlite_path(location)
    if path is not None:
        if str(path) == ":memory:":
            return pw.SqliteDatabase(":memory:", pragmas=SQLITE_PRAGMAS), None
        # Every transaction takes the write lock when it begins (see `write_transaction`): the
        # store's transactions all write, and one that read first could not wait for a writer.
        return pw.SqliteDatabase(
            str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False, thread_safe=not shared_connection,
            lock_type="IMMEDIATE",
        ), path
    from playhouse.db_url import connect as url_connect

    scheme = location.split("://", 1)[0].lower()
    if scheme.startswith("postgres") and not _has_module("psycopg2"):
        raise StoreError(
            f"{hide_password(location)}: PostgreSQL needs the psycopg2 driver, which is not installed",
            hint="pip install 'aisync-tui[postgres]'",
        )
    try:
        return url_connect(location), None
    except Exception as exc:  # unknown scheme, missing driver
        raise StoreError(f"database URL {hide_password(location)}: {redact(str(exc))}", hint="use a path or a URL such as postgresql://user@host/db") from None


def open_store(location: str, *, create: bool = True, migrate: bool = True, shared_connection: bool = False) -> Store:
    """Open (and create/migrate) the store. Binds the tables to it."""
    db, path = connect(location, shared_connection=shared_connection)
    where = str(path) if path is not None else hide_password(location)
    if path is not None and str(path) != ":memory:":
        if not path.exists():
            if not create:
                raise StoreError(f"{where}: no database here yet", hint="run `aisync sync-models` or `aisync` once to create it")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{where}: cannot create the folder: {exc.strerror}") from None
        elif path.is_dir():
            raise StoreError(f"{where}: is a folder, not a database file", hint="point --db at a file path")
        elif path.stat().st_size > 0:
            _check_not_foreign(path, where)
    database_proxy.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if migrate:
            migrations.upgrade(db, where)
    except StoreError:
        db.close()
        raise
    except (pw.DatabaseError, sqlite3.DatabaseError) as exc:
        db.close()
        raise describe_sqlite_error(where, exc) from None
    except pw.OperationalError as exc:  # pragma: no cover - subclass of DatabaseError in peewee
        db.close()
        raise describe_sqlite_error(where, exc) from None
    return Store(db=db, location=where, path=path)


def _check_not_foreign(path: Path, where: str) -> None:
    """Look before connecting: connecting sets WAL mode, which rewrites the file's header, and
    another program's database (or a file that is no database at all) must stay byte for byte
    as it was.

    The look goes through SQLite itself, read-only, never through a plain `open()`: closing any
    descriptor of a file drops every POSIX lock this process holds on it, SQLite's included, so
    a plain read while another connection of this process is open (an application calling
    `usage.record()` again, the app re-opening its store) would let a second writer in and
    corrupt the file. SQLite shares its locks between its own connections to one file and keeps
    a closed connection's descriptor until the last lock is gone.
    """
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return  # e.g. a read-only folder: the real open below reports it
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if "unable to open" in text:
            return
        if "not a database" in text or "file is encrypted" in text:
            raise StoreError(
                f"{where}: not a SQLite database (corrupt, or another kind of file)",
                hint="move it aside or point --db at another path; aisync will not overwrite it",
            ) from None
        raise describe_sqlite_error(where, exc) from None
    finally:
        con.close()
    if tables and Meta._meta.table_name not in tables:
        raise migrations.foreign_database(where, tables)


def write_transaction(db: pw.Database) -> AbstractContextManager[object]:
    """A transaction that takes SQLite's write lock when it begins (BEGIN IMMEDIATE).

    A deferred transaction that reads first and writes later cannot wait for another writer: if
    anyone committed after its first read, SQLite refuses the upgrade at once ("database is
    locked") without using the busy timeout. Taking the write lock up front waits for the other
    writer instead, up to the busy timeout. Nested, it is a savepoint like any `atomic()`.
    """
    if isinstance(db, pw.SqliteDatabase):
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()
