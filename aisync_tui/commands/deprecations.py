"""`aisync models deprecations`: models with a deprecation or retirement date, soonest first,
marking the ones you used recently. Registered under `models` by commands/models.py."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..choose.deprecations import Deprecation
    from ._base import Context, Subparsers


def add_parser(msub: Subparsers) -> None:
    from ._base import add_common

    p = msub.add_parser(
        "deprecations",
        help="models with a deprecation or retirement date, soonest first",
        description="Models with a deprecation or retirement date, soonest first (dates already past first), "
        "marking the ones with usage in the last 30 days.",
    )
    add_common(p)
    p.add_argument("--within", type=int, metavar="DAYS", help="only the coming dates: from today up to DAYS days ahead")
    p.add_argument("--used", action="store_true", help="only models with usage in the last 30 days")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p.set_defaults(handler=run_deprecations)


def run_deprecations(ctx: Context) -> int:
    from ..choose.deprecations import RECENT_DAYS, deprecations
    from ..domain import utcnow
    from ..errors import UsageError
    from ..pricing.seed import ensure_seeded
    from ..render.inert import inert
    from ..render.table import ascii_table
    from ..render.words import plural

    args = ctx.args
    if args.within is not None and not 0 <= args.within <= 36500:
        raise UsageError(f"--within must be from 0 to 36500 days, not {args.within}")
    ensure_seeded(ctx.store())
    now = utcnow()
    found = deprecations(within=args.within, used_only=args.used, now=now)
    if args.format == "json":
        ctx.print(json.dumps([d.to_json(now) for d in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        scope = f" within {plural(args.within, 'day')}" if args.within is not None else ""
        ctx.print(f"No {'used ' if args.used else ''}model has a deprecation date{scope}.")
        return 0

    def when(d: Deprecation) -> str:
        left = d.days_left(now)
        return "today" if left == 0 else (f"in {plural(left, 'day')}" if left > 0 else f"{plural(-left, 'day')} ago")

    ctx.print(ascii_table(
        ("Model", "Provider", "Status", "Date", "When", f"Used (last {RECENT_DAYS} days)"),
        [
            (inert(d.model_id, 60), inert(d.provider, 30), d.status, f"{d.date:%Y-%m-%d}", when(d),
             f"yes, last {d.last_used:%Y-%m-%d}" if d.last_used else "")
            for d in found
        ],
    ))
    used = sum(1 for d in found if d.used)
    ctx.print(f"{plural(len(found), 'model')}" + (f", {used:,} of them used in the last {RECENT_DAYS} days" if used else ""))
    return 0
