"""SVG snapshots of every screen at fixed sizes, from the seeded store with a frozen clock.

The store is opened as "aisync.db" in the test's directory and the config as "config.toml", so
no temp path, machine name, random id or wall-clock time reaches a picture. Update with
`pytest tests/tui/test_snapshots.py --snapshot-update` after checking the new pictures.
"""

from __future__ import annotations

from typing import Any

from aisync_tui.domain import Price, RemoteModel
from aisync_tui.errors import InvalidApiKey
from aisync_tui.sync.plan import Added, FieldChange, Missing, ProviderPlan, Updated
from aisync_tui.sync.runner import ProviderOutcome


async def _settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_at_80x24(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_settle)


def test_main_screen_at_120x35_filtered_and_sorted_by_price_descending(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("t", "a")  # chat, active only
        pilot.app.sort_by("input", True)
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 35), run_before=run_before)


def test_main_screen_at_160x45_has_three_columns_with_a_provider_selected(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("f", "down")  # pane: All → OpenAI
        await pilot.press("enter", "down", "down")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=run_before)


def test_main_screen_at_120x35_in_a_light_theme(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app('[ui]\ntheme = "textual-light"\n'), terminal_size=(120, 35), run_before=_settle)


def test_detail_screen(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        pilot.app.open_model("openai", "gpt-4o")
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(110, 60), run_before=run_before)


def test_sync_preview_modal(snap_compare: Any, make_app: Any) -> None:
    from aisync_tui.tui.plan_text import model_plan_text
    from aisync_tui.tui.screens.preview import PreviewModal

    per_token = lambda s: Price(input=__import__("decimal").Decimal(s) / 1_000_000)
    plan = ProviderPlan("openai", found=9)
    plan.added.append(Added(RemoteModel("openai", "gpt-5", type="chat", context_length=400_000)))
    plan.updated.append(Updated(RemoteModel("openai", "gpt-4o"), 1, (
        FieldChange("context_length", 128_000, 200_000), FieldChange("pricing", per_token("2.50"), per_token("2.00"))), "active"))
    plan.missing.append(Missing("gpt-4-0314", 9, "active"))
    plan.unchanged.extend(["o3", "gpt-4.1"])
    outcomes = [
        ProviderOutcome("openai", "planned", plan=plan),
        ProviderOutcome("gemini", "skipped", skip_reason="recently_synced", skip_detail="synced 3 min ago (cache_ttl 3600s); use --force to sync now"),
        ProviderOutcome("xai", "failed", error=InvalidApiKey("xai")),
    ]

    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        body, can_apply = model_plan_text(outcomes, pilot.app.provider_names())
        pilot.app.push_screen(PreviewModal("Model sync: all providers: preview", body, can_apply=can_apply,
                                           summary="1 to add, 1 to update, 1 to mark missing across 1 provider; 1 failed (recorded in the sync history); 1 skipped."))
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(110, 30), run_before=run_before)


def test_help_screen(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app('[ui]\nkeymap = { "sync.all" = "ctrl+y" }\n'), terminal_size=(130, 44), press=["question_mark"],
                        run_before=_settle)


def test_sync_history_screen(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("h")
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(130, 20), run_before=run_before)


def test_settings_screen(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("comma")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(110, 40), run_before=run_before)


def test_usage_screen(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("u")
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(110, 40), run_before=run_before)


def test_cleanup_date_prompt(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        pilot.app.screen.query_one("Button").focus()  # not the input: no blinking cursor in the picture
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 24), run_before=run_before)
