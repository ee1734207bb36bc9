"""The `aisync` command. No arguments: the Textual app. Otherwise headless subcommands.

Headless paths never import Textual (a test checks it), and heavy modules load only inside the
command that needs them, so `aisync --help` stays fast. Each subcommand lives in its own module
under `aisync_tui/commands/`, found at start-up: a module there with `register(subparsers)` is a
command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import signal
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from . import __version__
from .errors import EXIT_INTERRUPTED, EXIT_USAGE, AisyncError, redact

# httpx's __init__ imports its own command-line client (click, rich.console, pygments) whenever
# those happen to be installed, as they are next to Textual: about 60-100 ms of every network
# command's start-up, for a module aisync never uses. Marking it absent makes httpx define its
# stub `main` instead. (bench/README.md, "start-up")
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


@dataclass
class Context:
    """What a command gets: parsed args, settings (loaded on first use), the store and output."""

    args: argparse.Namespace
    out: Any = field(default_factory=lambda: sys.stdout)
    err: Any = field(default_factory=lambda: sys.stderr)
    _settings: Any = None
    _store: Any = None
    _warned: bool = False

    @property
    def settings(self) -> Any:
        if not self._warned:
            settings = self._load_settings()
            self._warned = True
            for line in settings.warnings:
                self.warn(line)
        return self._settings

    def _load_settings(self) -> Any:
        """Settings without printing their warnings (the first `settings` access prints them)."""
        if self._settings is None:
            from .config import load_settings

            self._settings = load_settings(getattr(self.args, "config", None), database=getattr(self.args, "db", None))
        return self._settings

    def store(self, *, create: bool = True) -> Any:
        if self._store is None:
            from .store.db import open_store

            self._store = open_store(self.settings.database, create=create)
            if create and not getattr(self.args, "dry_run", False):
                # A price ledger from the first command: a store a command may create gets the
                # bundled snapshot's catalog and prices before anything else (one meta read once
                # done). Read-only commands (create=False) never write it.
                from .pricing.seed import ensure_seeded

                ensure_seeded(self._store)
        return self._store

    def lock(self) -> Any:
        from .store.lock import run_lock

        return run_lock(self.store())

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        print(redact(text), file=self.err)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class Parser(argparse.ArgumentParser):
    """argparse with exit code 2 and one-line errors that say what to do."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"aisync: error: {message} (see `{self.prog} --help`)\n")


def _discover() -> list[Any]:
    from . import commands

    modules = []
    for info in pkgutil.iter_modules(commands.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"aisync_tui.commands.{info.name}")
        if hasattr(module, "register"):
            modules.append(module)
    modules.sort(key=lambda m: (getattr(m, "ORDER", 50), m.__name__))
    return modules


def add_common(p: argparse.ArgumentParser) -> None:
    """--config and --db on every subcommand as well as before it."""
    p.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help="config file (default: $AISYNC_CONFIG or the user config dir)")
    p.add_argument("--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help="store: SQLite path or database URL (default: $AISYNC_DATABASE_URL or the user data dir)")


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The whole parser; given `argv`, only the named command's module builds its real subparser.

    Building every command's argparse tree cost more than half of `aisync --help` (about 25
    subparsers); the others are only listed, with their help line, as argparse itself lists them.
    """
    parser = Parser(
        prog="aisync",
        description="Keep a local catalog of AI models, prices and spend in sync. Without a command: open the app.",
        epilog="Exit codes: 0 ok, 1 some provider failed, 2 usage or configuration error, 75 another run holds the lock, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"aisync-tui {__version__}")
    parser.add_argument("--config", metavar="PATH", help="config file (default: $AISYNC_CONFIG or the user config dir)")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="store: SQLite path or database URL")
    parser.add_argument("--sync-all", action="store_true", help="run the scheduled job: model sync, then pricing sync, for every enabled provider")
    parser.add_argument("--force", action="store_true", help="with --sync-all: ignore cache_ttl and the shrunken-list guard")
    parser.add_argument("--dry-run", action="store_true", help="with --sync-all: show what would change, write nothing")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="with --sync-all: HTTP timeout per request")
    parser.add_argument("--quiet", "-q", action="store_true", help="with --sync-all: print only errors")
    parser.add_argument("--json", action="store_true", help="with --sync-all: print a machine-readable summary")
    parser.add_argument("--no-pricing", action="store_true", help="with --sync-all: skip the pricing sync")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    modules = _discover()
    if argv is not None and _register_lazily(sub, modules, _command_in(argv)):
        return parser
    for module in modules:
        module.register(sub)
    return parser


#: Top-level options that take a value (so the word after them is not the command).
_VALUE_OPTIONS = ("--config", "--db", "--timeout")


def _command_in(argv: Sequence[str]) -> str | None:
    """The first word of argv that is neither an option nor an option's value."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--":
            return None
        if token.startswith("-"):
            # argparse accepts unambiguous prefixes (--conf PATH) too.
            skip = "=" not in token and len(token) > 2 and any(o.startswith(token) for o in _VALUE_OPTIONS)
            continue
        return token
    return None


class _Inert:
    """Accepts whatever a `register()` does to a parser, and does nothing."""

    def __getattr__(self, name: str) -> Any:
        return self._anything

    def _anything(self, *args: Any, **kwargs: Any) -> _Inert:
        return self


class _Recorder:
    """Stands in for argparse's subparsers to learn which commands a module registers."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, tuple[str, ...], dict[str, Any]]] = []

    def add_parser(self, name: str, **kwargs: Any) -> _Inert:
        self.commands.append((name, tuple(kwargs.get("aliases", ())), kwargs))
        return _Inert()


def _register_lazily(sub: Any, modules: list[Any], wanted: str | None) -> bool:
    """Register `wanted`'s module for real and only list the rest. False (and nothing added)
    when that cannot be done safely: the caller then registers everything as before."""
    recorded = []
    for module in modules:
        recorder = _Recorder()
        try:
            module.register(recorder)
        except Exception:
            return False
        recorded.append((module, recorder.commands))
    names = {n for _, cmds in recorded for name, aliases, _ in cmds for n in (name, *aliases)}
    if wanted is not None and wanted not in names:
        return False  # a typo or an abbreviation: argparse's own error lists every command
    pseudo = getattr(argparse._SubParsersAction, "_ChoicesPseudoAction", None)
    if pseudo is None or not isinstance(getattr(sub, "_choices_actions", None), list):
        return False
    for module, cmds in recorded:
        if wanted is not None and any(wanted in (name, *aliases) for name, aliases, _ in cmds):
            module.register(sub)
            continue
        for name, aliases, kwargs in cmds:
            if "help" in kwargs:
                sub._choices_actions.append(pseudo(name, list(aliases), kwargs["help"]))
    return True


def _skip_unused_drivers(ctx: Context) -> None:
    """Peewee imports psycopg2 at its own import whenever it is installed (about 25 ms of CPU,
    a tenth of `models info`); a SQLite store never uses it. When the store is SQLite and Peewee
    is not loaded yet, mark psycopg2 absent. A bad config is left for the command to report."""
    if "peewee" in sys.modules:
        return
    try:
        location = str(ctx._load_settings().database)
    except Exception:
        return
    if "://" not in location or location.startswith("sqlite"):
        sys.modules.setdefault("psycopg2", None)  # type: ignore[arg-type]


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    ctx = Context(args)
    handler: Callable[[Context], int] | None = getattr(args, "handler", None)
    if args.command is None and not args.sync_all:
        handler = _run_tui
    elif args.sync_all:
        if args.command is not None:
            parser.error("--sync-all takes no command")
        from .commands.sync_models import run_sync_all

        handler = run_sync_all
    if handler is None:
        parser.error(f"{args.command}: choose a subcommand")
        return EXIT_USAGE
    if os.name == "posix":
        signal.signal(signal.SIGTERM, _on_sigterm)
    _skip_unused_drivers(ctx)
    try:
        return int(handler(ctx) or 0)
    except AisyncError as exc:
        print(f"aisync: error: {exc.line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("aisync: interrupted; the current transaction was rolled back and the lock released", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `aisync models list | head`: the reader has gone, not an error. Point stdout at
        # /dev/null so the interpreter's final flush does not complain either.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0
    except Exception as exc:
        # A database failure mid-command (full disk, file made read-only, store replaced under
        # us): one line naming the store, exit 2, never a traceback.
        store_error = _as_store_error(ctx, exc)
        if store_error is None:
            raise
        print(f"aisync: error: {store_error.line()}", file=sys.stderr)
        return store_error.exit_code
    finally:
        ctx.close()


def _as_store_error(ctx: Context, exc: Exception) -> AisyncError | None:
    if "peewee" not in sys.modules and "sqlite3" not in sys.modules:
        return None
    import sqlite3

    import peewee

    if not isinstance(exc, (peewee.DatabaseError, peewee.InterfaceError, sqlite3.Error)):
        return None
    from .store.db import describe_sqlite_error

    if ctx._store is not None:
        where = ctx._store.location
    elif ctx._settings is not None:
        where = str(ctx._settings.database)
    else:
        where = "the store"
    return describe_sqlite_error(where, exc)


def _run_tui(ctx: Context) -> int:
    try:
        from .tui.app import run_app
    except ImportError as exc:  # pragma: no cover - until the TUI lands
        raise AisyncError(f"the app is not available: {exc}", hint="use the headless commands, see `aisync --help`") from None
    return int(run_app(ctx) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
