"""Runs that change the store (model sync, pricing sync, cleanup), always plan → preview → apply.

`Jobs` is an object the app owns (not a part of the app class). Each phase runs in a thread
worker that talks to the UI only by posting messages: the engine's events become `RunEvent`s
for the live log, the plan a `PlanReady`, the end a `JobFinished`. Applying holds the store's run
lock, so the app and a cron `--sync-all` never interleave; when the store changed after the plan
(`StalePlan`), the run plans again and shows the new preview.

Only the user confirms: a plan that finishes while its log is hidden waits (a notification
says so) until the user opens the log; the preview never takes a single-letter confirmation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from ..errors import AisyncError, Cancelled, StalePlan
from ..events import BatchApplied, Event, ProviderFailed, ProviderStarted, RunFinished
from ..render.words import describe, plural
from .job_state import JOB_TITLES, Job, JobKind, JobPhase, app_words, failure_note, summarise_models
from .messages import JobFinished, PlanReady, PlanStale, RunEvent

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from ..store.lock import FileRunLock, PostgresRunLock
    from .app import AisyncApp
    from .screens.job import JobScreen


@dataclass(frozen=True)
class _Line(Event):
    """A line for the log that is not an engine event (worded here, not in render.words)."""

    text: str


class Jobs:
    """The app's one run at a time: starting it, its workers, its log, its preview and its end."""

    def __init__(self, app: AisyncApp) -> None:
        self.app = app
        self.job: Job | None = None
        self.syncing: set[str] = set()
        """Providers being fetched right now (the pane shows them as syncing)."""

    # ------------------------------------------------------------------ plumbing

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.running

    def _emitter(self, job: Job) -> Callable[[Event], None]:
        def emit(event: Event) -> None:
            self.app.post_message(RunEvent(job.kind, event))

        return emit

    def _worker(self, job: Job, fn: Callable[[], None], group: str, description: str) -> None:
        def work() -> None:
            job.thread = threading.current_thread()
            if not self.app.seed_done.is_set():
                # Plan against the store as it will be: the start-up catalog seeding adds rows a plan
                # made before it would try to add again.
                self.app.post_message(RunEvent(job.kind, _Line("Waiting for the bundled catalog to finish loading…")))
                self.app.seed_done.wait(timeout=120)
            fn()

        self.app.run_worker(work, group=group, description=description, exit_on_error=False, exclusive=True, thread=True)

    def _new_job(self, kind: JobKind, title: str, providers: list[str] | None = None, force: bool = False) -> Job | None:
        if self.running:
            assert self.job is not None
            self.app.notify(f"{self.job.title} is still running: wait for it or cancel it (l shows its log).", severity="warning", markup=False)
            return None
        job = Job(kind, title, providers=list(providers or []), force=force)
        self.job = job
        from .screens.job import JobScreen

        self.app.push_screen(JobScreen(job))
        return job

    def line(self, text: str, style: str = "") -> None:
        job = self.job
        if job is None:
            return
        entry = job.log(text, style)
        screen = self.log_screen()
        if screen is not None:
            screen.add_line(entry)

    def log_screen(self) -> JobScreen | None:
        """The run log of the current job, if it is on the screen stack."""
        from .screens.job import JobScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, JobScreen) and screen.job is self.job and screen.is_mounted:
                return screen
        return None

    def _progress(self) -> None:
        screen = self.log_screen()
        if screen is not None:
            screen.update_progress()

    def store_lock(self, what: str) -> FileRunLock | PostgresRunLock:
        """The store's run lock for an apply. The app's own start-up catalog seeding holds that
        lock for a moment; an apply confirmed meanwhile waits for it instead of failing with
        "another run holds the lock" about ourselves."""
        from ..store.lock import run_lock

        self.app.seed_done.wait(timeout=120)
        return run_lock(self.app.store, f"aisync (app): {what}")

    def cancel(self) -> None:
        job = self.job
        if job is None or not job.running:
            return
        job.cancel.set()
        if job.phase == "applying":
            self.line("Cancelling: the current batch finishes, then its transaction rolls back…", "yellow")
        else:
            self.line("Cancelling: nothing has been written.", "yellow")

    # ------------------------------------------------------------------ messages (forwarded by the app)

    def on_run_event(self, message: RunEvent) -> None:
        job = self.job
        if job is None or job.kind != message.job:
            return
        event = message.event
        if isinstance(event, BatchApplied):
            job.done, job.total = event.done, event.total
            self._progress()
            return
        if isinstance(event, ProviderStarted):
            self.app.mark_syncing(event.provider, True)
        elif isinstance(event, ProviderFailed):
            self.app.mark_syncing(event.provider, False)
            if job.phase == "planning" and job.kind == "models":
                job.recorded_failures.append(self.app.provider_names().get(event.provider, event.provider))
        text = describe(event) or (event.text if isinstance(event, _Line) else None)
        if text:
            style = "bold red" if isinstance(event, ProviderFailed) else ("dim" if isinstance(event, RunFinished) else "")
            self.line(app_words(text), style)

    def on_plan_ready(self, message: PlanReady) -> None:
        job = self.job
        if job is None or job.kind != message.job:
            return
        if job.cancel.is_set():
            self._finish(job, "cancelled", self._with_failures(job, f"{job.title} cancelled before anything was written."))
            return
        job.plan = message.plan
        job.phase = "preview"
        self._progress()
        from rich.text import Text

        from ..sync.cleanup import CleanupPlan
        from .palette import PLAIN, Palette
        from .plan_text import cleanup_plan_text, model_plan_text

        names, per, plan, context, notice = self.app.provider_names(), self.app.settings.pricing.per, message.plan, message.context, job.notice
        job.notice = ""

        def body(palette: Palette = PLAIN) -> tuple[Text, bool]:
            """The preview in the colours of the theme it is shown in (drawn again on a theme change)."""
            if isinstance(plan, list):
                text, can = model_plan_text(plan, names, per, palette)
            elif isinstance(plan, CleanupPlan):
                text, can = cleanup_plan_text(plan, palette)
            elif context is not None:
                text, can = context
            else:
                text, can = Text(), False
            return (Text.assemble((notice + "\n\n", "bold"), text) if notice else text), can

        can_apply = body()[1]
        job.preview = (f"{job.title}: preview", lambda palette: body(palette)[0], can_apply)
        self.line("Plan ready: review it, then apply it (ctrl+y) or drop it (esc)." if can_apply
                  else "Plan ready: nothing to apply. Review it and close it (esc).", "bold")
        screen = self.log_screen()
        if screen is not None and self.app.screen is screen:
            self.review()
        else:
            # The user is elsewhere (maybe typing in the filter): never take the keyboard.
            self.app.notify("Plan ready: press l to review it.", title=job.title, timeout=10, markup=False)
            self.app.sync_finished()

    def review(self) -> None:
        """Show the waiting preview (the run log calls this when it is shown)."""
        job = self.job
        if job is None or job.preview is None or job.phase != "preview":
            return
        title, body, can_apply = job.preview
        job.preview = None
        from .screens.preview import PreviewModal

        def decided(apply: bool | None) -> None:
            if apply and can_apply:
                job.phase = "applying"
                self._progress()
                self.line("Applying…", "bold")
                {"models": self._apply_models, "cleanup": self._apply_cleanup, "pricing": self._apply_pricing}[job.kind](job)
            elif can_apply:
                self._finish(job, "dropped", self._with_failures(job, "Plan dropped: nothing was written."))
            else:
                phase: JobPhase = "failed" if job.recorded_failures and not _planned_any(job) else "done"
                lead = "Failed" if phase == "failed" else "Done"
                self._finish(job, phase, self._with_failures(job, f"{lead}: nothing to apply."),
                             severity="error" if phase == "failed" else "information")

        self.app.push_screen(PreviewModal(title, body, can_apply=can_apply, summary=_summary_line(job)), decided)

    def _with_failures(self, job: Job, text: str) -> str:
        note = failure_note(job.recorded_failures)
        return f"{text} {note}" if note else text

    def on_plan_stale(self, message: PlanStale) -> None:
        job = self.job
        if job is None or job.kind != message.job:
            return
        job.phase, job.done, job.total = "planning", 0, 0
        job.notice = "The store changed after the last preview (another run wrote to it): this is a new plan made just now."
        self.line("The store changed after the preview: nothing was written; planning again…", "bold yellow")
        self._progress()
        self.app.notify("The store changed after the preview: planning again.", title=job.title, severity="warning", timeout=6, markup=False)
        self._plan(job)

    def on_job_finished(self, message: JobFinished) -> None:
        job = self.job
        if job is None or job.kind != message.job:
            return
        phase: JobPhase = message.phase or ("cancelled" if message.cancelled else ("failed" if message.failed else "done"))
        severity: SeverityLevel = "error" if phase == "failed" else ("warning" if message.failed or phase == "cancelled" else "information")
        self._finish(job, phase, message.summary, severity=severity)

    def _finish(self, job: Job, phase: JobPhase, summary: str, severity: SeverityLevel = "information", notify: bool = True) -> None:
        job.phase = phase
        job.outcome = summary
        self.syncing.clear()
        self.line(summary, "bold" if phase in ("done", "dropped") else "bold yellow")
        self._progress()
        if notify:
            self.app.notify(summary.split(". ")[0] + ".", title=job.title, severity=severity, timeout=6, markup=False)
        self.app.sync_finished()

    def worker_failed(self, error: BaseException) -> bool:
        """A job worker raised: end the run with the error. True when a job took it."""
        job = self.job
        if job is None or not job.running:
            return False
        if isinstance(error, Cancelled):
            self._finish(job, "cancelled", self._with_failures(job, f"{job.title} cancelled: nothing was written."), severity="warning")
            return True
        line = error.line() if isinstance(error, AisyncError) else f"{type(error).__name__}: {error}"
        # The app shows the error in a dialog: one report, not a notification as well.
        self._finish(job, "failed", f"Failed: {app_words(line)}", severity="error", notify=False)
        return False

    # ------------------------------------------------------------------ starting

    def _plan(self, job: Job) -> None:
        if job.kind == "models":
            self._worker(job, partial(self._plan_models, job), "job-plan", "Planning the model sync")
        elif job.kind == "pricing":
            self._worker(job, partial(self._plan_pricing, job), "job-plan", "Planning the pricing sync")
        else:
            assert job.cutoff is not None, "a cleanup is planned from the cut-off the user chose"
            self._worker(job, partial(self._plan_cleanup, job, job.cutoff), "job-plan", "Planning the cleanup")

    def start_model_sync(self, providers: list[str] | None = None, force: bool = False) -> None:
        names = self.app.provider_names()
        label = "all providers" if not providers else ", ".join(names.get(p, p) for p in providers)
        job = self._new_job("models", f"{JOB_TITLES['models']}: {label}" + (" (force)" if force else ""), providers, force)
        if job is not None:
            self.line("Planning: fetching the providers' model lists; nothing is written until you apply.", "dim")
            self._plan(job)

    def start_pricing_sync(self, force: bool = False) -> None:
        job = self._new_job("pricing", JOB_TITLES["pricing"] + (" (force)" if force else ""), force=force)
        if job is not None:
            self.line("Planning: reading the price feeds; nothing is written until you apply.", "dim")
            self._plan(job)

    def start_cleanup(self) -> None:
        from .screens.cleanup_prompt import CleanupPrompt

        if self.running:
            assert self.job is not None
            self.app.notify(f"{self.job.title} is still running.", severity="warning", markup=False)
            return

        def chosen(cutoff: datetime | None) -> None:
            if cutoff is None:
                return
            job = self._new_job("cleanup", f"Cleanup: models not seen since {cutoff:%Y-%m-%d %H:%M} UTC")
            if job is not None:
                job.cutoff = cutoff
                self._plan(job)

        self.app.push_screen(CleanupPrompt(), chosen)

    # ------------------------------------------------------------------ model sync (worker threads)

    def _plan_models(self, job: Job) -> None:
        from ..sync.runner import ModelSyncRunner

        app = self.app
        runner = ModelSyncRunner(app.settings, app.store, providers=job.providers or None, force=job.force,
                                 emit=self._emitter(job), cancel=job.cancel)
        job.runner = runner
        with app.store.db.connection_context():
            runner.prepare()
        app.post_message(PlanReady("models", list(runner.summary.outcomes)))

    def _apply_models(self, job: Job) -> None:
        self._worker(job, partial(self._apply_models_work, job), "job-apply", "Applying the model sync")

    def _apply_models_work(self, job: Job) -> None:
        from ..domain import utcnow

        app = self.app
        runner = job.runner
        assert runner is not None, "a model sync is applied after its plan"
        cancelled = False
        with app.store.db.connection_context(), self.store_lock("model sync"):
            try:
                runner.apply()
            except Cancelled:
                cancelled = True
            except StalePlan:
                app.post_message(PlanStale("models"))
                return
        runner.summary.finished_at = utcnow()
        runner.emit(RunFinished("models", runner.summary, cancelled))
        phase, text, failed = summarise_models(runner.summary, app.provider_names())
        app.post_message(JobFinished("models", text, cancelled=cancelled or phase == "cancelled", failed=failed, phase=phase))

    # ------------------------------------------------------------------ cleanup

    def _plan_cleanup(self, job: Job, cutoff: datetime) -> None:
        from ..sync.cleanup import plan_cleanup

        with self.app.store.db.connection_context():
            plan = plan_cleanup(cutoff)
        self.app.post_message(RunEvent("cleanup", _Line(f"cleanup: {plural(len(plan.remove), 'model')} to remove, "
                                                         f"{len(plan.kept_for_usage)} kept for their usage records")))
        self.app.post_message(PlanReady("cleanup", plan))

    def _apply_cleanup(self, job: Job) -> None:
        self._worker(job, partial(self._apply_cleanup_work, job), "job-apply", "Applying the cleanup")

    def _apply_cleanup_work(self, job: Job) -> None:
        from ..sync.cleanup import CleanupPlan, apply_cleanup

        app = self.app
        plan = job.plan
        assert isinstance(plan, CleanupPlan), "a cleanup is applied after its plan"
        with app.store.db.connection_context():
            with self.store_lock("cleanup"):
                try:
                    removed = apply_cleanup(plan, db=app.store.db, emit=self._emitter(job), cancel=job.cancel)
                except Cancelled:
                    app.post_message(JobFinished("cleanup", "Cancelled: the cleanup rolled back; nothing was removed.", cancelled=True))
                    return
        app.post_message(JobFinished("cleanup", f"Done: removed {plural(removed, 'model')}."))

    # ------------------------------------------------------------------ pricing sync

    def _plan_pricing(self, job: Job) -> None:
        from .pricing_flow import plan_pricing

        app = self.app
        with app.store.db.connection_context():
            plan, body, can_apply = plan_pricing(app.settings, app.store, force=job.force, emit=self._emitter(job), cancel=job.cancel)
        job.pricing = plan
        app.post_message(PlanReady("pricing", plan, context=(body, can_apply)))

    def _apply_pricing(self, job: Job) -> None:
        self._worker(job, partial(self._apply_pricing_work, job), "job-apply", "Applying the pricing sync")

    def _apply_pricing_work(self, job: Job) -> None:
        from .pricing_flow import apply_pricing

        app = self.app
        run = job.pricing
        assert run is not None, "a pricing sync is applied after its plan"
        with app.store.db.connection_context():
            with self.store_lock("pricing sync"):
                try:
                    text = apply_pricing(run, emit=self._emitter(job), cancel=job.cancel)
                except Cancelled:
                    app.post_message(JobFinished("pricing", "Cancelled: the pricing sync rolled back; no price was changed.", cancelled=True))
                    return
                except StalePlan:
                    app.post_message(PlanStale("pricing"))
                    return
        app.post_message(JobFinished("pricing", f"Done: {text}"))


def _planned_any(job: Job) -> bool:
    plan = job.plan
    if job.kind == "models" and isinstance(plan, list):
        return any(o.plan is not None for o in plan)
    return plan is not None


def _summary_line(job: Job) -> str:
    """The totals at the top of a preview: "490 to add, 3 to update across 6 providers; 1 failed"."""
    plan = job.plan
    if job.kind == "models" and isinstance(plan, list):
        totals = {"added": 0, "updated": 0, "missing": 0}
        planned = failed = skipped = 0
        for o in plan:
            if o.plan is not None:
                planned += 1
                c = o.plan.counts()
                for k in totals:
                    totals[k] += c[k]
            elif o.status == "failed":
                failed += 1
            elif o.status == "skipped" and o.skip_reason != "disabled":
                skipped += 1
        if planned:
            parts = [f"{totals['added']:,} to add, {totals['updated']:,} to update, {totals['missing']:,} to mark missing "
                     f"across {plural(planned, 'provider')}"]
        else:
            parts = ["Nothing to apply"]
        if failed:
            parts.append(f"{failed} failed (recorded in the sync history)")
        if skipped:
            parts.append(f"{skipped} skipped")
        return "; ".join(parts) + "."
    from ..sync.cleanup import CleanupPlan

    if job.kind == "cleanup" and isinstance(plan, CleanupPlan):
        return f"{plural(len(plan.remove), 'model')} to remove."
    return ""
