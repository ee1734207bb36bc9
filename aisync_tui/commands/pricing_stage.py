"""The pricing sync as commands run it: under the run lock, then pricing the usage records that
were waiting for a price. Shared by `sync-pricing` and the pricing stage of `--sync-all`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..outcomes import RunSummary
    from ..pricing.plan import PricingPlan
    from ..pricing.runner import PricingRun
    from ._base import Context


def price_usage() -> int:
    """Usage records left unpriced (their model had no price when imported) priced now, from the
    ledger this sync just wrote. Returns how many got a price."""
    from ..usage.records import reprice_unpriced

    return reprice_unpriced()


def run_pricing(
    ctx: Context, *, providers: list[str] | None = None, force: bool = False, dry_run: bool = False, offline: bool = False,
    accept_shrink: bool = False, timeout: float | None = None,
) -> tuple[RunSummary[PricingPlan], PricingRun]:
    """Plan and (unless dry-run) apply a pricing sync under the run lock; then price the usage
    records that were waiting for a price. Returns (summary, run)."""
    from ..errors import UsageError
    from ..pricing.runner import PricingRun

    if timeout is not None and timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    run = PricingRun(
        ctx.settings, ctx.store(), providers=providers, force=force, dry_run=dry_run, offline=offline,
        accept_shrink=accept_shrink, timeout=timeout,
    )
    if dry_run:
        summary = run.run()
    else:
        with ctx.lock():
            summary = run.run()
            summary.extra["usage_priced"] = price_usage()
    return summary, run


def sync_all_stage(ctx: Context, *, force: bool = False, dry_run: bool = False, timeout: float | None = None) -> RunSummary[PricingPlan]:
    """The pricing step of `aisync --sync-all` (after the model sync): prints nothing itself except
    feed warnings on stderr; the caller prints the summary."""
    summary, _ = run_pricing(ctx, force=force, dry_run=dry_run, timeout=timeout)
    for line in summary.extra.get("warnings", []):
        ctx.warn(f"pricing: {line}")
    return summary
