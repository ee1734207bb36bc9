"""`aisync sync-pricing`: prices from the feeds into the dated ledger, in the reference's words."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

if TYPE_CHECKING:
    from ..outcomes import RunSummary
    from ..pricing.plan import PricedModel, PricingPlan
    from ._base import Context, Subparsers


def register(sub: Subparsers) -> None:
    from ._base import add_common

    p = sub.add_parser(
        "sync-pricing",
        help="sync model prices from the price feeds (LiteLLM, genai-prices, the bundled snapshot)",
        description=(
            "Match every stored model to the price feeds (provider and exact id, plus only the feeds' own alias rules), "
            "record changed prices as new dated periods, fill missing metadata, and keep feed-only models as the catalog."
        ),
    )
    add_common(p)
    p.add_argument("--provider", metavar="NAME", action="append", help="only this provider (repeatable); a feed-only provider name works too")
    p.add_argument("--force", action="store_true", help="fetch the feeds even if fetched within pricing.cache_ttl")
    p.add_argument("--accept-shrink", action="store_true", help="accept a feed under half the size of the bundled snapshot or a recent copy")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="feed download timeout in seconds (default: model_sync.timeout, 30)")
    p.add_argument("--verbose", "-v", action="store_true", help="show every model's price, and the models no feed prices")
    p.add_argument("--dry-run", action="store_true", help="show what would change without writing anything")
    p.add_argument("--offline", action="store_true", help="use only the bundled price snapshot (no network)")
    p.add_argument("--per", choices=("1m", "1k"), help="show prices per 1M tokens (default) or per 1K tokens")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary instead of text")
    p.set_defaults(handler=run_sync_pricing)


def run_sync_pricing(ctx: Context) -> int:
    from .pricing_stage import run_pricing

    args = ctx.args
    settings = ctx.settings
    per = args.per or settings.pricing.per
    summary, run = run_pricing(
        ctx, providers=args.provider, force=args.force, dry_run=args.dry_run, offline=args.offline,
        accept_shrink=args.accept_shrink, timeout=args.timeout,
    )
    for line in summary.extra.get("warnings", []):
        ctx.warn(f"warning: {line}")
    from .sync_models import _notify

    _notify(ctx, [summary])
    if args.json:
        from .sync_models import summary_json

        names = {o.provider: o.plan.name for o in summary.outcomes if o.plan is not None}
        data = summary_json(summary, names)
        data["parse"] = [
            {"feed": r.feed, "entries": r.total, "parsed": r.parsed, "priced": r.priced, "skipped": dict(r.skipped),
             "refused_prices": len(r.price_problems)}
            for r in run.reports
        ]
        ctx.print(json.dumps(data, indent=2))
        return summary.exit_code
    print_report(ctx.print, summary, per=per, verbose=args.verbose, dry_run=args.dry_run, reports=[*run.reports, run.modelsdev_report])
    return summary.exit_code


class FeedReport(Protocol):
    """What a feed's parse kept and skipped, as lines for `--verbose`."""

    def lines(self) -> list[str]: ...


def _price_lines(item: PricedModel, per: str, changed_only_extras: bool = True) -> list[str]:
    from ..domain import PRICE_COMPONENTS
    from ..render.inert import inert
    from ..render.money import UNIT_WORDS, component_label, component_text, other_text, token_price

    new, old = item.new, item.old
    lines = []
    for name in PRICE_COMPONENTS:
        value = getattr(new, name) if new else None
        before = getattr(old, name) if old else None
        if value is None or (name not in ("input", "output") and value == before and changed_only_extras):
            continue
        text = f"  {component_label(name)}: {component_text(name, value, per)}"
        if old is not None and before != value:
            text += f" (was {component_text(name, before, per) if before is not None else 'unknown'})"
        lines.append(text)
    if new is not None:
        for tier in new.tiers:
            if tier.input is not None or tier.output is not None:
                parts = [f"{label} {token_price(v, per)}" for label, v in (("input", tier.input), ("output", tier.output)) if v is not None]
                lines.append(f"  Above {tier.threshold:,} tokens: " + ", ".join(parts) + f" per {UNIT_WORDS[per]}")
        if new.other and (old is None or new.other != old.other or not changed_only_extras):
            lines.append("  Other prices the feed states (not used in costs): " + "; ".join(inert(other_text(n, v, per)) for n, v in new.other[:4])
                         + (f"; and {len(new.other) - 4} more" if len(new.other) > 4 else ""))
    if item.note:
        lines.append(f"  {inert(item.note, 200)}")
    return lines


def print_report(
    out: Callable[[str], None], summary: RunSummary[PricingPlan], *, per: str, verbose: bool, dry_run: bool, reports: Sequence[FeedReport] = ()
) -> None:
    from ..render.inert import inert
    from ..render.words import plural

    if dry_run:
        out("DRY RUN - No changes will be made")
        out("")
    head = list(summary.extra.get("notices", []))
    if verbose:
        head += [line for report in reports for line in report.lines()]
        disputed = sum(len(o.plan.disputed) for o in summary.outcomes if o.plan is not None)
        if disputed:
            head.append(f"Sources disagree on {plural(disputed, 'model')} (current price or limits; see `aisync models list --disputed`)")
    for line in head:
        out(line)
    if head:
        out("")
    for outcome in summary.outcomes:
        plan = outcome.plan
        if plan is None:  # a provider that failed before planning has nothing to report here
            continue
        if plan.provider == "catalog":
            print_catalog(out, plan, verbose=verbose, dry_run=dry_run, per=per)
            continue
        out(f"Syncing pricing for {plan.name} models...")
        out("")
        if not plan.items:
            out(f"No {plan.name} models listed yet (run `aisync sync-models --provider {plan.provider}`); its feed models are in the catalog.")
            out("")
            continue
        for item in plan.items:
            if item.status == "unmatched" or (item.status not in ("updated", "refused") and not verbose):
                continue
            out(f"{inert(item.model_id, 200)}:")
            for line in _price_lines(item, per):
                out(line)
            if item.status == "updated":
                out("  Would update pricing" if dry_run else "  ✓ Updated pricing")
            elif item.status == "refused":
                out("  ! The feed's price was refused; the previous price stays")
            elif item.status == "kept":
                out(f"  ✓ Pricing up to date (kept the {item.source} price)")
            else:
                out("  ✓ Pricing up to date")
            out("")
        c = plan.counts()
        out(f"Pricing sync {'preview' if dry_run else 'completed'} for {plan.name}")
        out(f"{'Would update' if dry_run else 'Updated'}: {plural(c['updated'], 'model')}")
        out(f"Unchanged: {plural(c['unchanged'], 'model')}")
        unmatched = plan.by_status("unmatched")
        if unmatched:
            if verbose:
                out(f"No price in any feed ({len(unmatched):,}): " + ", ".join(inert(i.model_id, 200) for i in unmatched))
            else:
                out(f"No price in any feed: {plural(len(unmatched), 'model')} (--verbose lists them)")
        if c["enriched"]:
            out(f"Metadata filled from the feed: {plural(c['enriched'], 'model')}")
        out("")
    if not summary.outcomes:
        out("Nothing to price: the store has no models and the feed has none for this provider.")
    priced = summary.extra.get("usage_priced")
    if priced:
        out(f"Usage records priced now that their model has a price: {priced:,}")


def print_catalog(out: Callable[[str], None], plan: PricingPlan, *, verbose: bool, dry_run: bool, per: str) -> None:
    from ..render.inert import inert
    from ..render.words import plural

    c = plan.counts()
    providers = len({n.entry.provider for n in plan.new_models})
    would = "would be " if dry_run else ""
    out(f"Catalog (models no configured provider has listed): {plural(c['found'], 'model')}")
    parts = [f"{c['added']:,} {would}added" + (f" from {plural(providers, 'feed provider')}" if providers else ""),
             f"{c['updated']:,} {would}updated", f"{c['unchanged']:,} unchanged"]
    if c["missing"]:
        parts.append(f"{c['missing']:,} {would}marked retired (gone from the feed)")
    out("  " + ", ".join(parts))
    if c["unmatched"]:
        out(f"  without a price: {plural(c['unmatched'], 'model')}")
    if c["refused"]:
        out(f"  feed price refused (previous price kept): {plural(c['refused'], 'model')}")
    if verbose:
        for item in plan.by_status("updated"):
            out(f"{inert(item.model_id, 200)}:")
            for line in _price_lines(item, per):
                out(line)
            out("  Would update pricing" if dry_run else "  ✓ Updated pricing")
    out("")
