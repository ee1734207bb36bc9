"""Words for the preview modal: what a plan would add, update (each field old → new), mark
missing and skip. Pure functions from plans to Rich Text (no Textual)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from ..domain import COMPONENT_LABELS, Price
from ..render import money
from ..render.inert import inert
from ..render.words import plural
from . import format as fmt
from .palette import PLAIN, Palette

if TYPE_CHECKING:
    from ..outcomes import ProviderOutcome
    from ..sync.cleanup import CleanupPlan
    from ..sync.plan import FieldChange

#: Items listed per section before "… and N more" (the counts are always complete).
LIST_LIMIT = 200


def _value(value: object, per: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, Price):
        parts = [f"{COMPONENT_LABELS[k].lower()} {money.token_price(v, per)}" for k, v in value.components().items()
                 if k in ("input", "output", "cached_input")]
        return ", ".join(parts) or "no token price"
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(str(v) for v in value)) or "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if hasattr(value, "strftime"):
        return fmt.when(value)
    return str(value)


def change_text(change: FieldChange, per: str) -> str:
    return inert(f"{change.field}: {_value(change.old, per)} → {_value(change.new, per)}", 400)


def app_hint(text: str) -> str:
    """A line from the engine with its command-line hints in the app's words."""
    from .job_state import app_words

    return app_words(text)


def model_plan_text(outcomes: Sequence[ProviderOutcome], names: dict[str, str], per: str = "1m", palette: Palette = PLAIN) -> tuple[Text, bool]:
    """The preview of a model sync. Returns the text and whether there is anything to apply."""
    text = Text()
    applicable = False
    disabled = [names.get(o.provider, o.provider) for o in outcomes if o.plan is None and o.status == "skipped" and o.skip_reason == "disabled"]
    for o in outcomes:
        name = names.get(o.provider, o.provider)
        if o.plan is None:
            if o.status == "skipped" and o.skip_reason == "disabled":
                continue  # one line for all of them, below
            if o.status == "failed" and o.error is not None:
                text.append(f"✗ {name}: ", style=f"bold {palette.err}")
                text.append(inert(o.error.line()) + "\n", style=palette.err)
            elif o.status == "skipped":
                text.append(f"– {name}: ", style="bold")
                text.append(f"skipped: {app_hint(o.skip_detail or o.skip_reason)}\n", style=palette.muted)
            continue
        applicable = applicable or o.status == "planned"
        plan = o.plan
        c = plan.counts()
        text.append(f"● {name}", style="bold")
        text.append(
            f": found {plural(c['found'], 'model')}: {c['added']:,} to add, {c['updated']:,} to update, "
            f"{c['missing']:,} to mark missing, {c['unchanged']:,} unchanged\n"
        )
        if plan.guard:
            text.append(f"  ! {app_hint(plan.guard)}\n", style=palette.warn)
        shown = 0
        for a in plan.added:
            if shown >= LIST_LIMIT:
                break
            r = a.remote
            text.append("  + ", style=f"{palette.ok} bold")
            text.append(inert(r.model_id, 200), style=palette.ok)
            text.append(f"  {r.type} · context {fmt.tokens(r.context_length)}")
            if r.price is not None:
                text.append(f" · {_value(r.price, per)}")
            text.append("\n")
            shown += 1
        for u in plan.updated:
            if shown >= LIST_LIMIT:
                break
            text.append("  ~ ", style=f"{palette.warn} bold")
            text.append(inert(u.remote.model_id, 200), style=palette.warn)
            text.append("\n")
            for ch in u.changes:
                text.append(f"      {change_text(ch, per)}\n", style=palette.muted)
            shown += 1
        for m in plan.missing:
            if shown >= LIST_LIMIT:
                break
            text.append("  − ", style=f"{palette.err} bold")
            text.append(inert(m.model_id, 200), style=palette.err)
            text.append(f"  was {m.old_status}; will be marked missing (not deleted)\n", style=palette.muted)
            shown += 1
        rest = len(plan.added) + len(plan.updated) + len(plan.missing) - shown
        if rest > 0:
            text.append(f"  … and {rest:,} more\n", style=f"{palette.muted} italic")
        if not plan.has_changes:
            text.append("  all models up to date (applying records the sync)\n", style=palette.muted)
    if disabled:
        text.append(f"– Not synced, disabled in the config: {', '.join(disabled)}\n", style=palette.muted)
    if not outcomes:
        text.append("No provider to sync: every provider is disabled or not configured.\n", style=palette.muted)
    return text, applicable


def cleanup_plan_text(plan: CleanupPlan, palette: Palette = PLAIN) -> tuple[Text, bool]:
    text = Text()
    text.append(f"Cut-off: {fmt.when(plan.older_than)} UTC", style="bold")
    text.append(" (models not seen by their provider since this moment)\n")
    text.append(f"{plural(len(plan.remove), 'model')} to remove", style="bold")
    text.append(f", {len(plan.kept_for_usage)} kept because usage records refer to them\n\n")
    for c in plan.remove[:LIST_LIMIT]:
        text.append("  − ", style=f"{palette.err} bold")
        text.append(inert(f"{c.provider}/{c.model_id}", 200), style=palette.err)
        seen = f"; last seen {fmt.when(c.last_seen)} UTC" if c.last_seen is not None else ""
        text.append(f"  {inert(c.reason, 200)}{seen}\n", style=palette.muted)
    if len(plan.remove) > LIST_LIMIT:
        text.append(f"  … and {len(plan.remove) - LIST_LIMIT:,} more\n", style=f"{palette.muted} italic")
    for c in plan.kept_for_usage[:20]:
        text.append(f"  = {c.provider}/{c.model_id}  kept: used in usage records\n", style=palette.muted)
    if plan.empty:
        text.append("Nothing to clean up.\n", style=palette.muted)
    return text, not plan.empty
