"""`aisync config check|path`: validate the config file and show where things live."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._base import Context, Subparsers


def register(sub: Subparsers) -> None:
    from ._base import Parser, add_common

    p = sub.add_parser("config", help="check the config file and show paths")
    csub = p.add_subparsers(dest="config_command", metavar="SUBCOMMAND", parser_class=Parser)
    c = csub.add_parser("check", help="validate the config file; exit 2 with the problem if it is invalid")
    add_common(c)
    c.set_defaults(handler=run_check)
    c = csub.add_parser("path", help="print the config file, store and log file locations")
    add_common(c)
    c.set_defaults(handler=run_path)
    p.set_defaults(handler=None)


def run_check(ctx: Context) -> int:
    from ..errors import ConfigError
    from ..providers.clouds import credential_source, location
    from .schedule import HELP_WHEN, ScheduleError, parse_when

    settings = ctx.settings
    frequency = settings.model_sync.frequency
    try:
        parse_when(frequency)  # what `schedule show/install` will need
    except ScheduleError as exc:
        raise ConfigError(
            f"{settings.config_path}: model_sync.frequency {frequency!r}: {exc}", hint=f"use {HELP_WHEN}, e.g. \"*/30 * * * *\""
        ) from None
    where = str(settings.config_path) if settings.config_exists else f"{settings.config_path} (absent: defaults in use)"
    ctx.print(f"Config OK: {where}")
    for p in settings.providers.values():
        key, source = p.resolve_key()
        state = "disabled" if not p.enabled else ("ready" if (key or not p.needs_key) else "no key")
        if p.enabled and getattr(p, "opt_in", False) and not p.explicit:
            state = "opt-in"
        cloud = credential_source(p)
        where = (location(p) or p.base_url) if cloud else p.base_url
        key_text = cloud or source or "not set (" + ", ".join("$" + e for e in p.api_key_env) + ")"
        ctx.print(f"  {p.slug:<12} {state:<9} key: {key_text}  {where}")
    return 0


def run_path(ctx: Context) -> int:
    settings = ctx.settings
    ctx.print(f"config: {settings.config_path}{'' if settings.config_exists else ' (absent)'}")
    from ..errors import hide_url_secrets

    ctx.print(f"store:  {hide_url_secrets(settings.database)}")
    ctx.print(f"log:    {settings.log_file}")
    return 0
