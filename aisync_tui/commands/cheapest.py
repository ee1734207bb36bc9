"""`aisync cheapest`: the models that can run a workload, cheapest first. Ranking is
`choose.advice.cheapest`; the workload options and the table are `cost`'s."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    from ..domain import CAPABILITIES, MODEL_TYPES
    from ._base import add_common
    from .cost import add_workload, count

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


def run_cheapest(ctx: Any) -> int:
    from ..choose.advice import cheapest
    from ..render.inert import inert
    from .cost import describe_workload, plural, print_costs, seed_catalog, workload_from

    args = ctx.args
    workload = workload_from(args)
    if args.provider:
        for slug in args.provider:
            if slug not in ctx.settings.providers:
                from ..store.models import Provider

                ctx.store()
                if not Provider.select().where(Provider.slug == slug).exists():
                    from ..errors import UsageError

                    raise UsageError(f"unknown provider {slug!r}", hint="see `aisync providers`")
    seed_catalog(ctx)
    available = True if args.available else (False if args.catalog else None)
    ranking = cheapest(
        workload, providers=args.provider or (), type=args.type, capabilities=args.capability or (),
        min_context=args.min_context, available=available, top=args.top or None,
    )
    if args.format == "json":
        from ..render.fastjson import dumps_indent2

        ctx.print(dumps_indent2([r.to_json() for r in ranking.ranked]))
        if ranking.unpriced:
            ctx.warn(f"{plural(ranking.unpriced, 'model')} left out: no known price for this workload")
        return 0
    ctx.print(f"Workload: {describe_workload(workload)}")
    if not ranking.ranked:
        ctx.print("No priced model matches." + (f" {plural(ranking.considered, 'model')} matched the filters, none with a known price for this workload." if ranking.considered else ""))
    else:
        print_costs(ctx, ranking.ranked, ranks=True)
        shown = len(ranking.ranked)
        priced = ranking.considered - ranking.unpriced
        ctx.print(f"Showing {shown:,} of {plural(priced, 'priced model')} that match.")
    if ranking.unpriced:
        examples = ", ".join(f"{inert(m, 60)} ({inert(p, 30)})" for p, m, _ in ranking.unpriced_examples)
        ctx.print(f"Left out: {plural(ranking.unpriced, 'model')} without a known price for this workload (e.g. {examples})")
    return 0
