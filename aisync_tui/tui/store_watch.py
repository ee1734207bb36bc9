"""Notice writes to the store by another process (a cron `--sync-all`, a headless command), so
the app can read the catalog again instead of showing stale rows.

SQLite: `PRAGMA data_version` on a connection of our own changes whenever another connection
commits; reading it costs microseconds, so it is polled on the UI thread. Other databases: a
signature of the run table (every sync writes a run row), read in a worker."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from ..store.db import Store

Version: TypeAlias = int | tuple[str, ...] | None
"""SQLite's data_version, or the run table's (count, last id, last finish) as text elsewhere."""


class StoreWatch:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._con: sqlite3.Connection | None = None
        self._last: Version = None
        path = getattr(store, "path", None)
        if store.is_sqlite and path is not None and str(path) != ":memory:":
            try:
                self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2, check_same_thread=False)
            except sqlite3.Error:
                self._con = None

    @property
    def cheap(self) -> bool:
        """True when a poll is cheap enough for the UI thread."""
        return self._con is not None

    def _version(self) -> Version:
        if self._con is not None:
            version: int = self._con.execute("PRAGMA data_version").fetchone()[0]
            return version
        from ..store.models import SyncRun

        with self.store.db.connection_context():
            from peewee import fn

            run_id = SyncRun._meta.primary_key  # Peewee's implicit id field
            row = SyncRun.select(fn.COUNT(run_id), fn.MAX(run_id), fn.MAX(SyncRun.finished_at)).tuples().first()
        return tuple(str(v) for v in row) if row else None

    def baseline(self) -> None:
        """What we have read: changes after this are reported by `changed()`."""
        try:
            self._last = self._version()
        except Exception:  # a store that went away is reported by the next real read
            self._last = None

    def changed(self) -> bool:
        try:
            now = self._version()
        except Exception:
            return False
        if self._last is None:
            self._last = now
            return False
        if now != self._last:
            self._last = now
            return True
        return False

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
