"""One run at a time per store.

SQLite: an exclusive `flock` on `<db>.lock`. The kernel drops it when the holder dies, so a lock
left by a killed process is recovered by the next run for free; the file only carries who holds
it, for the message. PostgreSQL: a session advisory lock (see `PostgresRunLock`), which gives
"on one server" across machines.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping, Protocol, Sequence, TypedDict

from ..errors import LockHeld, redact
from ..jsonvalue import JSON, decode
from .db import Store

#: Advisory lock key for PostgreSQL: crc32("aisync-run-lock").
ADVISORY_KEY = 0x4A1571C
#: aisync_meta key where the PostgreSQL lock holder says who it is, for the other servers' message.
HOLDER_KEY = "run_lock_holder"


class HolderInfo(TypedDict):
    """Who holds the lock, as this run writes it."""

    pid: int
    host: str
    command: str
    since: str


#: Who holds the lock, as its holder wrote it: pid, host, command, since. Read back from a file or a
#: table another process wrote, so every field is checked (or only formatted) before use.
HolderRecord = Mapping[str, JSON]


class _Cursor(Protocol):
    """The part of a DB-API cursor (psycopg2's) the PostgreSQL lock uses."""

    def execute(self, sql: str, params: Sequence[object] = ..., /) -> object: ...
    def fetchone(self) -> Sequence[object] | None: ...


class _Connection(Protocol):
    def cursor(self) -> _Cursor: ...
    def close(self) -> None: ...


def holder_info(command: str) -> HolderInfo:
    """Who holds the lock, as other runs (and other servers, for a shared store) are told.
    The command line is redacted: a `--db` URL's password must not reach a shared table."""
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": redact(command),
        "since": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def describe_holder(info: HolderRecord | None) -> str:
    if not info:
        return "another aisync run holds the store's lock"
    return (
        f"another aisync run holds the store's lock: pid {info.get('pid', '?')} on {info.get('host', '?')}, "
        f"`{redact(str(info.get('command', '?')))}` since {info.get('since', '?')}"
    )


def _try_until_named(take: Callable[[], bool], read: Callable[[], HolderRecord | None], within: float = 0.5) -> HolderRecord | None:
    """Take the lock (returns None), or return who holds it ({} if they never said).

    A held lock with no holder record is a run in the instant between taking the lock and writing
    its name, or between clearing its name and letting go: retry both for a moment, so the first
    case gets named and the second case simply gets the lock, rather than an anonymous refusal.
    """
    import time

    deadline = time.monotonic() + within
    while True:
        if take():
            return None
        info = read()
        if info or time.monotonic() >= deadline:
            return info or {}
        time.sleep(0.02)


class FileRunLock:
    def __init__(self, path: Path, command: str, on_acquire: Callable[[], object] | None = None) -> None:
        self.path = path
        self.command = command
        self.on_acquire = on_acquire
        """Called once the lock is held (bookkeeping of runs that died); if it raises, the lock is let go."""
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

        def take() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False

        holder = _try_until_named(take, lambda: self._read(fd))
        if holder is not None:
            os.close(fd)
            raise LockHeld(describe_holder(holder))
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder_info(self.command)).encode(), 0)
        self._fd = fd
        _after_acquire(self)

    @staticmethod
    def _read(fd: int) -> HolderRecord | None:
        """The holder's record, or None when there is none or it is damaged (cut short, not JSON,
        not an object): then the holder reads as a run that has not named itself yet."""
        try:
            data = os.pread(fd, 4096, 0)
            return _record(data.decode()) if data else None
        except (OSError, ValueError, RecursionError):  # RecursionError: nested past the stack
            return None

    def release(self) -> None:
        if self._fd is None:
            return
        import fcntl

        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FileRunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class PostgresRunLock:
    """`pg_try_advisory_lock` on a connection of its own, so a job scheduled on every server runs on one.

    The lock lives on a dedicated connection rather than the store's: Peewee keeps one connection
    per thread and may close or reopen it (the TUI applies in a worker thread), and a session
    advisory lock silently disappears with its connection. The server drops the lock when the
    holder's process dies (its connection closes), so a crashed run never blocks the next one.
    Advisory locks are per database: one aisync store per PostgreSQL database.
    """

    def __init__(self, store: Store, command: str, on_acquire: Callable[[], object] | None = None) -> None:
        self.store = store
        self.command = command
        self.on_acquire = on_acquire
        self._conn: _Connection | None = None

    def acquire(self) -> None:
        conn: _Connection = self.store.db._connect()  # type: ignore[attr-defined]  # a fresh psycopg2 connection in autocommit mode
        try:
            cur = conn.cursor()

            def take() -> bool:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,))
                row = cur.fetchone()
                return bool(row and row[0])

            holder = _try_until_named(take, lambda: self._holder(cur))
            if holder is not None:
                raise LockHeld(describe_holder(holder))
            cur.execute(
                "INSERT INTO aisync_meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (HOLDER_KEY, json.dumps(holder_info(self.command))),
            )
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        _after_acquire(self)

    @staticmethod
    def _holder(cur: _Cursor) -> HolderRecord | None:
        try:
            cur.execute("SELECT value FROM aisync_meta WHERE key = %s", (HOLDER_KEY,))
            row = cur.fetchone()
            return _record(row[0]) if row and isinstance(row[0], str) and row[0] else None
        except Exception:  # the message is a nicety; never let it hide the LockHeld
            return None

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            cur = conn.cursor()
            cur.execute("DELETE FROM aisync_meta WHERE key = %s", (HOLDER_KEY,))
            cur.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))
        except Exception:
            pass  # closing the connection below releases the lock anyway
        finally:
            conn.close()

    def __enter__(self) -> PostgresRunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _record(text: str) -> HolderRecord | None:
    """A holder record's text, decoded; None unless it is a JSON object (ValueError if not JSON)."""
    value = decode(text)
    return value if isinstance(value, dict) else None


def _after_acquire(lock: FileRunLock | PostgresRunLock) -> None:
    if lock.on_acquire is None:
        return
    try:
        lock.on_acquire()
    except BaseException:
        lock.release()
        raise


def run_lock(store: Store, command: str | None = None) -> FileRunLock | PostgresRunLock:
    """The right lock for this store; use as a context manager around a whole run.

    Taking it marks the runs a killed process left `running` as interrupted, whatever kind of
    run takes it next.
    """
    from .run_status import mark_interrupted_runs

    command = command or " ".join(["aisync", *sys.argv[1:]])
    if store.path is not None:
        return FileRunLock(store.path.with_name(store.path.name + ".lock"), command, on_acquire=mark_interrupted_runs)
    import peewee as pw

    if isinstance(store.db, pw.PostgresqlDatabase):
        return PostgresRunLock(store, command, on_acquire=mark_interrupted_runs)
    # Other servers: fall back to a lock file in the user data dir, one per URL.
    import hashlib

    from ..config import data_dir

    digest = hashlib.sha1(store.location.encode()).hexdigest()[:12]
    return FileRunLock(data_dir() / f"run-{digest}.lock", command, on_acquire=mark_interrupted_runs)
