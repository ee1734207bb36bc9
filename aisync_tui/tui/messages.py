"""Every state transition of the app is a message. Workers (threads) talk to the UI only by
posting these; handlers on the app update the screens."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from datetime import datetime

    from rich.text import Text

    from ..events import Event
    from ..store.queries import ModelDetail, ProviderRow, RunRow
    from ..usage.stats import ModelUsage, UsageSummary
    from .catalog import Row
    from .job_state import EndPhase, JobKind, RunPlan


@dataclass
class CatalogLoaded(Message):
    """The model tuples and provider rows were read from the store (in a worker)."""

    rows: list[Row]
    providers: list[ProviderRow]
    last_sync: datetime | None
    seconds: float
    complete: bool = True
    """False: only the first screenful of the catalog (at start-up); the rest follows."""
    total: int | None = None
    """How many models the store holds, when `rows` is not all of them."""
    hay: dict[int, str] | None = None
    """catalog.haystacks(rows), built in the worker."""
    painted: threading.Event | None = None
    """Set once the screen showing these rows has been painted (the worker waits for it)."""


@dataclass
class CatalogSeeded(Message):
    """The bundled catalog was written into an empty store: reload."""

    added: int


@dataclass
class ModelLoaded(Message):
    """A ModelDetail (plus usage, when the usage module exists) for the detail screen."""

    detail: ModelDetail | None
    usage: ModelUsage | str | None = None
    """The model's usage, or the line saying why it could not be read."""


@dataclass
class RunEvent(Message):
    """One engine event (events.py) from a running job, to show in the live log."""

    job: JobKind
    event: Event


@dataclass
class PlanReady(Message):
    """A job finished planning: the preview modal shows `plan` and asks to confirm."""

    job: JobKind
    plan: RunPlan
    """model sync: list[ProviderOutcome]; cleanup: CleanupPlan; pricing: the pricing run with its plans."""
    context: tuple[Text, bool] | None = None
    """The pricing preview, worded in the worker: (text, anything to apply)."""


@dataclass
class JobFinished(Message):
    """A job applied (or was cancelled, or had nothing to do)."""

    job: JobKind
    summary: str
    """The one-line notification."""
    cancelled: bool = False
    failed: bool = False
    details: list[str] = field(default_factory=list)
    phase: EndPhase | None = None
    """None: derived from `cancelled` and `failed`."""


@dataclass
class PlanStale(Message):
    """Applying found the store changed after the plan was made: nothing was written; plan again."""

    job: JobKind


@dataclass
class ReviewPlan(Message):
    """The run log is on screen: show the preview that waits there."""


@dataclass
class CancelJob(Message):
    """The user asked to cancel the running job (esc on the run log)."""


@dataclass
class StoreChanged(Message):
    """Another process wrote to the store: read the catalog again."""


@dataclass
class RunsLoaded(Message):
    runs: list[RunRow]


@dataclass
class UsageLoaded(Message):
    report: UsageSummary
    error: str | None = None
