"""`aisync cost` and `aisync cheapest`: what a workload costs on named models, and the models
that can run it, cheapest first. The arithmetic is `choose.cost`; this module asks and formats
(`cheapest` registers its parser from `commands/cheapest.py`, so `aisync --help` stays a table)."""

from __future__ import annotations

import argparse
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from ..choose.advice import ModelCost
    from ..choose.cost import Workload
    from ._base import Context, Subparsers

#: Upper bound of any count on the command line: far above any real workload, far below what
#: would make the exact arithmetic slow.
MAX_COUNT = 10**15


def count(text: str) -> int:
    """argparse type: a whole number from 0 to MAX_COUNT (1_000 and 1,000 are accepted)."""
    cleaned = text.strip().replace("_", "").replace(",", "")
    if not cleaned.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    value = int(cleaned)
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{text!r} is larger than {MAX_COUNT:,}")
    return value


def seconds(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value.is_finite() or value < 0 or value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to {MAX_COUNT:,}")
    return value


#: The workload's non-token quantities (choose.cost.UNIT_QUANTITIES): option -> (count or
#: seconds, what it counts, which models charge for it), in the order `--help` shows them.
UNIT_OPTIONS: dict[str, tuple[str, str, str]] = {
    "input_images": ("count", "images read", "models that price input images"),
    "images": ("count", "images generated", "image models"),
    "input_seconds": ("seconds", "seconds of audio read", "transcription, audio priced per second"),
    "output_seconds": ("seconds", "seconds of audio produced", "speech priced per second"),
    "input_characters": ("count", "characters read", "models priced per character"),
    "output_characters": ("count", "characters written", "models priced per character"),
    "input_video_seconds": ("seconds", "seconds of video read", "video input priced per second"),
    "video_seconds": ("seconds", "seconds of video generated", "video models"),
}


def add_workload(p: argparse.ArgumentParser, *, requests: bool = True) -> None:
    g = p.add_argument_group("workload (per request)")
    g.add_argument("--input-tokens", type=count, default=0, metavar="N", help="prompt tokens per request, cached ones included")
    g.add_argument("--output-tokens", type=count, default=0, metavar="N", help="output tokens per request")
    g.add_argument("--cached-tokens", type=count, default=0, metavar="N", help="of the input tokens, how many are read from the prompt cache")
    for name, (kind, noun, who) in UNIT_OPTIONS.items():
        whole = kind == "count"
        g.add_argument(
            f"--{name.replace('_', '-')}", type=count if whole else seconds, default=0 if whole else Decimal(0),
            metavar="N" if whole else "S", help=f"{noun} per request ({who})",
        )
    if requests:
        g.add_argument("--requests", type=count, default=1, metavar="N", help="how many requests (default: 1)")


def register(sub: Subparsers) -> None:
    from ._base import add_common

    p = sub.add_parser(
        "cost",
        help="what a workload costs on one or more models",
        description="The cost of a workload on each named model, per price component, in exact decimals. "
        "A component the model has no price for makes its cost unknown, and is named.",
    )
    add_common(p)
    p.add_argument("--model", nargs=2, action="append", metavar=("MODEL", "PROVIDER"), required=True, help="model id (or alias) and provider (repeatable)")
    add_workload(p)
    p.add_argument("--at", metavar="DATE", help="price in force on DATE (YYYY-MM-DD: at the end of that UTC day) instead of the current price")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p.set_defaults(handler=run_cost)


def workload_from(args: argparse.Namespace) -> Workload:
    from ..choose.cost import Workload
    from ..errors import UsageError

    w = Workload(
        input_tokens=args.input_tokens, output_tokens=args.output_tokens, cached_tokens=args.cached_tokens,
        requests=getattr(args, "requests", 1), **{name: getattr(args, name) for name in UNIT_OPTIONS},
    )
    problems = w.problems()
    if problems:
        raise UsageError(problems[0])
    return w


def parse_at(text: str) -> datetime:
    from ..choose.advice import price_date

    return price_date(text, option="--at")


def plural(n: int, word: str) -> str:
    """render.words.plural without importing the event types it words (7 ms of start-up)."""
    return f"{n:,} {word if n == 1 else word + 's'}"


def describe_workload(w: Workload) -> str:
    parts = []
    if w.input_tokens:
        cached = f" ({w.cached_tokens:,} cached)" if w.cached_tokens else ""
        parts.append(f"{plural(w.input_tokens, 'input token')}{cached}")
    if w.output_tokens:
        parts.append(plural(w.output_tokens, "output token"))
    for name, (_kind, noun, _who) in UNIT_OPTIONS.items():
        value = getattr(w, name)
        if value:
            parts.append(f"{value:,} {noun}")
    return ", ".join(parts) + f" per request × {plural(w.requests, 'request')}"


def _seed(ctx: Context) -> None:
    from ..pricing.seed import ensure_seeded

    ensure_seeded(ctx.store())


def run_cost(ctx: Context) -> int:
    from ..choose.advice import NotFound, cost_of
    from ..errors import UsageError

    args = ctx.args
    workload = workload_from(args)
    at = parse_at(args.at) if args.at else None
    _seed(ctx)
    results = cost_of([(m, p) for m, p in args.model], workload, at=at)
    for r in results:
        if isinstance(r, NotFound):
            hint = "did you mean: " + ", ".join(f"{m} {p}" for m, p in r.suggestions) if r.suggestions else "list models with `aisync models list --search TEXT`"
            raise UsageError(f"Model {r.model_id!r} not found for provider {r.provider!r}", hint=hint)
    if args.format == "json":
        from ..render.fastjson import dumps_indent2

        ctx.print(dumps_indent2([r.to_json() for r in results if not isinstance(r, NotFound)]))
        return 0
    ctx.print(f"Workload: {describe_workload(workload)}" + (f"; prices in force at {at:%Y-%m-%d %H:%M} UTC" if at else ""))
    print_costs(ctx, [r for r in results if not isinstance(r, NotFound)])
    return 0


#: Column order: what a request reads, then what it writes, then the other units.
SHOWN_ORDER = ("input", "cached_input", "output")


def _components(results: Sequence[ModelCost]) -> list[str]:
    seen = {line.component for r in results for line in r.quote.lines}
    return [c for c in SHOWN_ORDER if c in seen] + sorted(seen.difference(SHOWN_ORDER))


def print_costs(ctx: Context, results: Sequence[ModelCost], *, ranks: bool = False) -> None:
    from ..choose.cost import component_label
    from ..render.inert import inert
    from ..render.money import usd
    from ..render.table import ascii_table

    components = _components(results)
    headers = (["#"] if ranks else []) + ["Model", "Provider", "Context"] + [component_label(c) for c in components] + ["Total"]
    rows = []
    for i, r in enumerate(results, 1):
        by = {line.component: line for line in r.quote.lines}
        cells = [usd(by[c].cost) if c in by else "" for c in components]
        context = f"{r.model.context_length:,}" if r.model.context_length else "—"
        rows.append(([str(i)] if ranks else []) + [inert(r.model.model_id, 60), inert(r.model.provider, 30), context, *cells, usd(r.cost)])
    first = 3 + (1 if ranks else 0) - 1
    ctx.print(ascii_table(headers, rows, align_right=tuple(range(first, len(headers)))))
    for r in results:
        if r.quote.missing:
            names = ", ".join(component_label(c).lower() for c in r.quote.missing)
            when = " at that date" if r.at else ""
            ctx.print(f"{inert(r.model.model_id, 60)} ({inert(r.model.provider, 30)}): cost unknown, no {names} price{when}")
        if r.quote.tier is not None:
            ctx.print(f"{inert(r.model.model_id, 60)} ({inert(r.model.provider, 30)}): long-context prices (prompt above {r.quote.tier:,} tokens)")


def run_cheapest(ctx: Context) -> int:
    from ..choose.advice import cheapest
    from ..render.inert import inert

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
    _seed(ctx)
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
