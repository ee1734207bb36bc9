"""One run of the app (model sync, pricing sync, cleanup): its phase, its log and the words for
how it ended. A leaf module: the run log screen and the `Jobs` object both read it, neither is
imported here."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

from ..render.inert import inert
from ..render.words import plural

if TYPE_CHECKING:
    from datetime import datetime

    from rich.text import Text

    from ..outcomes import ProviderOutcome, RunSummary
    from ..pricing.runner import PricingRun
    from ..sync.cleanup import CleanupPlan
    from ..sync.runner import ModelSyncRunner
    from .palette import Palette

    RunPlan: TypeAlias = "list[ProviderOutcome] | CleanupPlan | PricingRun"
    """What a run planned: the model sync's outcomes per provider, the models a cleanup removes, or
    the pricing run holding its per-provider plans."""

JobKind = Literal["models", "pricing", "cleanup"]
"""What a run changes: the model lists, the prices, or stale models (removed)."""

JobPhase = Literal["planning", "preview", "applying", "done", "failed", "cancelled", "dropped"]
"""Where a run is: planning, preview, applying while it runs; then how it ended (dropped: the user
closed the preview without applying)."""

EndPhase = Literal["done", "failed", "cancelled"]
"""How an applied run ended."""

#: Hints the engine words for the command line, and what they mean in the app.
_APP_HINTS = (
    (re.compile(r"use --force to sync now"), "press F to force a sync of this provider"),
    (re.compile(r"\(use --force to mark them missing\)"), "(force a sync with F to mark them missing)"),
    (re.compile(r"increase the timeout with --timeout=\d+"), "raise the provider's timeout in Settings (,)"),
    (re.compile(r"\(--force fetches now\)"), "(sync: pricing (force) in ctrl+p fetches now)"),
)


def app_words(text: str) -> str:
    """A line from the engine, made inert, with command-line hints reworded for the app."""
    text = inert(text)
    for pattern, words in _APP_HINTS:
        text = pattern.sub(words, text)
    return text


JOB_TITLES: dict[JobKind, str] = {"models": "Model sync", "pricing": "Pricing sync", "cleanup": "Cleanup"}

#: What the run log says under its title in each phase.
PHASE_WORDS: dict[JobPhase, str] = {
    "planning": "Planning: fetching and comparing; nothing is written yet.",
    "preview": "Plan ready: waiting for you to review and apply it.",
    "applying": "Applying… esc cancels between batches.",
}


@dataclass
class LogLine:
    at: float
    """Seconds since the run started, taken when the line was logged (not when it is shown)."""
    text: str
    style: str = ""


@dataclass
class Job:
    kind: JobKind
    title: str
    cancel: threading.Event = field(default_factory=threading.Event)
    phase: JobPhase = "planning"
    outcome: str = ""
    """How it ended, in words ("Applied 3 providers, 3 failed."): the log's phase line."""
    lines: list[LogLine] = field(default_factory=list)
    done: int = 0
    total: int = 0
    runner: ModelSyncRunner | None = None
    """A model sync: the runner that made the plan and applies it."""
    pricing: PricingRun | None = None
    """A pricing sync: the run that made the plan and applies it."""
    cutoff: datetime | None = None
    """A cleanup: models not seen since then are removed."""
    plan: RunPlan | None = None
    providers: list[str] = field(default_factory=list)
    force: bool = False
    started: float = field(default_factory=time.monotonic)
    preview: tuple[str, Callable[[Palette], Text], bool] | None = None
    """A preview waiting to be shown: (title, a function of the palette giving its body, can_apply). Set when the plan finished while
    the user was elsewhere; the run log shows it when the user opens the log."""
    notice: str = ""
    """A line shown at the top of the next preview (e.g. why the plan was made again)."""
    thread: threading.Thread | None = None
    """The thread planning or applying it right now (quitting waits for an apply's rollback)."""
    recorded_failures: list[str] = field(default_factory=list)
    """Providers whose failure while planning is already in the sync history."""

    @property
    def running(self) -> bool:
        return self.phase in ("planning", "preview", "applying")

    def log(self, text: str, style: str = "") -> LogLine:
        line = LogLine(time.monotonic() - self.started, text, style)
        self.lines.append(line)
        return line


def failure_note(names: list[str]) -> str:
    """The sentence that says what a failed provider left in the store (its failed run in the
    history and its status), so "nothing was written" is never said when that is not true."""
    if not names:
        return ""
    who = ", ".join(names)
    return f"The failure of {who} was recorded in the sync history (no models or prices were changed)."


def summarise_models(summary: RunSummary, names: dict[str, str]) -> tuple[EndPhase, str, bool]:
    """(phase, one line, any failure) for an applied model sync: "Applied 3 providers, 3 failed"."""
    applied, failed, cancelled, details = 0, 0, 0, []
    for o in summary.outcomes:
        name = inert(names.get(o.provider, o.provider))
        if o.status == "ok" and o.plan is not None:
            applied += 1
            c = o.plan.counts()
            if o.plan.has_changes:
                details.append(f"{name}: {c['added']:,} added, {c['updated']:,} updated, {c['missing']:,} missing")
            else:
                details.append(f"{name}: all {plural(c['found'], 'model')} up to date")
        elif o.status == "failed" and o.error is not None:
            failed += 1
            details.append(f"{name} failed: {inert(o.error.message)}")
        elif o.status == "cancelled":
            cancelled += 1
            details.append(f"{name}: cancelled, rolled back")
    head = []
    if applied:
        head.append(f"applied {plural(applied, 'provider')}")
    if failed:
        head.append(f"{failed} failed")
    if cancelled:
        head.append(f"{cancelled} cancelled")
    phase: EndPhase
    if cancelled:
        phase = "cancelled"
    elif failed and not applied:
        phase = "failed"
    else:
        phase = "done"
    words = ", ".join(head) or "nothing applied"
    lead = {"done": "Done with errors" if failed else "Done", "failed": "Failed", "cancelled": "Cancelled"}[phase]
    line = f"{lead}: {words}." + (" " + "; ".join(details) + "." if details else "")
    return phase, line, bool(failed)
