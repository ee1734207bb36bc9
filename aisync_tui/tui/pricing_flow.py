"""The pricing sync in the app: `PricingRun.prepare()` gives per-provider plans to preview,
`apply()` writes them. Words for the preview and the summary live here (pure, no Textual)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from rich.text import Text

from ..errors import Cancelled
from ..events import EmitFn
from ..render.words import plural
from .plan_text import LIST_LIMIT, _value

if TYPE_CHECKING:
    from ..config import Settings
    from ..pricing.plan import PricingPlan
    from ..pricing.runner import PricingRun
    from ..store.db import Store


def pricing_plan_text(plans: list[PricingPlan], per: str) -> tuple[Text, bool]:
    text = Text()
    applicable = False
    for plan in plans:
        c = plan.counts()
        applicable = applicable or plan.has_changes
        text.append(f"● {plan.name}", style="bold")
        text.append(
            f": {plural(c['found'], 'model')}: {c['updated']} price updates, {c['added']} new catalog entries, "
            f"{c['enriched']} enriched, {c['unchanged']} unchanged, {c['unmatched']} unmatched\n"
        )
        if plan.guard:
            text.append(f"  ! {plan.guard}\n", style="yellow")
        shown = 0
        for item in plan.items:
            if item.status not in ("updated", "added") or shown >= LIST_LIMIT:
                continue
            mark, style = ("~", "yellow") if item.status == "updated" else ("+", "green")
            text.append(f"  {mark} ", style=f"{style} bold")
            text.append(item.model_id, style=style)
            text.append(f"  {_value(item.old, per)} → {_value(item.new, per)}", style="dim")
            if item.source:
                text.append(f" ({item.source})", style="dim")
            text.append("\n")
            shown += 1
    if not plans:
        text.append("No prices to sync.\n", style="dim")
    return text, applicable


def plan_pricing(settings: Settings, store: Store, *, force: bool, emit: EmitFn, cancel: threading.Event) -> tuple[PricingRun, Text, bool]:
    from ..pricing.runner import PricingRun

    sync = PricingRun(settings, store, force=force, emit=emit, cancel=cancel)
    plans = sync.prepare()
    if cancel.is_set():
        raise Cancelled("pricing sync cancelled before anything was written")
    body, can_apply = pricing_plan_text(plans, settings.pricing.per)
    return sync, body, can_apply


def apply_pricing(sync: PricingRun, *, emit: EmitFn, cancel: threading.Event) -> str:
    """Apply the previewed plans (Esc sets the run's cancel event: rolled back between batches),
    then price the usage records that were waiting for a price."""
    from ..usage.records import reprice_unpriced

    if cancel.is_set():
        raise Cancelled("pricing sync cancelled before anything was written")
    summary = sync.apply()
    reprice_unpriced()
    totals = {"updated": 0, "added": 0, "enriched": 0}
    for o in summary.outcomes:
        if o.plan is not None:
            c = o.plan.counts()
            for k in totals:
                totals[k] += c[k]
    return f"Prices: {totals['updated']} updated, {totals['added']} new catalog entries, {totals['enriched']} enriched."
