"""The Textual app: `aisync` with no command. Screens and widgets live in their own modules; this
file wires them: start-up, the app-wide keys, the catalog/detail/history/usage readers (thread
workers) and the one handler that turns worker errors into a message for the user."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from ..errors import EXIT_INTERRUPTED, AisyncError
from . import format as fmt
from .catalog import CAPABILITY_FILTERS, SEARCH_WORDS, row_key
from .commands import AisyncCommands, Command, app_commands
from .job_state import Job
from .jobs import Jobs
from .messages import (
    CancelJob,
    CatalogLoaded,
    CatalogSeeded,
    JobFinished,
    ModelLoaded,
    PlanReady,
    PlanStale,
    ReviewPlan,
    RunEvent,
    RunsLoaded,
    StoreChanged,
    UsageLoaded,
)
from .screens.main import MainScreen

if TYPE_CHECKING:
    from datetime import datetime

    from textual.app import AutopilotCallbackType
    from textual.content import Content

    from ..choose.cost import Workload
    from ..commands._base import Context
    from ..config import Settings
    from ..store.db import Store
    from ..usage.stats import ModelUsage
    from .store_watch import StoreWatch

#: App-wide actions bound to single letters: they act on the catalog screen only, never inside a
#: form, a modal or another screen (where the same letter may mean something else, or text).
MAIN_ONLY = {"quit_key", "sync_selected", "sync_all", "sync_force", "pricing_sync", "cleanup", "show_log", "history", "usage", "settings"}


class AisyncApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "aisync"
    COMMANDS = App.COMMANDS | {AisyncCommands}
    BINDING_GROUP_TITLE = "Catalog screen: runs and screens"
    WATCH_SECONDS = 2.0
    """How often the app checks whether another process wrote to the store."""
    FIRST_SCREENFUL = 200
    """Rows read first at start-up: more than a terminal shows. Few, because a worker reading
    rows while the UI thread renders waits for the GIL after each row."""
    BINDINGS = [
        Binding("q", "quit_key", "Quit", id="app.quit", tooltip="Leave the app (asks first while a run is going on)."),
        Binding("question_mark", "help", "Keys", id="app.help", tooltip="Show every key."),
        Binding("r", "sync_selected", "Sync", id="sync.provider",
                tooltip="Sync the provider selected in the pane (all providers when 'All' is selected): preview, then apply."),
        Binding("R", "sync_all", "Sync all", id="sync.all", tooltip="Sync every enabled provider: preview, then apply."),
        Binding("F", "sync_force", "Force sync", show=False, id="sync.force",
                tooltip="Sync the selected provider now, even if it synced recently or its list shrank: preview, then apply."),
        Binding("p", "pricing_sync", "Prices", id="sync.pricing", tooltip="Sync prices from the price feeds: preview, then apply."),
        Binding("x", "cleanup", "Cleanup", show=False, id="sync.cleanup", tooltip="Remove stale models after a cut-off date: preview, then apply."),
        Binding("l", "show_log", "Log", show=False, id="view.log", tooltip="Show the log of the current or last run."),
        Binding("h", "history", "History", id="view.history", tooltip="Every sync run with its result."),
        Binding("u", "usage", "Usage", show=False, id="view.usage", tooltip="Spend per day, top models, by provider."),
        Binding("comma", "settings", "Settings", show=False, id="view.settings", tooltip="Providers, price unit and theme."),
    ]

    def __init__(self, settings: Settings, store: Store, *, seed_catalog: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.seed_catalog = seed_catalog
        self.jobs = Jobs(self)
        """The one run (sync, pricing, cleanup) at a time, its workers and its preview."""
        self.started = time.perf_counter()
        self.catalog_seconds: float | None = None
        """How long the last catalog read took in its worker."""
        self.main: MainScreen | None = None
        self.workload: Workload | None = None
        """The session workload behind the table's Workload $ column, or None."""
        self.seed_done = threading.Event()
        """Set once the start-up catalog seeding (which holds the store lock briefly) is over."""
        self.last_sync: datetime | None = None
        """When the store was last synced (the header says how long ago, and that ages)."""
        self.store_watch: StoreWatch | None = None
        """Notices writes to the store by other processes."""

    leave_now = False
    """The user quit during a run: end the process as soon as the terminal is restored."""

    async def run_async(self, *, headless: bool = False, inline: bool = False, inline_no_clear: bool = False, mouse: bool = True,
                        size: tuple[int, int] | None = None, auto_pilot: AutopilotCallbackType | None = None) -> int | None:
        """Leaving during a run: once the terminal is restored, end the process here, before the
        event loop joins its worker threads (one may be waiting on a silent provider or on the
        start-up seeding)."""
        result = await super().run_async(headless=headless, inline=inline, inline_no_clear=inline_no_clear, mouse=mouse, size=size,
                                         auto_pilot=auto_pilot)
        job = self.job
        # Not during an apply: its thread still talks to this loop while it rolls back; run_app
        # waits for it after the loop has ended.
        if self.leave_now and not self.is_headless and job is not None and job.running and job.phase != "applying":
            leave_without_waiting(self, int(self.return_code or 0))
        return result

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables plus status colours legible on this theme's backgrounds."""
        from .legible import status_colours

        variables = super().get_css_variables()
        variables.update(status_colours(variables))
        return variables

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: the store and its last sync in the header's own colour (Textual dims the
        sub-title, which is too faint to read in several themes)."""
        from textual.content import Content

        return Content.assemble((title, "bold"), " — ", sub_title) if sub_title else Content(title)

    # ------------------------------------------------------------------ start-up

    def get_default_screen(self) -> MainScreen:
        self.main = MainScreen(self.settings)
        return self.main

    def on_mount(self) -> None:
        if self.settings.ui.theme in self.available_themes:
            self.theme = self.settings.ui.theme
        if self.settings.ui.keymap:
            self.set_keymap(dict(self.settings.ui.keymap))
        self.sub_title = f"{self.store.location}"
        self._install_signal_handlers()
        if self.seed_catalog:
            self._seed_catalog()
        else:
            self.seed_done.set()
        from .store_watch import StoreWatch

        self.store_watch = StoreWatch(self.store)
        self.set_interval(self.WATCH_SECONDS, self._watch_store, name="watch the store")
        self.set_interval(30, self._age_times, name="age relative times")

    def _install_signal_handlers(self) -> None:
        """Ctrl+C (SIGINT) or SIGTERM from outside: cancel the running job, so its transaction
        rolls back at the next batch instead of committing while the app closes, and leave with
        exit code 130 like the headless commands."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()

        def interrupted() -> None:
            if self.job is not None:
                self.job.cancel.set()
                self.leave_now = True
            self.exit(return_code=EXIT_INTERRUPTED)

        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, interrupted)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread (tests), or no signals
                pass

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False, description="Reading the catalog")
    def load_catalog(self, first: bool = False) -> None:
        """Read the catalog for the table. `first` (start-up, empty table): post the first
        screenful as soon as it is read, so the table fills in a few ms instead of after reading
        every row (about 0.4 s at 50,000 models); the whole catalog follows."""
        from textual.worker import get_current_worker

        from ..store.queries import last_sync_time, list_providers, model_table_tuples
        from .catalog import haystacks

        worker = get_current_worker()
        start = time.perf_counter()
        if self.store_watch is not None and not self.store_watch.cheap:
            self.store_watch.baseline()
        # Other databases may collate ids differently from Python: their first N would not be
        # the first N rows of the full list, so they get the whole list at once.
        first = first and self.store.is_sqlite
        with self.store.db.connection_context():
            providers = list_providers(count_available=False)  # the pane shows totals only
            last = last_sync_time()
            rows = model_table_tuples(limit=self.FIRST_SCREENFUL) if first else None
            if rows is not None and len(rows) < self.FIRST_SCREENFUL:
                pass  # that was the whole catalog
            else:
                if rows is not None and not worker.is_cancelled:
                    total = sum(p.model_count for p in providers)
                    painted = threading.Event()
                    self.post_message(CatalogLoaded(rows, providers, last, time.perf_counter() - start, complete=False, total=total, painted=painted))
                    # Let the UI paint the first screenful before this thread competes with it
                    # for the GIL (reading 50,000 rows is Python object creation).
                    painted.wait(timeout=1.0)
                    start = time.perf_counter()
                rows = model_table_tuples()
        hay = haystacks(rows)  # here, not on the UI thread
        if not worker.is_cancelled:  # a newer read (after a sync) replaced this one
            self.post_message(CatalogLoaded(rows, providers, last, time.perf_counter() - start, hay=hay))

    @work(thread=True, exclusive=True, group="seed", exit_on_error=False, description="Loading the bundled catalog")
    def _seed_catalog(self) -> None:
        from ..pricing.seed import ensure_seeded

        try:
            with self.store.db.connection_context():
                added = ensure_seeded(self.store)
        finally:
            self.seed_done.set()
        if added:
            self.post_message(CatalogSeeded(int(added) if isinstance(added, int) else 1))

    def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        if message.complete:
            self.catalog_seconds = message.seconds
        if self.main is None:
            return
        self.main.load(message.rows, message.providers, self.syncing, complete=message.complete, total=message.total, hay=message.hay)
        if message.painted is not None:
            self.main.table.when_painted(message.painted.set)
        self.last_sync = message.last_sync
        self.sub_title = self.main.header_subtitle(self.store.location, message.last_sync)

    def _watch_store(self) -> None:
        """Another process wrote to the store: read the catalog again (the cursor stays on its model)."""
        if self.store_watch is None or self.main is None or not self.main.complete or self.jobs.running:
            return
        if self.store_watch.cheap:
            if self.store_watch.changed():
                self.load_catalog()
        else:
            self._watch_in_worker()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False, description="Checking the store for changes")
    def _watch_in_worker(self) -> None:
        if self.store_watch is not None and self.store_watch.changed():
            self.post_message(StoreChanged())

    def on_store_changed(self, message: StoreChanged) -> None:
        if not self.jobs.running:
            self.load_catalog()

    def _age_times(self) -> None:
        """"last sync 8 min ago" and the Synced column grow older as time passes."""
        if self.main is None or not self.main.loaded:
            return
        self.sub_title = self.main.header_subtitle(self.store.location, self.last_sync)
        self.main.table.refresh()
        self.main.pane.show(self.main.table.current, again=True)
        self.refresh_providers()

    def on_catalog_seeded(self, message: CatalogSeeded) -> None:
        self.notify("Loaded the bundled catalog of models and prices (offline). Sync a provider (r) to see which you can use.",
                    timeout=5, markup=False)
        self.load_catalog()

    # ------------------------------------------------------------------ the run (owned by self.jobs)

    @property
    def job(self) -> Job | None:
        """The current or last run of this session."""
        return self.jobs.job

    @property
    def syncing(self) -> set[str]:
        return self.jobs.syncing

    def on_run_event(self, message: RunEvent) -> None:
        self.jobs.on_run_event(message)

    def on_plan_ready(self, message: PlanReady) -> None:
        self.jobs.on_plan_ready(message)

    def on_plan_stale(self, message: PlanStale) -> None:
        self.jobs.on_plan_stale(message)

    def on_job_finished(self, message: JobFinished) -> None:
        self.jobs.on_job_finished(message)

    def on_review_plan(self, message: ReviewPlan) -> None:
        self.jobs.review()

    def on_cancel_job(self, message: CancelJob) -> None:
        self.jobs.cancel()

    def sync_finished(self) -> None:
        """A run ended or stopped to wait for the user: the pane and the table show the store."""
        self.refresh_providers()
        if self.store_watch is not None and self.store_watch.cheap:
            self.store_watch.baseline()  # our own writes are read now; the watch need not report them
        self.load_catalog()

    def start_model_sync(self, providers: list[str] | None = None, force: bool = False) -> None:
        self.jobs.start_model_sync(providers, force)

    def start_pricing_sync(self, force: bool = False) -> None:
        self.jobs.start_pricing_sync(force)

    # ------------------------------------------------------------------ helpers used by screens and the palette

    def palette_commands(self) -> list[Command]:
        """Every command palette entry for the app's current state."""
        return app_commands(self)

    def provider_names(self) -> dict[str, str]:
        names = {slug: p.name for slug, p in self.settings.providers.items()}
        if self.main is not None:
            for row in self.main.provider_rows:
                names.setdefault(row.slug, row.name)
        return names

    def mark_syncing(self, slug: str, on_: bool) -> None:
        (self.syncing.add if on_ else self.syncing.discard)(slug)
        self.refresh_providers()

    def refresh_providers(self) -> None:
        if self.main is not None and self.main.loaded:
            self.main.refresh_providers(self.syncing)

    def apply_settings(self, settings: Settings) -> None:
        """After the settings screen saved: new theme, unit and provider states."""
        self.settings = settings
        if settings.ui.theme in self.available_themes:
            self.theme = settings.ui.theme
        if self.main is not None:
            from .catalog import optional_keys

            self.main.settings = settings
            self.main.set_per(settings.pricing.per)
            self.main.show_columns(optional_keys(settings.ui.columns))
        self.refresh_providers()

    def set_per(self, per: str) -> None:
        from dataclasses import replace

        self.settings = replace(self.settings, pricing=replace(self.settings.pricing, per=per))
        if self.main is not None:
            self.main.settings = self.settings
            self.main.set_per(per)

    def ask_workload(self) -> None:
        from .screens.workload_prompt import WorkloadPrompt

        def chosen(workload: Workload | None) -> None:
            if workload is not None:
                self.set_workload(workload)

        self.push_screen(WorkloadPrompt(self.workload), chosen)

    def set_workload(self, workload: Workload | None) -> None:
        """Set (or clear, with None) the session workload: the Workload $ column comes and goes."""
        self.workload = workload
        if (main := self._on_main()) is not None:
            main.set_workload(workload)

    def _on_main(self) -> MainScreen | None:
        if self.main is not None and self.screen is not self.main and self.main in self.screen_stack:
            while self.screen is not self.main:
                self.pop_screen()
        return self.main

    def sort_by(self, key: str, descending: bool) -> None:
        if (main := self._on_main()) is not None:
            main.sort_by(key, descending)

    def toggle_column(self, key: str) -> None:
        if (main := self._on_main()) is not None:
            main.toggle_column(key)

    def go_provider(self, slug: str | None) -> None:
        if (main := self._on_main()) is not None:
            main.go_provider(slug)

    def filter_type(self, model_type: str | None) -> None:
        """Only models of this type (None: every type)."""
        if (main := self._on_main()) is not None:
            main.apply_filters(main.view.filters.with_(type=model_type))

    def filter_available(self, available: bool | None) -> None:
        """Only models the user's providers list (True), only catalog entries (False), or both (None)."""
        if (main := self._on_main()) is not None:
            main.apply_filters(main.view.filters.with_(available=available))

    def toggle_capability(self, label: str) -> None:
        if (main := self._on_main()) is not None and label in CAPABILITY_FILTERS:
            main.action_toggle_capability(label)

    def toggle_flag(self, flag: str) -> None:
        """Only models with this fact (catalog.FLAG_LABELS: sources disagree, open or closed weights), or all again."""
        if (main := self._on_main()) is not None:
            main.apply_filters(main.view.filters.with_(flags=main.view.filters.flags ^ {flag}))

    def toggle_active(self) -> None:
        if (main := self._on_main()) is not None:
            main.action_toggle_active()

    def clear_filters(self) -> None:
        if (main := self._on_main()) is not None:
            main.action_clear_filters()

    def open_current(self) -> None:
        if self.main is not None and (row := self.main.table.current) is not None:
            self.open_model(*row_key(row))

    def copy_current(self) -> None:
        if self.main is not None:
            self.main.action_copy_id()

    # ------------------------------------------------------------------ detail, history, usage

    def open_model(self, provider: str, model_id: str) -> None:
        from .screens.detail import DetailScreen

        self.push_screen(DetailScreen(provider, model_id, self.settings.pricing.per))
        self._load_model(provider, model_id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False, description="Reading a model")
    def _load_model(self, provider: str, model_id: str) -> None:
        from ..store.queries import get_model

        usage: ModelUsage | str | None = None
        with self.store.db.connection_context():
            detail = get_model(model_id, provider)
            from ..usage.stats import model_usage

            try:
                usage = model_usage(provider, model_id, days=30, now=fmt.now())
            except AisyncError as exc:
                usage = exc.line()
        self.post_message(ModelLoaded(detail, usage))

    def on_model_loaded(self, message: ModelLoaded) -> None:
        from .screens.detail import DetailScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, DetailScreen):
                screen.show(message.detail, message.usage)
                break

    @work(thread=True, exclusive=True, group="history", exit_on_error=False, description="Reading the sync history")
    def load_runs(self) -> None:
        from ..store.queries import list_runs

        with self.store.db.connection_context():
            runs = list_runs(limit=500)
        self.post_message(RunsLoaded(runs))

    def on_runs_loaded(self, message: RunsLoaded) -> None:
        from .screens.history import HistoryScreen

        if isinstance(self.screen, HistoryScreen):
            self.screen.show(message.runs)

    @work(thread=True, exclusive=True, group="usage", exit_on_error=False, description="Reading usage")
    def load_usage(self) -> None:
        from ..usage.stats import usage_summary

        with self.store.db.connection_context():
            summary = usage_summary(30, now=fmt.now())
        self.post_message(UsageLoaded(summary))

    def on_usage_loaded(self, message: UsageLoaded) -> None:
        from .screens.usage import UsageScreen

        if isinstance(self.screen, UsageScreen):
            self.screen.show(message.report, message.error)

    # ------------------------------------------------------------------ errors

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        """The one place worker errors reach the user: a modal with the one-line error and hint."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        assert error is not None
        from .screens.error import ErrorModal

        group = event.worker.group
        if group.startswith("job"):
            if self.jobs.worker_failed(error):
                return
            self.sync_finished()
        title = {"catalog": "Could not read the catalog", "detail": "Could not read the model", "history": "Could not read the history",
                 "usage": "Could not read usage", "seed": "Could not load the bundled catalog"}.get(group, "The run failed")
        import sqlite3

        import peewee

        if isinstance(error, (peewee.DatabaseError, peewee.InterfaceError, sqlite3.Error)):
            # A store error names what to do, as on the command line (text that is not UTF-8, a lock, a full disk).
            from ..store.db import describe_sqlite_error

            error = describe_sqlite_error(self.store.location, error)
        line = error.line() if isinstance(error, AisyncError) else f"{type(error).__name__}: {error}"
        self.push_screen(ErrorModal(title, line))

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_ONLY and self.main is not None and self.screen is not self.main:
            return False
        if action == "help":
            from textual.screen import ModalScreen

            from .screens.settings import SettingsScreen

            return not isinstance(self.screen, (ModalScreen, SettingsScreen))
        return True

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """The palette's Screenshot: into ~/Downloads when it exists, else the current directory
        (Textual's default fails when there is no Downloads folder), and say where it went."""
        import os
        from pathlib import Path

        if path is None:
            downloads = Path.home() / "Downloads"
            path = str(downloads if downloads.is_dir() else Path.cwd())
        try:
            saved = self.save_screenshot(filename, path)
        except OSError as exc:
            self.notify(f"Could not save the screenshot in {path}: {exc.strerror or exc}", severity="error", markup=False)
            return
        self.notify(f"Screenshot saved: {os.path.abspath(saved)}", timeout=5, markup=False)

    async def action_quit_key(self) -> None:
        await self.action_quit()

    def action_sync_selected(self, force: bool = False) -> None:
        slug = None
        if self.main is not None:
            from .widgets.provider_pane import ProviderPane

            slug = self.main.query_one(ProviderPane).selected_slug
        if slug is not None and slug not in self.settings.providers:
            self.notify(f"{slug} is a catalog-only provider: there is no API to sync it. Use p to sync prices.", severity="warning", markup=False)
            return
        self.start_model_sync([slug] if slug else None, force)

    def action_sync_force(self) -> None:
        self.action_sync_selected(force=True)

    async def action_quit(self) -> None:
        """Leave at once; while a run is going on, ask first (its transaction rolls back)."""
        job = self.job
        if job is None or not job.running:
            self.exit()
            return
        from .screens.quit_prompt import QuitPrompt

        if isinstance(self.screen, QuitPrompt):  # ctrl+q asked twice: that is the answer
            self.screen.dismiss(True)
            return

        def answered(leave: bool | None) -> None:
            if leave and self.job is not None:
                self.job.cancel.set()
                self.leave_now = True
                self.exit()

        if not isinstance(self.screen, QuitPrompt):
            self.push_screen(QuitPrompt(job.title, job.phase), answered)

    def action_sync_all(self) -> None:
        self.start_model_sync(None)

    def action_pricing_sync(self) -> None:
        self.start_pricing_sync()

    def action_cleanup(self) -> None:
        self.jobs.start_cleanup()

    def action_show_log(self) -> None:
        from .screens.job import JobScreen

        if self.job is None:
            self.notify("No run yet in this session.", timeout=3)
        elif self.jobs.log_screen() is None:
            self.push_screen(JobScreen(self.job))

    def action_history(self) -> None:
        from .screens.history import HistoryScreen

        self.push_screen(HistoryScreen())

    def action_usage(self) -> None:
        from .screens.usage import UsageScreen

        self.push_screen(UsageScreen())

    def action_settings(self) -> None:
        from .screens.settings import SettingsScreen

        if any(isinstance(s, SettingsScreen) for s in self.screen_stack):
            return  # one settings screen at a time: a second one would save stale values over the first
        from .catalog import config_names

        columns = config_names(self.main.shown_columns) if self.main is not None else None
        self.push_screen(SettingsScreen(self.settings, self.theme, sorted(self.available_themes), columns))

    def action_help(self) -> None:
        from .screens.detail import DetailScreen
        from .screens.help import HelpScreen
        from .screens.history import HistoryScreen
        from .screens.job import JobScreen
        from .screens.main import FilterInput
        from .screens.preview import PreviewModal
        from .screens.settings import SettingsScreen
        from .screens.usage import UsageScreen
        from .widgets.model_table import ModelTable

        classes = (AisyncApp, MainScreen, ModelTable, DetailScreen, JobScreen, PreviewModal, HistoryScreen, UsageScreen, SettingsScreen)
        groups = [(cls.BINDING_GROUP_TITLE or "Screen", [b for b in cls.BINDINGS if isinstance(b, Binding) and b.show is not None])
                  for cls in classes]
        groups.insert(3, ("Filter box", [b for b in FilterInput.BINDINGS if isinstance(b, Binding)]))
        groups.insert(4, ("Filter words", [Binding(word, "filter", "Filter", tooltip=what) for word, (_, what) in SEARCH_WORDS.items()]))
        groups.append(("Command palette", [Binding("ctrl+p", "command_palette", "Palette", tooltip="Every action, searchable.")]))
        self.push_screen(HelpScreen(groups, dict(self.settings.ui.keymap)))


def run_app(ctx: Context) -> int:
    """`aisync` without a command: open the app on the configured store."""
    settings = ctx.settings
    store = ctx.store()
    app = AisyncApp(settings, store)
    result = app.run()
    code = int(app.return_code) if app.return_code else int(result or 0)
    leave_without_waiting(app, code)
    return code


def leave_without_waiting(app: AisyncApp, code: int) -> None:
    """A run the user quit: don't keep a blank terminal until a silent provider times out.

    Worker threads are joined at interpreter exit. An apply that was cancelled rolls back at its
    next batch (a moment); a plan writes nothing worth waiting for, so the process ends now."""
    import os
    import sys

    job = app.job
    if job is None or not job.running:
        return
    if job.phase == "applying":
        sys.stderr.write("aisync: rolling back the cancelled apply…\n")
        sys.stderr.flush()
        if job.thread is not None:
            job.thread.join(timeout=30)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
