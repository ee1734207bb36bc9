"""Lazy command registration (issue 8: `aisync --help` start-up) must not change what users see:
the same help, the same parsed options, the same errors as the parser with every command built."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from aisync_tui.cli import _command_in, build_parser

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


def test_the_command_word_is_found_after_options_and_their_values() -> None:
    assert _command_in(["--db", "x.db", "-q", "models", "list"]) == "models"
    assert _command_in(["--config=c.toml", "sync-models"]) == "sync-models"
    assert _command_in(["--sync-all", "--timeout", "3"]) is None
