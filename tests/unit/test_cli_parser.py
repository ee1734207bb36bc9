"""The command line: building only the named command's parser (for a fast `aisync --help`) must
not change what users see (the same help, the same parsed options, the same errors as the parser
with every command built), and the table of commands is the commands there are."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import pkgutil
import re

import pytest

from aisync_tui import commands
from aisync_tui.cli import _command_in, build_parser
from aisync_tui.commands._base import COMMANDS, Parser

ARGVS = [
    ["--help"],
    [],
    ["--sync-all", "--json"],
    ["models", "--help"],
    ["models", "list", "--format", "json", "--sort", "provider"],
    ["models", "info", "gpt-4o", "openai", "--history"],
    ["--db", "models", "sync-models", "--dry-run"],  # a store file called "models"
    ["--conf", "x.toml", "sync-models", "--help"],
    ["--timeout=5", "sync", "--help"],
    ["sync-models", "--provider", "openai", "--provider", "xai"],
    ["modles", "list"],  # a typo: argparse names every command
    ["models", "list", "--format", "yaml"],
    ["config", "check"],
]


def _outcome(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[object, ...]:
    out, err = io.StringIO(), io.StringIO()
    code = None
    ns = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            ns = parser.parse_args(argv)
        except SystemExit as exc:
            code = exc.code
    fields = {k: v for k, v in vars(ns).items() if k != "handler"} if ns else None
    handler = getattr(getattr(ns, "handler", None), "__qualname__", None) if ns else None
    return code, out.getvalue(), err.getvalue(), fields, handler


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_commands_parse_and_help_exactly_as_with_every_command_built(argv: list[str]) -> None:
    assert _outcome(build_parser(argv), argv) == _outcome(build_parser(), argv)


def test_top_level_help_lists_every_command() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        build_parser(["--help"]).parse_args(["--help"])
    for name in ("sync-models", "models", "config"):
        assert f"    {name} " in out.getvalue()


def test_every_command_module_is_in_the_table_with_the_help_line_it_registers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # one help line per command, never wrapped
    modules = sorted(
        info.name
        for info in pkgutil.iter_modules(commands.__path__)
        if not info.name.startswith("_") and hasattr(importlib.import_module(f"aisync_tui.commands.{info.name}"), "register")
    )
    assert modules == sorted(module for module, _ in COMMANDS.values()), "add the command to commands._base.COMMANDS"
    for name, (module, help_line) in COMMANDS.items():
        parser = Parser(prog="aisync")
        sub = parser.add_subparsers(dest="command", parser_class=Parser)
        importlib.import_module(f"aisync_tui.commands.{module}").register(sub)
        assert list(sub.choices) == [name]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            parser.print_help()
        assert re.search(rf"^    {re.escape(name)} +{re.escape(help_line)}$", out.getvalue(), re.M), name


def test_the_command_word_is_found_after_options_and_their_values() -> None:
    assert _command_in(["--db", "x.db", "-q", "models", "list"]) == "models"
    assert _command_in(["--config=c.toml", "sync-models"]) == "sync-models"
    assert _command_in(["--sync-all", "--timeout", "3"]) is None


def _driver_skipped(tmp_path: object, db: str) -> bool:
    import os
    import subprocess
    import sys
    from pathlib import Path

    config = Path(str(tmp_path)) / "config.toml"
    config.write_text("")
    code = (
        "import argparse, sys\n"
        "from aisync_tui.cli import Context, _skip_unused_drivers\n"
        "_skip_unused_drivers(Context(argparse.Namespace(db=sys.argv[1], config=sys.argv[2])))\n"
        "print('psycopg2' in sys.modules and sys.modules['psycopg2'] is None)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISYNC_")}
    out = subprocess.run([sys.executable, "-c", code, db, str(config)], capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip() == "True"


def test_a_sqlite_store_skips_the_postgres_driver_but_a_postgres_url_keeps_it(tmp_path: object) -> None:
    assert _driver_skipped(tmp_path, "/tmp/some.db") is True
    assert _driver_skipped(tmp_path, "postgresql://user@localhost/aisync") is False


def test_config_warnings_are_printed_once_even_when_settings_load_early(tmp_path: object) -> None:
    import os
    from pathlib import Path

    from aisync_tui.cli import Context

    config = Path(str(tmp_path)) / "config.toml"
    config.write_text('[providers.openai]\napi_key = "sk-test-warn-0123456789"\n')
    os.chmod(config, 0o644)
    err = io.StringIO()
    ctx = Context(argparse.Namespace(config=str(config), db=str(Path(str(tmp_path)) / "s.db")), out=io.StringIO(), err=err)
    ctx._load_settings()
    assert err.getvalue() == ""
    assert ctx.settings is ctx.settings
    assert err.getvalue().count("readable by others") == 1
