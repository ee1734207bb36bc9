"""The sync flow under Pilot against the loopback fake provider server: plan in a worker with a
live log, preview modal, confirm → applied (or cancel → nothing written), errors shown."""

from __future__ import annotations

from typing import Any

import pytest
from textual.message import Message

from aisync_tui.events import BatchApplied
from aisync_tui.store.models import Model, SyncRun
from aisync_tui.tui.messages import JobFinished, PlanReady, RunEvent
from aisync_tui.tui.screens.error import ErrorModal
from aisync_tui.tui.screens.job import JobScreen
from aisync_tui.tui.screens.main import MainScreen
from aisync_tui.tui.screens.preview import PreviewModal
from aisync_tui.tui.widgets.progress_log import ProgressLog
from aisync_tui.tui.widgets.provider_pane import ProviderPane
from tests.e2e.fakeserver import DEFAULT_KEYS
from tests.tui.test_app import settle, text_of

pytestmark = pytest.mark.anyio

LISTED = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3", "o1-preview", "text-embedding-3-small", "dall-e-3", "whisper-1", "gpt-5"]


@pytest.fixture
def openai_app(fake_server: Any, make_app: Any) -> Any:
    fake_server.add("openai", models=[{"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "openai"} for m in LISTED])

    def make(model_sync: str = "", key: str = DEFAULT_KEYS["openai"]) -> Any:
        # cache_ttl = 0: the seeded store says OpenAI was synced 12 minutes ago.
        config = f'[model_sync]\ncache_ttl = 0\n{model_sync}\n[providers.openai]\nbase_url = "{fake_server.base_url("openai")}"\n'
        return make_app(config, OPENAI_API_KEY=key)

    return make


async def start_openai_sync(app: Any, pilot: Any) -> None:
    await settle(pilot)
    app.main.query_one(ProviderPane).select_slug("openai")
    await pilot.pause()
    await pilot.press("r")
    await settle(pilot)


def gpt5_stored() -> bool:
    return Model.select().where((Model.model_id == "gpt-5") & (Model.available == True)).exists()  # noqa: E712 (a Peewee expression, not a truth test)


async def test_sync_previews_the_plan_and_writes_only_after_confirming(openai_app: Any) -> None:
    app = openai_app()
    messages: list[Message] = []
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await start_openai_sync(app, pilot)
        assert isinstance(app.screen, PreviewModal)
        body = text_of(app.screen.query_one("#preview-text"))
        assert "+ gpt-5" in body and "OpenAI" in body
        assert "gpt-3.5-turbo-0301" not in body  # already missing: not marked again
        assert not gpt5_stored()  # the plan wrote nothing
        log_lines = [e for e in messages if isinstance(e, RunEvent)]
        assert log_lines, "the plan's progress reached the live log"
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert gpt5_stored()
        [finished] = [m for m in messages if isinstance(m, JobFinished)]
        assert "OpenAI: 1 added" in finished.summary and not finished.cancelled
        assert isinstance(app.screen, JobScreen)
        log = app.screen.query_one(ProgressLog).lines_text
        assert any("openai: GET" in line for line in log) and any("sync applied" in line for line in log)
        await pilot.press("escape")  # closes the finished log
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "gpt-5" in [r[1] for r in app.main.table.rows]  # the table refreshed


async def test_cancelling_the_preview_writes_nothing(openai_app: Any) -> None:
    app = openai_app()
    async with app.run_test(size=(120, 35)) as pilot:
        runs_before = SyncRun.select().count()
        await start_openai_sync(app, pilot)
        assert isinstance(app.screen, PreviewModal)
        await pilot.press("escape")
        await settle(pilot)
        assert not gpt5_stored()
        assert SyncRun.select().count() == runs_before
        assert app.job.phase == "dropped"


async def test_escape_during_apply_rolls_the_provider_back(openai_app: Any) -> None:
    app = openai_app("batch_size = 1\n")
    async with app.run_test(size=(120, 35)) as pilot:
        await start_openai_sync(app, pilot)
        runner = app.job.runner
        emit = runner.emit

        def emit_and_cancel(event: Any) -> None:
            # What Esc does (JobScreen → app.cancel_job), at a deterministic moment: after the first batch.
            emit(event)
            if isinstance(event, BatchApplied):
                app.job.cancel.set()

        runner.emit = emit_and_cancel
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.job.phase == "cancelled"
        assert not gpt5_stored()  # the first batch (the addition) was rolled back
        assert SyncRun.select().where(SyncRun.status == "cancelled").count() == 1


async def test_a_run_whose_only_provider_failed_ends_failed_and_says_the_failure_was_recorded(openai_app: Any) -> None:
    app = openai_app(key="sk-wrong-key-000000000000")
    async with app.run_test(size=(120, 35)) as pilot:
        await start_openai_sync(app, pilot)
        assert isinstance(app.screen, PreviewModal)
        body = text_of(app.screen.query_one("#preview-text"))
        assert "Invalid API key" in body and "sk-wrong-key" not in body
        assert app.screen.can_apply is False
        assert "1 failed (recorded in the sync history)" in text_of(app.screen.query_one("#preview-summary"))
        await pilot.press("escape")
        await settle(pilot)
        # The only provider failed: that is a failure, not "Done", and the log says what was stored.
        assert app.job.phase == "failed"
        assert app.job.outcome.startswith("Failed: nothing to apply.")
        assert "The failure of OpenAI was recorded in the sync history (no models or prices were changed)." in app.job.outcome
        assert isinstance(app.screen, JobScreen)
        assert "Failed: nothing to apply" in text_of(app.screen.query_one("#job-phase"))
        assert app.job.outcome in app.screen.query_one(ProgressLog).lines_text
        assert "Nothing was written" not in " ".join(app.screen.query_one(ProgressLog).lines_text)


async def test_a_held_run_lock_is_reported_and_the_store_is_untouched(openai_app: Any, tui_store: Any) -> None:
    from aisync_tui.store.lock import run_lock

    app = openai_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await start_openai_sync(app, pilot)
        with run_lock(tui_store, "aisync --sync-all (cron)"):
            await pilot.press("ctrl+y")
            await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        assert "holds the store's lock" in app.screen.message and "--sync-all (cron)" in app.screen.message
        assert not [n for n in app._notifications if "lock" in n.message]  # one report: the dialog, not a toast as well
        assert app.job.phase == "failed"
        assert not gpt5_stored()


async def test_typing_y_in_the_filter_never_applies_a_plan_that_opened_in_the_background(openai_app: Any, monkeypatch: Any) -> None:
    import threading

    from aisync_tui.sync.runner import ModelSyncRunner

    gate = threading.Event()  # the provider "answers" once the user is typing in the filter
    real_prepare = ModelSyncRunner.prepare

    def slow_prepare(self: Any) -> Any:
        gate.wait(10)
        return real_prepare(self)

    monkeypatch.setattr(ModelSyncRunner, "prepare", slow_prepare)
    app = openai_app()
    messages: list[Message] = []
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        app.start_model_sync(["openai"])
        await pilot.pause()
        await pilot.press("b")  # hide the log while the provider is still answering
        await pilot.pause()
        await pilot.press("slash", *"o3")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen), app.screen
        assert [r[1] for r in app.main.table.rows] == ["o3"]  # the UI answers while the plan runs
        assert not [m for m in messages if isinstance(m, PlanReady)]  # the plan was still running
        gate.set()
        await settle(pilot)
        assert [m for m in messages if isinstance(m, PlanReady)]
        # The plan is ready, but the user is typing: it waits and says so, without taking the keyboard.
        await pilot.press(*"yny", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen), app.screen
        assert app.main.query_one("#filter").value == "o3yny"
        assert app.job.phase == "preview" and not gpt5_stored()
        assert any("press l to review" in n.message for n in app._notifications)
        await pilot.press("l")  # the log, and the plan waiting on it
        await settle(pilot)
        assert isinstance(app.screen, PreviewModal)
        await pilot.press("y", "n", "enter", "space")  # no single key confirms or drops it
        await pilot.pause()
        assert isinstance(app.screen, PreviewModal) and not gpt5_stored()
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert gpt5_stored() and app.job.phase == "done"


async def test_applying_over_a_store_changed_since_the_preview_shows_a_new_preview(openai_app: Any, monkeypatch: Any) -> None:
    """The core refuses a plan whose base changed (StalePlan, nothing written); the app plans again
    and shows the new preview with a line saying why."""
    from aisync_tui.errors import StalePlan
    from aisync_tui.sync import runner as runner_module

    real_apply = runner_module.apply_plan  # type: ignore[attr-defined]  # patched below, where the runner looks it up
    calls: list[int] = []

    def apply_once_stale(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise StalePlan("openai: the stored models changed after the plan was made")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(runner_module, "apply_plan", apply_once_stale)
    app = openai_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await start_openai_sync(app, pilot)
        assert isinstance(app.screen, PreviewModal)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, PreviewModal), app.screen  # a new plan, waiting for the user again
        assert "The store changed after the last preview" in text_of(app.screen.query_one("#preview-text"))
        assert not gpt5_stored()
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert gpt5_stored() and app.job.phase == "done"


async def test_quitting_while_a_provider_hangs_asks_first_and_stay_keeps_the_run(openai_app: Any, monkeypatch: Any) -> None:
    import threading

    from aisync_tui.sync.runner import ModelSyncRunner
    from aisync_tui.tui.screens.quit_prompt import QuitPrompt

    gate = threading.Event()  # the provider answers only when the test says so
    real_prepare = ModelSyncRunner.prepare
    monkeypatch.setattr(ModelSyncRunner, "prepare", lambda self: (gate.wait(10), real_prepare(self))[1])
    app = openai_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        app.start_model_sync(["openai"])
        await pilot.pause()
        await pilot.press("b", "q")
        await pilot.pause()
        assert isinstance(app.screen, QuitPrompt) and app.is_running
        await pilot.press("enter")  # Stay has the focus: a stray Enter keeps the run
        await pilot.pause()
        assert app.is_running and app.job.phase == "planning"
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.job.cancel.is_set()
        assert app._exit  # leaving: the process itself does not wait for the silent provider (tests/e2e)
        gate.set()


async def test_a_recently_synced_provider_says_press_f_and_f_forces_its_sync(fake_server: Any, make_app: Any, monkeypatch: Any) -> None:
    fake_server.add("openai", models=[{"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "openai"} for m in LISTED])
    app = make_app(f'[providers.openai]\nbase_url = "{fake_server.base_url("openai")}"\n', OPENAI_API_KEY=DEFAULT_KEYS["openai"])
    from aisync_tui.sync import runner
    from tests.tui.seed import NOW

    # The engine's clock at the seeded "now" (it may have bound the real one at import): OpenAI
    # synced 12 minutes before it, so cache_ttl (one hour) skips it.
    monkeypatch.setattr(runner, "utcnow", lambda: NOW)
    async with app.run_test(size=(120, 35)) as pilot:
        await start_openai_sync(app, pilot)
        body = text_of(app.screen.query_one("#preview-text"))
        assert "press F to force a sync of this provider" in body and "--force" not in body
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen), app.screen
        await pilot.press("F")
        await settle(pilot)
        for _ in range(50):  # the plan's worker may start a moment after the key
            if isinstance(app.screen, PreviewModal):
                break
            await pilot.pause(0.1)
            await settle(pilot)
        assert isinstance(app.screen, PreviewModal), app.screen
        assert "+ gpt-5" in text_of(app.screen.query_one("#preview-text"))
