"""Text from providers is shown as it is: never read as markup (a `[/]` in an id must not crash
the detail screen) and never sent to the terminal as control sequences."""

from __future__ import annotations

from typing import Any

import pytest

from aisync_tui.store.models import Model, ModelChange, Provider
from aisync_tui.tui.screens.detail import DetailScreen
from tests.tui.test_app import settle, text_of

pytestmark = pytest.mark.anyio

HOSTILE = [
    ("m4-id-close-[/]", "[/]"),
    ("m5-plain", "[reverse blink]OWNED[/]"),
    ("m6-title-\x1b]0;PWNED\x07", "\x1b[2J"),
]


def add_hostile_models() -> None:
    openai = Provider.get(Provider.slug == "openai").id
    for model_id, owned_by in HOSTILE:
        m = Model.create(provider=openai, model_id=model_id, name=f"[bold]{model_id}[/bold]", type="chat", status="active",
                         capabilities=["chat"], input_modalities=["text"], output_modalities=["text"], available=True,
                         owned_by=owned_by, field_sources={})
        ModelChange.create(model=m.id, field="name", old="[/]", new="[red]x", at=m.first_seen_at or "2025-06-01 11:00:00")


@pytest.mark.parametrize("model_id, owned_by", HOSTILE, ids=["close-tag-id", "style-tags-owner", "escape-sequences"])
async def test_a_model_id_with_markup_or_escapes_shows_literally_on_the_detail_screen(make_app: Any, model_id: str, owned_by: str) -> None:
    add_hostile_models()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_model("openai", model_id)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.is_running
        basic = text_of(app.screen.query_one("#sec-basic"))
        changes = text_of(app.screen.query_one("#sec-changes"))
        shown_id = model_id.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
        assert shown_id in basic.replace("\n", "").replace(" ", "") or shown_id.replace(" ", "") in basic.replace("\n", "").replace(" ", "")
        assert owned_by.replace("\x1b", "\\x1b") in basic  # "[reverse blink]OWNED[/]" as written, not styled
        assert "[/] → [red]x" in changes
        assert "\x1b" not in basic + changes
        await pilot.press("c")  # the copy notice names the id: as text, not markup
        await pilot.pause()
        assert app.is_running
