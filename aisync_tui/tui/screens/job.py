"""The live log of a sync, pricing sync or cleanup: what happens (requests, pages, timings),
then a progress bar while it applies. Esc cancels between batches; `b` hides it while it runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from ..widgets.progress_log import ProgressLog

if TYPE_CHECKING:
    from ..jobs import Job


class JobScreen(Screen[None]):
    BINDING_GROUP_TITLE = "Run log"
    BINDINGS = [
        Binding("escape", "cancel_or_close", "Cancel / close", id="job.cancel",
                tooltip="Cancel the run between batches (nothing half-written), or close the log when it is over."),
        Binding("b", "app.pop_screen", "Hide", id="job.hide", tooltip="Back to the catalog; the run carries on."),
    ]

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="job-body"):
            yield Static(self.job.title, id="job-title")
            yield Static("", id="job-phase")
            yield ProgressBar(total=None, show_eta=False, id="job-progress")
            yield ProgressLog(id="job-log")
        yield Footer()

    def on_mount(self) -> None:
        log = self.query_one(ProgressLog)
        for text, style in self.job.lines:
            log.note(text, style)
        self.update_progress()

    def add_line(self, text: str, style: str = "") -> None:
        self.query_one(ProgressLog).note(text, style)

    def update_progress(self) -> None:
        job = self.job
        bar = self.query_one(ProgressBar)
        if job.total:
            bar.update(total=job.total, progress=job.done)
        elif job.phase in ("done", "cancelled", "failed"):
            bar.update(total=1, progress=1)
        phase = {
            "planning": "Planning: fetching and comparing; nothing is written yet.",
            "preview": "Waiting for your confirmation.",
            "applying": "Applying… esc cancels between batches.",
            "done": "Done. esc closes this log.",
            "cancelled": "Cancelled: the interrupted transaction was rolled back. esc closes this log.",
            "failed": "Failed. esc closes this log.",
        }.get(job.phase, job.phase)
        self.query_one("#job-phase", Static).update(phase)

    def action_cancel_or_close(self) -> None:
        if self.job.running:
            self.app.cancel_job()  # type: ignore[attr-defined]
        else:
            self.app.pop_screen()
