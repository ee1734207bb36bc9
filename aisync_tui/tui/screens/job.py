"""The live log of a sync, pricing sync or cleanup: what happens (requests, pages, timings),
then a progress bar while it applies. Esc cancels between batches; `b` or `q` hides it while it
runs. A plan that finished while the log was hidden is shown when the log is shown again."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from ..job_state import PHASE_WORDS, Job, LogLine
from ..messages import CancelJob, ReviewPlan
from ..widgets.progress_log import ProgressLog


class JobScreen(Screen[None]):
    BINDING_GROUP_TITLE = "Run log"
    BINDINGS = [
        Binding("escape", "cancel_or_close", "Cancel / close", id="job.cancel",
                tooltip="Cancel the run between batches (nothing half-written), or close the log when it is over."),
        Binding("b,q", "app.pop_screen", "Back", id="job.hide", tooltip="Back to the catalog; the run carries on."),
        Binding("enter", "review", "Review plan", id="job.review", tooltip="Show the plan that waits for you."),
    ]

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="job-body"):
            yield Static(Text(self.job.title), id="job-title")
            yield Static("", id="job-phase")
            yield ProgressBar(total=None, show_eta=False, id="job-progress")
            yield ProgressLog(id="job-log")
        yield Footer()

    def on_mount(self) -> None:
        self._replayed = False
        self.update_progress()
        # After the first layout: lines written before the log knows its width wrap at 80 columns.
        self.call_after_refresh(self._replay)

    def _replay(self) -> None:
        log = self.query_one(ProgressLog)
        for line in self.job.lines:
            log.note(line)
        self._replayed = True

    def on_screen_resume(self) -> None:
        if self.job.preview is not None:
            self.post_message(ReviewPlan())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            return self.job.phase == "preview"
        return True

    def action_review(self) -> None:
        self.post_message(ReviewPlan())

    def add_line(self, line: LogLine) -> None:
        if getattr(self, "_replayed", False):  # before the replay, the replay writes it (it is in job.lines)
            self.query_one(ProgressLog).note(line)

    def update_progress(self) -> None:
        job = self.job
        bar = self.query_one(ProgressBar)
        if job.total:
            bar.update(total=job.total, progress=job.done)
        elif not job.running and job.phase in ("done", "failed") and job.plan is not None:
            bar.update(total=1, progress=1)
        if job.running:
            phase = PHASE_WORDS.get(job.phase, job.phase)
        else:
            phase = f"{job.outcome.split('. ')[0].rstrip('.')}. esc closes this log."
        self.query_one("#job-phase", Static).update(Text(phase))
        self.refresh_bindings()

    def action_cancel_or_close(self) -> None:
        if self.job.running:
            self.post_message(CancelJob())
        else:
            self.app.pop_screen()
