"""Headless output of `sync-models` in the reference's wording and layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from ..domain import Price

if TYPE_CHECKING:
    from ..outcomes import ProviderOutcome, RunSummary
    from ..sync.plan import FieldChange, ProviderPlan
from .inert import inert
from .money import UNIT_LABEL, token_price
from .words import plural

#: The most characters of one outside value (an id, a changed field) a line shows.
LONG = 200

Printer = Callable[[str], None]


def price_short(price: Price | None, per: str) -> str:
    if price is None:
        return "unknown"
    unit = UNIT_LABEL[per]
    parts = []
    if price.input is not None:
        parts.append(f"input {token_price(price.input, per)}/{unit}")
    if price.output is not None:
        parts.append(f"output {token_price(price.output, per)}/{unit}")
    if not parts:
        parts = [f"{k} {inert(v, 40)}" for k, v in price.to_json().items() if k != "tiers"][:2]
    return ", ".join(parts) or "unknown"


def change_line(change: FieldChange, per: str) -> str:
    if change.field == "pricing":
        old_price = change.old if isinstance(change.old, Price) else None
        new_price = change.new if isinstance(change.new, Price) else None
        return f"✓ Updated pricing: {price_short(old_price, per)} → {price_short(new_price, per)}"
    old = change.old_text()
    new = change.new_text()
    return f"✓ Updated {change.field}: {inert(old, LONG) if old is not None else '(none)'} → {inert(new, LONG) if new is not None else '(none)'}"


def change_reason(changes: Sequence[FieldChange]) -> str:
    fields = [c.field for c in changes]
    if not fields:
        return "listed again"
    if fields == ["pricing"]:
        return "pricing changed"
    if len(fields) == 1:
        return f"{fields[0]} updated"
    return f"{', '.join(fields)} updated"


def print_provider_result(out: Printer, name: str, outcome: ProviderOutcome[ProviderPlan]) -> None:
    """The per-provider block of a normal run."""
    out(f"{name}:")
    if outcome.status == "failed":
        err = outcome.error
        if err is None:  # a failure is always recorded with its error; never crash on one that is not
            out("  ✗ Failed")
            return
        out(f"  ✗ {inert(err.message, LONG)}")
        if err.hint:
            out(f"    → {inert(err.hint, LONG)}")
        return
    if outcome.status == "skipped":
        out(f"  - Skipped: {outcome.skip_detail}")
        return
    plan = outcome.plan
    if plan is None:  # planned outcomes always carry their plan; never crash on one that does not
        return
    c = plan.counts()
    out(f"  ✓ Found {plural(c['found'], 'model')}")
    if outcome.status == "cancelled":
        out("  ✗ Cancelled: nothing was written for this provider")
        return
    if c["updated"]:
        out(f"  ✓ Updated {plural(c['updated'], 'model')}")
    if c["added"]:
        out(f"  ✓ Added {c['added']:,} new {'model' if c['added'] == 1 else 'models'}")
    if c["missing"]:
        out(f"  ! Marked {plural(c['missing'], 'model')} missing (no longer listed)")
    if plan.guard:
        out(f"  ! {plan.guard}")
    if not (c["updated"] or c["added"] or c["missing"]):
        out("  ✓ All models up to date")


def print_verbose(out: Printer, name: str, outcome: ProviderOutcome[ProviderPlan], per: str) -> None:
    """The reference's --verbose layout for one provider."""
    if outcome.status == "failed" or outcome.plan is None:
        print_provider_result(out, name, outcome)
        return
    plan = outcome.plan
    out(f"Fetching models from {name} API...")
    out(f"✓ API request successful ({plan.fetch_seconds:.1f}s)")
    out("")
    out("Processing models:")
    added = {a.remote.model_id: a for a in plan.added}
    updated = {u.remote.model_id: u for u in plan.updated}
    for remote in outcome.remote:
        mid = remote.model_id
        out(f"  {inert(mid, LONG)}")
        if mid in added:
            a = added[mid]
            out("    ✓ New model detected")
            caps = ", ".join(sorted(a.remote.capabilities)) or "none known"
            out(f"    ✓ Added with capabilities: {caps}")
            if a.remote.price is not None:
                out(f"    ✓ Set pricing: {price_short(a.remote.price, per)}")
        elif mid in updated:
            out("    ✓ Model exists, checking for updates")
            for change in updated[mid].changes:
                out(f"    {change_line(change, per)}")
        else:
            out("    ✓ Model exists, no changes needed")
        out("")
    for m in plan.missing:
        out(f"  {inert(m.model_id, LONG)}")
        out("    ! No longer listed: marked missing")
        out("")
    if plan.guard:
        out(f"! {plan.guard}")
    c = plan.counts()
    out(f"{name} sync {'completed' if outcome.status != 'cancelled' else 'cancelled'}:")
    out(f"- {plural(c['found'], 'model')} processed")
    out(f"- {plural(c['added'], 'model')} added")
    out(f"- {plural(c['updated'], 'model')} updated")
    if c["missing"]:
        out(f"- {plural(c['missing'], 'model')} marked missing")
    out(f"- {plural(c['unchanged'], 'model')} unchanged")


def print_dry_run(out: Printer, names: dict[str, str], summary: RunSummary[ProviderPlan]) -> None:
    out("DRY RUN - No changes will be made")
    out("")
    totals = {"added": 0, "updated": 0, "unchanged": 0, "missing": 0}
    for outcome in summary.outcomes:
        name = names.get(outcome.provider, outcome.provider)
        if outcome.plan is None:
            print_provider_result(out, name, outcome)
            out("")
            continue
        plan = outcome.plan
        out(f"{name}:")
        for a in plan.added:
            out(f"  Would add: {inert(a.remote.model_id, LONG)} (new model)")
        for u in plan.updated:
            out(f"  Would update: {inert(u.remote.model_id, LONG)} ({change_reason(u.changes)})")
        for m in plan.missing:
            out(f"  Would mark missing: {inert(m.model_id, LONG)} (no longer listed)")
        if plan.guard:
            out(f"  ! {plan.guard}")
        if plan.unchanged:
            out(f"  Would skip: {plural(len(plan.unchanged), 'model')} (no changes)")
        out("")
        totals["added"] += len(plan.added)
        totals["updated"] += len(plan.updated)
        totals["unchanged"] += len(plan.unchanged)
        totals["missing"] += len(plan.missing)
    out("Summary:")
    out(f"- {plural(totals['added'], 'model')} would be added")
    out(f"- {plural(totals['updated'], 'model')} would be updated")
    if totals["missing"]:
        out(f"- {plural(totals['missing'], 'model')} would be marked missing")
    out(f"- {plural(totals['unchanged'], 'model')} would remain unchanged")
