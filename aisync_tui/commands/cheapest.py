"""`aisync cheapest`: its parser. The command itself lives with `aisync cost` in `cost.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._base import Subparsers


def register(sub: Subparsers) -> None:
    from ..domain import CAPABILITIES, MODEL_TYPES
    from ._base import add_common
    from .cost import add_workload, count, run_cheapest

    p = sub.add_parser(
        "cheapest",
        help="the models that can run a workload, cheapest first",
        description="Models with every named capability and at least the context, priced for the workload, cheapest first "
        "(ties: larger context, then id). Models without a known price for the workload are left out and counted.",
    )
    add_common(p)
    add_workload(p)
    p.add_argument("--capability", action="append", choices=CAPABILITIES, metavar="CAP", help=f"needed capability (repeatable: {', '.join(CAPABILITIES)})")
    p.add_argument("--min-context", type=count, metavar="N", help="at least this context length in tokens")
    p.add_argument("--type", choices=MODEL_TYPES, metavar="TYPE", help=f"only this type ({', '.join(MODEL_TYPES)})")
    p.add_argument("--provider", action="append", metavar="NAME", help="only this provider (repeatable)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--available", action="store_true", help="only models your providers listed")
    which.add_argument("--catalog", action="store_true", help="only catalog entries (known from price feeds)")
    p.add_argument("--top", type=count, default=10, metavar="N", help="how many to show (default: 10; 0 = all)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p.set_defaults(handler=run_cheapest)
