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
from typing import Any

from ..errors import LockHeld
from .db import Store

#: Advisory lock key for PostgreSQL: crc32("aisync-run-lock").
ADVISORY_KEY = 0x4A1571C


def holder_info(command: str) -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "since": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def describe_holder(info: dict[str, Any] | None) -> str:
    if not info:
        return "another aisync run holds the store's lock"
    return (
        f"another aisync run holds the store's lock: pid {info.get('pid', '?')} on {info.get('host', '?')}, "
        f"`{info.get('command', '?')}` since {info.get('since', '?')}"
    )


class FileRunLock:
    def __init__(self, path: Path, command: str) -> None:
        self.path = path
        self.command = command
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            info = self._read(fd)
            os.close(fd)
            raise LockHeld(describe_holder(info)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder_info(self.command)).encode(), 0)
        self._fd = fd

    @staticmethod
    def _read(fd: int) -> dict[str, Any] | None:
        try:
            data = os.pread(fd, 4096, 0)
            return json.loads(data.decode()) if data else None
        except (OSError, ValueError):
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
    """`pg_try_advisory_lock` held on the store's connection; released with it if the process dies."""

    def __init__(self, store: Store, command: str) -> None:
        self.store = store
        self.command = command
        self._held = False

    def acquire(self) -> None:
        from .models import Meta

        db = self.store.db
        got = db.execute_sql("SELECT pg_try_advisory_lock(%s)", (ADVISORY_KEY,)).fetchone()[0]
        if not got:
            raw = Meta.get_or_none(Meta.key == "run_lock_holder")
            info = None
            if raw and raw.value:
                try:
                    info = json.loads(raw.value)
                except ValueError:
                    info = None
            raise LockHeld(describe_holder(info))
        self._held = True
        self.store.meta_set("run_lock_holder", json.dumps(holder_info(self.command)))

    def release(self) -> None:
        if not self._held:
            return
        try:
            self.store.db.execute_sql("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))
        finally:
            self._held = False

    def __enter__(self) -> PostgresRunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def run_lock(store: Store, command: str | None = None) -> FileRunLock | PostgresRunLock:
    """The right lock for this store; use as a context manager around a whole run."""
    command = command or " ".join(["aisync", *sys.argv[1:]])
    if store.path is not None:
        return FileRunLock(store.path.with_name(store.path.name + ".lock"), command)
    import peewee as pw

    if isinstance(store.db, pw.PostgresqlDatabase):
        return PostgresRunLock(store, command)
    # Other servers: fall back to a lock file in the user data dir, one per URL.
    from ..config import data_dir
    import hashlib

    digest = hashlib.sha1(store.location.encode()).hexdigest()[:12]
    return FileRunLock(data_dir() / f"run-{digest}.lock", command)
