"""The `aisync` command. No arguments: the Textual app. Otherwise headless subcommands.

Headless paths never import Textual (a test checks it), and heavy modules load only inside the
command that needs them, so `aisync --help` stays fast. Each subcommand lives in its own module
under `aisync_tui/commands/` with a `register(subparsers)`, listed in `commands._base.COMMANDS`.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import signal
import sys
from types import FrameType, ModuleType
from typing import Sequence

from . import __version__
from .commands._base import COMMANDS, Context, Handler, Parser, add_common
from .errors import EXIT_INTERRUPTED, EXIT_USAGE, AisyncError
from .render.inert import inert

__all__ = ["Context", "Parser", "add_common", "build_parser", "main"]

# httpx's __init__ imports its own command-line client (click, rich.console, pygments) whenever
# those happen to be installed, as they are next to Textual: about 60-100 ms of every network
# command's start-up, for a module aisync never uses. Marking it absent makes httpx define its
# stub `main` instead. (bench/README.md, "start-up")
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def _command_module(module: str) -> ModuleType:
    return importlib.import_module(f"aisync_tui.commands.{module}")


def _unlisted_modules() -> list[ModuleType]:
    """Command modules missing from `COMMANDS` (a test fails on any): registered all the same."""
    from . import commands

    listed = {module for module, _ in COMMANDS.values()}
    found = []
    for info in pkgutil.iter_modules(commands.__path__):
        if info.name.startswith("_") or info.name in listed:
            continue
        module = _command_module(info.name)
        if hasattr(module, "register"):
            found.append(module)
    return found


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
    parser.add_argument("--force", action="store_true", help="with --sync-all: ignore cache_ttl")
    parser.add_argument("--accept-shrink", action="store_true", help="with --sync-all: mark models missing even when a list came back empty or lost more than half")
    parser.add_argument("--dry-run", action="store_true", help="with --sync-all: show what would change, write nothing")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="with --sync-all: HTTP timeout per request")
    parser.add_argument("--quiet", "-q", action="store_true", help="with --sync-all: print only errors")
    parser.add_argument("--json", action="store_true", help="with --sync-all: print a machine-readable summary")
    parser.add_argument("--no-pricing", action="store_true", help="with --sync-all: skip the pricing sync")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    wanted = _command_in(argv) if argv is not None else None
    if argv is not None and (wanted is None or wanted in COMMANDS):
        # Only the named command builds its real subparser; the others are listed with their
        # help line (building every command's tree cost more than half of `aisync --help`).
        for name, (module, help_line) in COMMANDS.items():
            if name == wanted:
                _command_module(module).register(sub)
            else:
                sub.add_parser(name, help=help_line, add_help=False)
        return parser
    # No argv, or a word that is not a listed command (a typo gets argparse's own error, which
    # names every command): build them all.
    for module_name in dict.fromkeys(module for module, _ in COMMANDS.values()):
        _command_module(module_name).register(sub)
    for unlisted in _unlisted_modules():
        unlisted.register(sub)
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


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    ctx = Context(args)
    from .outstream import GuardedStream, degrade_symbols

    if (args.command is not None or args.sync_all) and sys.stdout is not None:  # None: started with stdout closed
        degrade_symbols(sys.stdout)
        ctx.out = GuardedStream(sys.stdout)
    handler: Handler | None = getattr(args, "handler", None)
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
        code = int(handler(ctx) or 0)
        if isinstance(ctx.out, GuardedStream):
            ctx.out.flush()  # a full disk shows here, while we can still say so in one line
        return code
    except AisyncError as exc:
        _print_error(f"aisync: error: {inert(exc.line(), 2000)}")
        if isinstance(ctx.out, GuardedStream) and type(exc).__name__ == "OutputError":
            _silence_stdout()
        return exc.exit_code
    except KeyboardInterrupt:
        print("aisync: interrupted; the current transaction was rolled back and the lock released", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `aisync models list | head`: the reader has gone, not an error. Point stdout at
        # /dev/null so the interpreter's final flush does not complain either.
        _silence_stdout()
        return 0
    except Exception as exc:
        # A database failure mid-command (full disk, file made read-only, store replaced under
        # us): one line naming the store, exit 2, never a traceback.
        store_error = _as_store_error(ctx, exc)
        if store_error is None:
            raise
        print(f"aisync: error: {inert(store_error.line(), 2000)}", file=sys.stderr)
        return store_error.exit_code
    finally:
        ctx.close()


def _silence_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered cannot be written anyway, and the
    interpreter's final flush must not add a traceback to the one-line error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _print_error(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except (OSError, ValueError):
        pass


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
    from .tui.app import run_app

    return int(run_app(ctx) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
