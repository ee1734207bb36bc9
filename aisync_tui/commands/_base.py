"""What every command module shares: the `Context` a handler gets, the argument parser class, the
options every subcommand takes, and `COMMANDS`, the table of command names and help lines.

The entry point (`cli.py`) imports this module; command modules import it too, never `cli.py`.
Cheap to import: settings, store and lock load on first use.
"""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol

from ..errors import EXIT_USAGE, redact

if TYPE_CHECKING:
    from ..config import Settings
    from ..store.db import Store
    from ..store.lock import FileRunLock, PostgresRunLock

#: Every subcommand: name -> (module under aisync_tui.commands, the help line `aisync --help`
#: shows), in the order it shows them. `aisync --help` is printed from this table without
#: importing any command module; a test checks each module registers exactly these.
COMMANDS: dict[str, tuple[str, str]] = {
    "sync-models": ("sync_models", "sync the model lists of the configured providers"),
    "models": ("models", "list, inspect and clean up the models in the store"),
    "sync-pricing": ("sync_pricing", "sync model prices from the price feeds (LiteLLM, genai-prices, the bundled snapshot)"),
    "providers": ("providers", "list the providers: configured or not, key variable, base URL, last sync"),
    "cost": ("cost", "what a workload costs on one or more models"),
    "cheapest": ("cheapest", "the models that can run a workload, cheapest first"),
    "sync": ("sync_cmd", "the health of scheduled syncs: status and failed runs"),
    "usage": ("usage", "import what you spent and report it"),
    "notify": ("notify", "notifications after sync runs (Apprise)"),
    "mcp": ("mcp_cmd", "serve the catalog to agents over MCP (stdio, read-only)"),
    "schedule": ("schedule", "print or install the schedule: cron lines and systemd user timers"),
    "config": ("config_cmd", "check the config file and show paths"),
}


class TextOut(Protocol):
    """Where a command writes: a text stream (stdout, or stdout guarded against a full disk)."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


#: One writer at a time: providers sync in threads and each may warn while another does.
_OUTPUT = threading.Lock()


def _write_lines(stream: TextOut | None, text: str) -> None:
    """Write `text` and its newline in one piece, so lines from concurrent providers never run
    into each other (`print` writes the text and the newline separately)."""
    if stream is None:  # a standard stream closed at start (`>&-`): Python sets it to None
        return
    with _OUTPUT:
        stream.write(text + "\n")


@dataclass
class Context:
    """What a command gets: parsed args, settings (loaded on first use), the store and output."""

    args: argparse.Namespace
    out: TextOut = field(default_factory=lambda: sys.stdout)
    err: TextOut = field(default_factory=lambda: sys.stderr)
    _settings: Settings | None = None
    _store: Store | None = None
    _warned: bool = False
    _lock: FileRunLock | PostgresRunLock | None = None

    @property
    def settings(self) -> Settings:
        settings = self._load_settings()
        if not self._warned:
            self._warned = True
            for line in settings.warnings:
                self.warn(line)
        return settings

    def _load_settings(self) -> Settings:
        """Settings without printing their warnings (the first `settings` access prints them)."""
        if self._settings is None:
            from ..config import load_settings

            self._settings = load_settings(getattr(self.args, "config", None), database=getattr(self.args, "db", None))
        return self._settings

    def store(self, *, create: bool = True) -> Store:
        if self._store is None:
            from ..store.db import open_store

            self._store = open_store(self.settings.database, create=create)
            if create and not getattr(self.args, "dry_run", False):
                # A price ledger from the first command: a store a command may create gets the
                # bundled snapshot's catalog and prices before anything else (one meta read once
                # done). Read-only commands (create=False) never write it.
                from ..pricing.seed import ensure_seeded

                ensure_seeded(self._store)
        return self._store

    def lock(self) -> HeldLock:
        """The store's run lock, as a context manager. Re-entrant within one command: a job made
        of stages (`--sync-all`: models, then pricing) takes it once and holds it throughout, and
        the stages' own `with ctx.lock()` do not let go of it in between."""
        return HeldLock(self)

    def print(self, text: str = "") -> None:
        """Human-readable output: control characters from outside data are shown escaped."""
        from ..render.inert import inert_lines

        _write_lines(self.out, inert_lines(text))

    def warn(self, text: str) -> None:
        from ..render.inert import inert_lines

        _write_lines(self.err, inert_lines(redact(text)))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class HeldLock:
    """`with ctx.lock():` takes the run lock unless an outer `with` of the same command holds it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.outermost = False

    def __enter__(self) -> FileRunLock | PostgresRunLock:
        ctx = self.ctx
        if ctx._lock is None:
            from ..store.lock import run_lock

            lock = run_lock(ctx.store())
            lock.acquire()
            ctx._lock = lock
            self.outermost = True
        return ctx._lock

    def __exit__(self, *exc: object) -> None:
        if self.outermost and self.ctx._lock is not None:
            lock, self.ctx._lock = self.ctx._lock, None
            lock.release()


#: A command's handler: runs it, returns the exit code.
Handler = Callable[[Context], int]


class Parser(argparse.ArgumentParser):
    """argparse with exit code 2 and one-line errors that say what to do."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"aisync: error: {message} (see `{self.prog} --help`)\n")


def add_common(p: argparse.ArgumentParser) -> None:
    """--config and --db on every subcommand as well as before it."""
    p.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help="config file (default: $AISYNC_CONFIG or the user config dir)")
    p.add_argument(
        "--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help="store: SQLite path or database URL (default: $AISYNC_DATABASE_URL or the user data dir)"
    )


if TYPE_CHECKING:
    from typing import TypeAlias

    #: What a command module's `register()` adds its parser to.
    Subparsers: TypeAlias = "argparse._SubParsersAction[Parser]"
