"""Opening the store: SQLite file (WAL, foreign keys, busy timeout) or any Peewee database URL.

Every failure to open or write becomes a `StoreError` with one line naming the file and the
problem; nothing here ever overwrites a file that is not an aisync store.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from ..errors import StoreError, redact
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


def _hide_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


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
    return StoreError(f"{where}: database error: {redact(str(chain[-1]))}")


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


def connect(location: str) -> tuple[pw.Database, Path | None]:
    """A Peewee database for a path or URL, not yet connected."""
    path = _sqlite_path(location)
    if path is not None:
        if str(path) == ":memory:":
            return pw.SqliteDatabase(":memory:", pragmas=SQLITE_PRAGMAS), None
        return pw.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False), path
    from playhouse.db_url import connect as url_connect

    try:
        return url_connect(location), None
    except Exception as exc:  # unknown scheme, missing driver
        raise StoreError(f"database URL {_hide_password(location)}: {redact(str(exc))}", hint="use a path or a URL such as postgresql://user@host/db") from None


def open_store(location: str, *, create: bool = True, migrate: bool = True) -> Store:
    """Open (and create/migrate) the store. Binds the tables to it."""
    db, path = connect(location)
    where = str(path) if path is not None else _hide_password(location)
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
            _check_sqlite_header(path, where)
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


def _check_sqlite_header(path: Path, where: str) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StoreError(f"{where}: cannot read the database file: {exc.strerror}") from None
    if head != b"SQLite format 3\x00":
        raise StoreError(
            f"{where}: not a SQLite database (corrupt, or another kind of file)",
            hint="move it aside or point --db at another path; aisync will not overwrite it",
        )


def _check_not_foreign(path: Path, where: str) -> None:
    """Look before connecting: connecting sets WAL mode, which rewrites the file's header, and
    another program's database must stay byte for byte as it was."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return  # e.g. a read-only folder: the real open below reports it
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        if "unable to open" in str(exc).lower():
            return
        raise describe_sqlite_error(where, exc) from None
    finally:
        con.close()
    if tables and Meta._meta.table_name not in tables:
        raise migrations.foreign_database(where, tables)
