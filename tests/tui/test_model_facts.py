"""Release date, knowledge cutoff, open weights and disagreeing sources in the app: optional table
columns (off by default, sortable, unknown shown as a dim — and sorted last), a ≠ after the id of a
model whose sources disagree, the `is:` filter words, the preview pane and the detail screen, each
fact with its source and outside text shown inert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rich.segment import Segment

from aisync_tui.tui.catalog import AVAILABLE, MODEL_ID, RELEASED, Row
from aisync_tui.tui.screens.detail import DetailScreen
from aisync_tui.tui.screens.help import HelpScreen
from aisync_tui.tui.widgets.model_table import ModelTable
from aisync_tui.tui.widgets.preview_pane import PreviewPane
from tests.tui.contrast import contrast
from tests.tui.test_app import run_palette, settle, shown_ids, text_of

pytestmark = pytest.mark.anyio

MODELS_DEV = {"released_at": "models.dev", "knowledge_cutoff": "models.dev", "open_weights": "models.dev", "last_updated": "models.dev"}
GPT_4O_DISPUTES = [
    {"field": "input", "values": {"LiteLLM": "0.0000025", "models.dev": "0.000003"}},
    {"field": "context_length", "values": {"LiteLLM": 128000, "models.dev": 131072}},
]


def add_facts() -> None:
    """The seeded store plus what models.dev states for a few models, one disagreement between the
    feeds, a price only models.dev states and a source name that tries to style the terminal."""
    from aisync_tui.store.models import Model, Price, Provider

    def update(model_id: str, **values: Any) -> None:
        Model.update(**values).where(Model.model_id == model_id).execute()

    update("gpt-4o", released_at="2024-05-13", knowledge_cutoff="2023-10", last_updated="2024-08-06", open_weights=False,
           field_sources={"context_length": "provider", **MODELS_DEV, "disputes": GPT_4O_DISPUTES})
    update("gemini-2.5-flash", released_at="2025-04-17", knowledge_cutoff="2025-01", open_weights=False, field_sources=MODELS_DEV)
    update("o3", released_at="2025-04-16", field_sources={
        "released_at": "[bold red]evil[/]\x1b[31m", "disputes": [{"field": "output", "values": {"LiteLLM": "0.000008", "[blink]feed[/]": "0.00001"}}],
    })
    update("gpt-4o-mini", field_sources={"disputes": "not a list"})  # a damaged record
    update("grok-3", released_at="\x1b]52;c;ZXZpbA==\x07")  # a store edited by hand: the clipboard escape
    openai = Provider.get(Provider.slug == "openai").id
    Model.create(provider=openai, model_id="gpt-oss-120b", name="gpt-oss-120b", type="chat", status="active", context_length=131072,
                 capabilities=["chat", "functions", "reasoning"], available=True, released_at="2025-08-05", knowledge_cutoff="2024-06",
                 open_weights=True, field_sources=MODELS_DEV)
    haiku = Model.get(Model.model_id == "claude-3-5-haiku-20241022")
    Price.update(source="models.dev").where(Price.model == haiku.id).execute()


@pytest.fixture
def facts_app(make_app: Callable[..., Any], tui_store: Any) -> Callable[..., Any]:
    add_facts()
    return make_app


async def palette(pilot: Any, text: str) -> None:
    await run_palette(pilot, text)
    await settle(pilot)


def line_of(table: ModelTable, model_id: str) -> str:
    """The table's line of `model_id` as the user sees it (scrolled into view)."""
    index = next(i for i, row in enumerate(table.rows) if row[MODEL_ID] == model_id)
    table.scroll_to(y=index, animate=False, immediate=True)
    return table.render_line(index - int(table.scroll_offset.y) + 1).text


def segments(table: ModelTable, model_id: str) -> list[Segment]:
    index = next(i for i, row in enumerate(table.rows) if row[MODEL_ID] == model_id)
    table.scroll_to(y=index, animate=False, immediate=True)
    return list(table.render_line(index - int(table.scroll_offset.y) + 1))


def cell(table: ModelTable, model_id: str, key: str) -> Segment:
    """The segment of column `key` on the line of `model_id` (a model without the mark: one per column)."""
    return segments(table, model_id)[table.visible_columns().index(key)]


def by_group(rows: list[Row]) -> list[list[Row]]:
    """The rows listed by the user's providers, then the catalog entries: each sorted on its own."""
    return [[r for r in rows if r[AVAILABLE]], [r for r in rows if not r[AVAILABLE]]]


async def test_release_cutoff_and_weights_columns_are_off_until_turned_on_and_show_a_dim_dash_when_unknown(facts_app: Any) -> None:
    app = facts_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = app.main.table
        header = table.render_line(0).text
        assert "Released" not in header and "Cutoff" not in header and "Weights" not in header
        await palette(pilot, "column: show release date")
        await palette(pilot, "column: show knowledge cutoff")
        await palette(pilot, "column: show open weights")
        header = table.render_line(0).text
        assert "Released" in header and "Cutoff" in header and "Weights" in header
        assert header.index("Released") < header.index("Cutoff") < header.index("Weights")
        gpt4o = line_of(table, "gpt-4o")
        assert "2024-05-13" in gpt4o and "2023-10" in gpt4o and "closed" in gpt4o
        assert "2025-08-05" in line_of(table, "gpt-oss-120b") and "open" in line_of(table, "gpt-oss-120b")
        hostile = line_of(table, "grok-3")
        assert "\\x1b]52;c" in hostile and "\x1b" not in hostile and "\x07" not in hostile  # shown, never acted on
        whisper = line_of(table, "whisper-1")
        assert whisper.count("—") >= 3  # none of the three stated: a dash each, never a guess
        await pilot.press("down")  # the cursor away from whisper-1, whose dashes are then dimmed
        muted = table._resolved("unknown").color
        for key in ("released", "knowledge", "open_weights"):
            shown = cell(table, "whisper-1", key)
            assert shown.text.strip() == "—" and shown.style is not None and shown.style.color == muted
            stated = cell(table, "gemini-2.5-flash", key)
            assert stated.text.strip() != "—" and stated.style is not None and stated.style.color != muted

        await palette(pilot, "column: hide open weights")
        assert "Weights" not in table.render_line(0).text and "Released" in table.render_line(0).text


async def test_sorting_by_release_date_puts_models_without_one_last_in_both_directions(facts_app: Any) -> None:
    app = facts_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = app.main.table
        await palette(pilot, "sort: by release date")  # sorting by a hidden column shows it
        assert table.sort_key == "released" and "Released▲" in table.render_line(0).text
        for group in by_group(list(table.rows)):
            dates = [r[RELEASED] for r in group]
            known = [d for d in dates if isinstance(d, str)]
            assert known == sorted(known) and dates == known + [None] * (len(dates) - len(known))
        assert shown_ids(app)[:4] == ["gpt-4o", "o3", "gemini-2.5-flash", "gpt-oss-120b"]
        await pilot.press("S")
        await pilot.pause()
        listed = by_group(list(table.rows))[0]
        assert [r[MODEL_ID] for r in listed[:4]] == ["gpt-oss-120b", "gemini-2.5-flash", "o3", "gpt-4o"]
        assert listed[-1][RELEASED] is None  # unknown still last
        await palette(pilot, "sort: by open weights")
        assert table.sort_key == "open_weights" and shown_ids(app)[:3] == ["gpt-oss-120b", "gemini-2.5-flash", "gpt-4o"]
        await palette(pilot, "column: hide open weights")  # hiding the sorted column: back to the model id
        assert table.sort_key == "model" and "Weights" not in table.render_line(0).text


async def test_a_model_whose_sources_disagree_has_a_mark_after_its_id_legible_without_colour_and_in_a_light_theme(
    facts_app: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = facts_app('[ui]\ntheme = "textual-light"\n')
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        table = app.main.table
        assert "gpt-4o ≠" in line_of(table, "gpt-4o")
        # A damaged record is marked too, as `models list --disputed` lists it (the detail says it cannot be read).
        assert [r[MODEL_ID] for r in table.rows if "≠" in line_of(table, r[MODEL_ID])] == ["gpt-4o", "gpt-4o-mini", "o3"]
        await pilot.press("end")  # the cursor away from gpt-4o
        mark = next(seg.style for seg in segments(table, "gpt-4o") if seg.text == "≠")
        background = table.rich_style.bgcolor
        assert mark is not None and mark.color is not None and background is not None
        assert contrast(mark.color.get_truecolor().hex, background.get_truecolor().hex) >= 4.5
    app = facts_app()
    async with app.run_test(size=(80, 24)) as pilot:  # a narrow table: the id gives way to the mark
        await settle(pilot)
        app.main.table.styles.width = 30
        await pilot.pause()
        assert "≠" in line_of(app.main.table, "gpt-4o")


async def test_is_words_and_the_palette_keep_disputed_open_or_closed_weight_models_and_the_key_list_explains_them(facts_app: Any) -> None:
    app = facts_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"is:disputed")
        await pilot.pause()
        assert shown_ids(app) == ["gpt-4o", "gpt-4o-mini", "o3"]
        await pilot.press(*" mini")  # with a text word: both apply
        await pilot.pause()
        assert shown_ids(app) == ["gpt-4o-mini"]
        app.main.query_one("#filter").value = ""
        await pilot.press(*"is:open")  # a word being typed filters nothing yet
        await pilot.pause()
        assert len(shown_ids(app)) == app.main.total
        await pilot.press(*"-weights")
        await pilot.pause()
        assert shown_ids(app) == ["gpt-oss-120b"]
        app.main.query_one("#filter").value = "is:closed-weights GEMINI"
        await pilot.pause()
        assert shown_ids(app) == ["gemini-2.5-flash"]
        await pilot.press("escape")  # clear the filter
        await palette(pilot, "filter: sources disagree")  # the same filters from the palette, named in the filter bar
        assert shown_ids(app) == ["gpt-4o", "gpt-4o-mini", "o3"]
        assert "sources disagree" in str(app.main.query_one("#filter-status").content)
        await palette(pilot, "filter: open weights")
        assert shown_ids(app) == []
        await pilot.press("0")
        await pilot.pause()
        assert len(shown_ids(app)) == app.main.total
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = text_of(app.screen.query_one("#help-keys"), 130)
        assert "is:disputed" in keys and "is:open-weights" in keys and "is:closed-weights" in keys
        assert "disagree" in keys


async def test_the_preview_shows_release_cutoff_and_weights_with_their_source_and_which_fields_are_disputed(facts_app: Any) -> None:
    app = facts_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"gpt-4o", "enter")
        await pilot.pause()
        assert app.main.table.current[MODEL_ID] == "gpt-4o"
        strip = text_of(app.main.query_one("#preview", PreviewPane), 200)
        assert "released 2024-05-13, knowledge cutoff 2023-10, open weights: no (models.dev)" in strip
        assert "≠ sources disagree on input price, context length" in strip
        app.main.query_one("#filter").value = "o3"
        await pilot.pause()
        strip = text_of(app.main.query_one("#preview", PreviewPane), 200)
        assert "released 2025-04-16 ([bold red]evil[/]\\x1b[31m)" in strip  # a source name is inert: shown, never styling
        assert "\x1b" not in strip and "≠ sources disagree on output price" in strip
        app.main.query_one("#filter").value = "whisper"
        await pilot.pause()
        strip = text_of(app.main.query_one("#preview", PreviewPane), 200)
        assert "released" not in strip and "weights" not in strip  # nothing stated: nothing shown

    app = facts_app()
    async with app.run_test(size=(160, 45)) as pilot:  # wide: the details column, one fact per line
        await settle(pilot)
        app.main.query_one("#filter").value = "gpt-4o"
        await pilot.pause()
        details = app.main.query_one("#details", PreviewPane)
        pane = text_of(details, details.content_region.width)
        assert "Released   2024-05-13 (models.dev)" in pane and "Cutoff     2023-10 (models.dev)" in pane
        assert "Weights    closed (models.dev)" in pane
        disputes = pane[pane.index("≠ Sources disagree"):].splitlines()
        assert [line.rstrip() for line in disputes[1:7]] == [
            "  input price", "    LiteLLM     $2.50", "    models.dev  $3.00",
            "  context length", "    LiteLLM     128,000", "    models.dev  131,072",
        ]


async def test_the_detail_screen_names_each_facts_source_lists_the_disagreements_and_a_price_only_one_source_states(facts_app: Any) -> None:
    app = facts_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        app.open_model("openai", "gpt-4o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        basic = text_of(screen.query_one("#sec-basic"))
        for line in ("Released          2024-05-13 (models.dev)", "Knowledge cutoff  2023-10 (models.dev)",
                     "Last updated      2024-08-06 (models.dev)", "Open weights      no (models.dev)"):
            assert line in basic, line
        disputes = screen.query_one("#sec-disputes")
        assert disputes.display and disputes.border_title == "≠ Sources disagree"
        shown = text_of(disputes)
        assert "LiteLLM" in shown and "models.dev" in shown and "In use" in shown
        assert [" ".join(line.split()) for line in shown.splitlines() if line.strip().startswith(("input", "context"))] == [
            "input price $2.50 $3.00 $2.50 (litellm)",
            "context length 128,000 131,072 128,000 (provider)",
        ]
        assert "Input ≠" in text_of(screen.query_one("#sec-pricing"))
        await pilot.press("escape")
        await pilot.pause()

        app.open_model("openai", "o3")
        await settle(pilot)
        basic = text_of(app.screen.query_one("#sec-basic"))
        assert "2025-04-16 ([bold red]evil[/]\\x1b[31m)" in basic and "\x1b" not in basic  # shown as text, not as style
        assert "[blink]feed[/]" in text_of(app.screen.query_one("#sec-disputes"))
        await pilot.press("escape")
        await pilot.pause()

        app.open_model("openai", "gpt-4o-mini")  # a damaged record: said so, no values made up
        await settle(pilot)
        assert "cannot be read" in text_of(app.screen.query_one("#sec-disputes"))
        await pilot.press("escape")
        await pilot.pause()

        app.open_model("openai", "gemini-2.5-flash")
        await settle(pilot)
        assert app.screen.query_one("#sec-disputes").display is False  # the sources agree: no section
        await pilot.press("escape")
        await pilot.pause()

        app.open_model("anthropic", "claude-3-5-haiku-20241022")
        await settle(pilot)
        pricing = text_of(app.screen.query_one("#sec-pricing"))
        assert "source: models.dev" in pricing and "Stated by models.dev alone" in pricing
        assert "Released" not in text_of(app.screen.query_one("#sec-basic"))  # unknown: not shown, never guessed


async def test_the_extra_columns_start_as_the_config_names_them_and_the_settings_screen_saves_the_sessions(
    make_app: Callable[..., Any], tui_store: Any
) -> None:
    from pathlib import Path

    from textual.widgets import Checkbox

    from aisync_tui.tui.screens.settings import SettingsScreen

    add_facts()
    app = make_app('[ui]\ncolumns = ["cutoff"]  # what I compare\n')
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = app.main.table
        header = table.render_line(0).text
        assert "Cutoff" in header and "Released" not in header and "Weights" not in header
        await palette(pilot, "column: show release date")
        await palette(pilot, "sort: by knowledge cutoff")
        assert table.sort_key == "knowledge"

        await pilot.press("comma")  # the settings screen offers what the table shows now
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        boxes = {name: screen.query_one(f"#column-{name}", Checkbox).value for name in ("released", "cutoff", "open_weights")}
        assert boxes == {"released": True, "cutoff": True, "open_weights": False}
        screen.query_one("#column-cutoff", Checkbox).value = False
        screen.query_one("#column-open_weights", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = Path("config.toml").read_text()
        assert 'columns = ["released", "open_weights"]  # what I compare' in saved
        await pilot.press("escape")
        await settle(pilot)
        header = table.render_line(0).text
        assert "Released" in header and "Weights" in header and "Cutoff" not in header
        assert table.sort_key == "model"  # the sorted column went: back to the model id

    from aisync_tui.config import load_settings

    again = make_app(settings=load_settings(Path("config.toml"), database="aisync.db"))  # the next start
    async with again.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        header = again.main.table.render_line(0).text
        assert "Released" in header and "Weights" in header and "Cutoff" not in header
