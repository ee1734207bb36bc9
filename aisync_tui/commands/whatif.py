"""`aisync usage whatif MODEL PROVIDER`: your own usage of the last N days re-priced on another
model, next to what it cost. Registered under `usage` by commands/usage.py."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..choose.whatif import WhatIf
    from ._base import Context, Subparsers


def add_parser(usub: Subparsers) -> None:
    from ._base import add_common

    p = usub.add_parser(
        "whatif",
        help="your usage of the last N days re-priced on another model",
        description="Re-price every usage record of the last N days (input, cached and output tokens) on another model's current price, "
        "next to what it cost. Records that model cannot price are counted, not guessed.",
    )
    add_common(p)
    p.add_argument("--model", nargs=2, required=True, metavar=("MODEL", "PROVIDER"), help="the model to re-price on: id (or alias) and provider")
    p.add_argument("--days", type=int, default=30, metavar="N", help="window in UTC days, today included (default: 30)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p.set_defaults(handler=run_whatif)


def run_whatif(ctx: Context) -> int:
    from ..choose.whatif import whatif
    from ..errors import UsageError
    from ..pricing.seed import ensure_seeded
    from ..store.candidates import find
    from ..store.queries import close_matches

    args = ctx.args
    if not 1 <= args.days <= 36500:
        raise UsageError(f"--days must be from 1 to 36500, not {args.days}")
    model_id, provider = args.model
    ensure_seeded(ctx.store())
    target = find(model_id, provider)
    if target is None:
        matches = close_matches(model_id, provider)
        hint = "did you mean: " + ", ".join(f"{m} {p}" for m, p in matches) if matches else "list models with `aisync models list --search TEXT`"
        raise UsageError(f"Model {model_id!r} not found for provider {provider!r}", hint=hint)
    result = whatif(target.provider, target.model_id, target.price, days=args.days, price_from=target.price_from)
    if args.format == "json":
        ctx.print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return 0
    print_whatif(ctx, result)
    return 0


def print_whatif(ctx: Context, r: WhatIf) -> None:
    from ..choose.cost import component_label
    from ..render.inert import inert
    from ..render.money import usd, usd_grouped
    from ..render.table import ascii_table
    from ..render.words import plural

    name = f"{inert(r.model_id, 60)} ({inert(r.provider, 30)})"
    ctx.print(f"Your usage of the last {r.days} days ({r.since:%Y-%m-%d} to {r.until:%Y-%m-%d}, UTC) re-priced on {name}")
    if r.records == 0:
        ctx.print("  No usage recorded in this window. Import some with `aisync usage import llm|openai|anthropic|csv|jsonl`.")
        return
    ctx.print(f"  Records: {r.records:,}")
    actual = usd_grouped(r.actual_cost, 4) + (f" ({plural(r.actual_unpriced, 'record')} without a known cost left out)" if r.actual_unpriced else "")
    ctx.print(f"  What it cost: {actual}")
    whatif = usd_grouped(r.whatif_cost, 4)
    if r.whatif_unpriced:
        reasons = ", ".join(f"{('long-context tiers' if k == 'long_context_tier' else component_label(k).lower())} ({n:,})" for k, n in sorted(r.missing.items()))
        whatif += f" ({plural(r.whatif_unpriced, 'record')} it cannot price left out: no price for {reasons})"
    ctx.print(f"  On {name}: {whatif}")
    if r.both_records:
        diff = r.both_whatif - r.both_actual
        sign = "+" if diff > 0 else ""
        ctx.print(
            f"  Like for like ({plural(r.both_records, 'record')} priced both ways): {usd_grouped(r.both_actual, 4)} → {usd_grouped(r.both_whatif, 4)} "
            f"({sign}{usd(diff) if diff >= 0 else '-' + usd(-diff)})"
        )
    ctx.print("")
    ctx.print(ascii_table(
        ("Provider", "Model", "Records", "Input", "Cached", "Output", "Cost", "On " + inert(r.model_id, 40)),
        [
            (inert(m.provider, 30), inert(m.model_id, 60), f"{m.records:,}", f"{m.input_tokens:,}", f"{m.cached_tokens:,}", f"{m.output_tokens:,}",
             usd_grouped(m.actual_cost, 4) + ("*" if m.actual_unpriced else ""), usd_grouped(m.whatif_cost, 4) + ("*" if m.whatif_unpriced else ""))
            for m in r.by_model
        ],
        align_right=(2, 3, 4, 5, 6, 7),
    ))
    if any(m.actual_unpriced or m.whatif_unpriced for m in r.by_model):
        ctx.print("* some records of that model have no known cost on that side and are left out of it")
