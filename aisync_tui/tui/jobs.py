"""Runs that change the store (model sync, pricing sync, cleanup), always plan → preview → apply.

Each phase runs in a thread worker that talks to the UI only by posting messages: the engine's
events become `RunEvent`s for the live log, the plan a `PlanReady` for the preview modal, the end
a `JobFinished`. Applying holds the store's run lock, so the app and a cron `--sync-all` never
interleave. Esc sets the job's cancel event, which the engine checks between batches (the
interrupted provider's transaction rolls back).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from textual import work

from ..errors import AisyncError, Cancelled
from ..events import BatchApplied, Event, ProviderFailed, ProviderStarted, RunFinished
from ..render.words import describe, plural
from .messages import JobFinished, PlanReady, RunEvent

if TYPE_CHECKING:
    from .app import AisyncApp

JOB_TITLES = {"models": "Model sync", "pricing": "Pricing sync", "cleanup": "Cleanup"}


@dataclass
class Job:
    kind: str
    title: str
    cancel: threading.Event = field(default_factory=threading.Event)
    phase: str = "planning"
    """planning, preview, applying, done, cancelled, failed"""
    lines: list[tuple[str, str]] = field(default_factory=list)
    done: int = 0
    total: int = 0
    runner: Any = None
    plan: Any = None
    providers: list[str] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.phase in ("planning", "preview", "applying")


def summarise_models(summary: Any, names: dict[str, str]) -> tuple[str, bool]:
    parts = []
    failed = False
    for o in summary.outcomes:
        name = names.get(o.provider, o.provider)
        if o.status == "ok" and o.plan is not None:
            c = o.plan.counts()
            if o.plan.has_changes:
                parts.append(f"{name}: {c['added']} added, {c['updated']} updated, {c['missing']} missing")
            else:
                parts.append(f"{name}: all {plural(c['found'], 'model')} up to date")
        elif o.status == "failed" and o.error is not None:
            failed = True
            parts.append(f"{name} failed: {o.error.message}")
        elif o.status == "cancelled":
            parts.append(f"{name}: cancelled, rolled back")
    return "; ".join(parts) or "nothing to do", failed


class JobsMixin:
    """The app's run workers. Mixed into AisyncApp (workers belong to the app, so they outlive
    the screens that show them)."""

    job: Job | None

    # ------------------------------------------------------------------ plumbing

    def _emitter(self: AisyncApp, job: Job) -> Callable[[Event], None]:
        def emit(event: Event) -> None:
            self.post_message(RunEvent(job.kind, event))

        return emit

    def _new_job(self: AisyncApp, kind: str, title: str, providers: list[str] | None = None) -> Job | None:
        if self.job is not None and self.job.running:
            self.notify(f"{self.job.title} is still running: wait for it or cancel it (l shows its log).", severity="warning")
            return None
        job = Job(kind, title, providers=list(providers or []))
        self.job = job
        from .screens.job import JobScreen

        self.push_screen(JobScreen(job))
        return job

    def job_line(self: AisyncApp, text: str, style: str = "") -> None:
        job = self.job
        if job is None:
            return
        job.lines.append((text, style))
        screen = self._job_screen()
        if screen is not None:
            screen.add_line(text, style)

    def _job_screen(self: AisyncApp) -> Any:
        from .screens.job import JobScreen

        for screen in self.screen_stack:
            if isinstance(screen, JobScreen) and screen.job is self.job and screen.is_mounted:
                return screen
        return None

    def _job_progress(self: AisyncApp) -> None:
        screen = self._job_screen()
        if screen is not None:
            screen.update_progress()

    def store_lock(self: AisyncApp, what: str) -> Any:
        """The store's run lock for an apply. The app's own start-up catalog seeding holds that
        lock for a moment; an apply confirmed meanwhile waits for it instead of failing with
        "another run holds the lock" about ourselves."""
        from ..store.lock import run_lock

        self.seed_done.wait(timeout=120)
        return run_lock(self.store, f"aisync (app): {what}")

    def cancel_job(self: AisyncApp) -> None:
        job = self.job
        if job is None or not job.running:
            return
        job.cancel.set()
        self.job_line("Cancelling: the current batch finishes, then its transaction rolls back…", "yellow")

    # ------------------------------------------------------------------ messages

    def on_run_event(self: AisyncApp, message: RunEvent) -> None:
        job = self.job
        if job is None or job.kind != message.job:
            return
        event = message.event
        if isinstance(event, BatchApplied):
            job.done, job.total = event.done, event.total
            self._job_progress()
            return
        if isinstance(event, ProviderStarted):
            self.mark_syncing(event.provider, True)
        elif isinstance(event, ProviderFailed):
            self.mark_syncing(event.provider, False)
        text = describe(event) or (event.text if isinstance(event, _Line) else None)
        if text:
            style = "bold red" if isinstance(event, ProviderFailed) else ("dim" if isinstance(event, RunFinished) else "")
            self.job_line(text, style)

    def on_plan_ready(self: AisyncApp, message: PlanReady) -> None:
        job = self.job
        if job is None or job.kind != message.job:
            return
        if job.cancel.is_set():
            self._finish(job, "cancelled", f"{job.title} cancelled before anything was written.")
            return
        job.plan = message.plan
        job.phase = "preview"
        self._job_progress()
        from .plan_text import cleanup_plan_text, model_plan_text
        from .screens.preview import PreviewModal

        if job.kind == "models":
            body, can_apply = model_plan_text(message.plan, self.provider_names(), self.settings.pricing.per)
        elif job.kind == "cleanup":
            body, can_apply = cleanup_plan_text(message.plan)
        else:
            body, can_apply = message.context
        self.job_line("Plan ready: review it and confirm to write it." if can_apply else "Nothing to apply.", "bold")

        def decided(apply: bool | None) -> None:
            if apply and can_apply:
                job.phase = "applying"
                self._job_progress()
                self.job_line("Applying…", "bold")
                {"models": self._apply_models, "cleanup": self._apply_cleanup, "pricing": self._apply_pricing}[job.kind](job)
            else:
                self._finish(job, "cancelled" if can_apply else "done",
                             "Nothing was written." if can_apply else f"{job.title}: nothing to apply.")

        self.push_screen(PreviewModal(f"{job.title}: preview", body, can_apply=can_apply), decided)

    def on_job_finished(self: AisyncApp, message: JobFinished) -> None:
        job = self.job
        if job is None or job.kind != message.job:
            return
        phase = "cancelled" if message.cancelled else ("failed" if message.failed else "done")
        self._finish(job, phase, message.summary, severity="warning" if message.failed or message.cancelled else "information")
        self.load_catalog()

    def _finish(self: AisyncApp, job: Job, phase: str, summary: str, severity: str = "information") -> None:
        job.phase = phase
        self.syncing.clear()
        self.job_line(summary, "bold green" if phase == "done" else "bold yellow")
        self._job_progress()
        self.notify(summary, title=job.title, severity=severity, timeout=8)  # type: ignore[arg-type]
        self.refresh_providers()

    def job_failed(self: AisyncApp, error: BaseException) -> None:
        job = self.job
        if job is None or not job.running:
            return
        line = error.line() if isinstance(error, AisyncError) else f"{type(error).__name__}: {error}"
        self._finish(job, "failed", f"{job.title} failed: {line}", severity="error")
        self.load_catalog()

    # ------------------------------------------------------------------ model sync

    def start_model_sync(self: AisyncApp, providers: list[str] | None = None, force: bool = False) -> None:
        names = self.provider_names()
        label = "all providers" if not providers else ", ".join(names.get(p, p) for p in providers)
        job = self._new_job("models", f"{JOB_TITLES['models']}: {label}" + (" (force)" if force else ""), providers)
        if job is not None:
            self.job_line("Planning: fetching the providers' model lists; nothing is written until you confirm.", "dim")
            self._plan_models(job, providers, force)

    @work(thread=True, exclusive=True, group="job-plan", exit_on_error=False, description="Planning the model sync")
    def _plan_models(self: AisyncApp, job: Job, providers: list[str] | None, force: bool) -> None:
        from ..sync.runner import ModelSyncRunner

        runner = ModelSyncRunner(self.settings, self.store, providers=providers, force=force,
                                 emit=self._emitter(job), cancel=job.cancel)
        job.runner = runner
        with self.store.db.connection_context():
            runner.prepare()
        self.post_message(PlanReady("models", list(runner.summary.outcomes)))

    @work(thread=True, exclusive=True, group="job-apply", exit_on_error=False, description="Applying the model sync")
    def _apply_models(self: AisyncApp, job: Job) -> None:
        from ..domain import utcnow

        runner = job.runner
        cancelled = False
        with self.store.db.connection_context():
            with self.store_lock("model sync"):
                try:
                    runner.apply()
                except Cancelled:
                    cancelled = True
        runner.summary.finished_at = utcnow()
        runner.emit(RunFinished("models", runner.summary, cancelled))
        text, failed = summarise_models(runner.summary, self.provider_names())
        self.post_message(JobFinished("models", text, cancelled=cancelled, failed=failed))

    # ------------------------------------------------------------------ cleanup

    def start_cleanup(self: AisyncApp) -> None:
        from .screens.cleanup_prompt import CleanupPrompt

        if self.job is not None and self.job.running:
            self.notify(f"{self.job.title} is still running.", severity="warning")
            return

        def chosen(cutoff: datetime | None) -> None:
            if cutoff is None:
                return
            job = self._new_job("cleanup", f"Cleanup: models not seen since {cutoff:%Y-%m-%d}")
            if job is not None:
                self._plan_cleanup(job, cutoff)

        self.push_screen(CleanupPrompt(), chosen)

    @work(thread=True, exclusive=True, group="job-plan", exit_on_error=False, description="Planning the cleanup")
    def _plan_cleanup(self: AisyncApp, job: Job, cutoff: datetime) -> None:
        from ..sync.cleanup import plan_cleanup

        with self.store.db.connection_context():
            plan = plan_cleanup(cutoff)
        self.post_message(RunEvent("cleanup", _Line(f"cleanup: {plural(len(plan.remove), 'model')} to remove, "
                                                     f"{len(plan.kept_for_usage)} kept for their usage records")))
        self.post_message(PlanReady("cleanup", plan))

    @work(thread=True, exclusive=True, group="job-apply", exit_on_error=False, description="Applying the cleanup")
    def _apply_cleanup(self: AisyncApp, job: Job) -> None:
        from ..sync.cleanup import apply_cleanup

        with self.store.db.connection_context():
            with self.store_lock("cleanup"):
                try:
                    removed = apply_cleanup(job.plan, db=self.store.db, emit=self._emitter(job), cancel=job.cancel)
                except Cancelled:
                    self.post_message(JobFinished("cleanup", "Cleanup cancelled: nothing was removed.", cancelled=True))
                    return
        self.post_message(JobFinished("cleanup", f"Cleanup removed {plural(removed, 'model')}."))

    # ------------------------------------------------------------------ pricing sync

    def start_pricing_sync(self: AisyncApp, force: bool = False) -> None:
        job = self._new_job("pricing", JOB_TITLES["pricing"] + (" (force)" if force else ""))
        if job is not None:
            self.job_line("Planning: reading the price feeds; nothing is written until you confirm.", "dim")
            self._plan_pricing(job, force)

    @work(thread=True, exclusive=True, group="job-plan", exit_on_error=False, description="Planning the pricing sync")
    def _plan_pricing(self: AisyncApp, job: Job, force: bool) -> None:
        from .pricing_flow import plan_pricing

        with self.store.db.connection_context():
            plan, body, can_apply = plan_pricing(self.settings, self.store, force=force, emit=self._emitter(job), cancel=job.cancel)
        job.runner = plan
        self.post_message(PlanReady("pricing", plan, context=(body, can_apply)))

    @work(thread=True, exclusive=True, group="job-apply", exit_on_error=False, description="Applying the pricing sync")
    def _apply_pricing(self: AisyncApp, job: Job) -> None:
        from .pricing_flow import apply_pricing

        with self.store.db.connection_context():
            with self.store_lock("pricing sync"):
                try:
                    text = apply_pricing(job.runner, emit=self._emitter(job))
                except Cancelled:
                    self.post_message(JobFinished("pricing", "Pricing sync cancelled: rolled back.", cancelled=True))
                    return
        self.post_message(JobFinished("pricing", text))


@dataclass(frozen=True)
class _Line(Event):
    """A line for the log that is not an engine event (worded here, not in render.words)."""

    text: str
