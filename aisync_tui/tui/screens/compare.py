"""Side-by-side comparison of the models marked on the main screen (`space` marks, `=` opens):
every price component, context, max output, capabilities as `models info` words them (✓ stated
yes, ✗ stated no, ? unknown), release facts, dates, and what a workload typed here costs on each
(the same arithmetic as `aisync cost`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from ...choose.cost import Workload, component_label, quote
from ...domain import (
    CAPABILITIES,
    CAPABILITY_LABELS,
    COMPONENT_LABELS,
    PRICE_COMPONENTS,
    TOKEN_COMPONENTS,
    Price,
)
from ...render import money
from ...render.inert import inert
from ...render.model_text import CapabilityState, capability_mark, capability_said, capability_states
from .. import format as fmt
from ..catalog import FACT_LABELS, UNKNOWN, facts_of
from ..palette import PLAIN, Palette, palette_for
from .detail import capability_style

if TYPE_CHECKING:
    from decimal import Decimal

    from ...store.queries import ModelDetail
    from .main import MainScreen

#: More columns than this do not fit side by side on a terminal.
MAX_MODELS = 6


def parse_workload(text: str) -> Workload | None:
    """"5000/1000" (input/output tokens per request) or "5000/1000x100" (times 100 requests).
    None for empty text; ValueError with what to type for anything else."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned:
        return None
    match = re.fullmatch(r"(\d{1,15})\s*/\s*(\d{1,15})(?:\s*[x×*]\s*(\d{1,15}))?", cleaned)
    if match is None:
        raise ValueError("type input/output tokens per request, optionally × requests: 5000/1000x100")
    w = Workload(input_tokens=int(match[1]), output_tokens=int(match[2]), requests=int(match[3] or 1))
    problems = w.problems()
    if problems:
        raise ValueError(problems[0])
    return w


def toggle_mark(screen: MainScreen) -> None:
    """Mark (or unmark) the main screen's highlighted model."""
    from ..catalog import row_key

    row = screen.table.current
    if row is None:
        return
    key = row_key(row)
    marked = screen.marked
    if key in marked:
        marked.remove(key)
        verb = "Unmarked"
    elif len(marked) >= MAX_MODELS:
        screen.app.notify(f"At most {MAX_MODELS} models side by side; unmark one first", severity="warning", timeout=3)
        return
    else:
        marked.append(key)
        verb = "Marked"
    screen.app.notify(f"{verb} {inert(key[1], 60)} ({inert(key[0], 30)}): {len(marked)} marked, = compares", timeout=2)


def open_compare(screen: MainScreen) -> None:
    """Open the comparison of the marked models (or of the highlighted one when none is marked)."""
    from ..catalog import row_key

    keys = list(screen.marked)
    if not keys and screen.table.current is not None:
        keys = [row_key(screen.table.current)]
    if not keys:
        screen.app.notify("Mark models with space, then press = to compare them", timeout=3)
        return
    screen.app.push_screen(CompareScreen(keys, per=screen.settings.pricing.per))


class CompareScreen(Screen[None]):
    DEFAULT_CSS = """
    CompareScreen #compare-bar { height: 3; }
    CompareScreen #compare-workload { width: 1fr; }
    CompareScreen #compare-workload-status { width: auto; max-width: 70; padding: 1 1; }
    CompareScreen #compare-body { height: 1fr; padding: 0 1; }
    """
    BINDING_GROUP_TITLE = "Compare"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="compare.back", tooltip="Back to the model list."),
        Binding("w", "focus_workload", "Workload", id="compare.workload", tooltip="Type a workload to see its cost on each model."),
    ]

    def __init__(self, keys: Sequence[tuple[str, str]], *, per: str = "1m", workload: Workload | None = None) -> None:
        super().__init__()
        self.keys = list(keys)[:MAX_MODELS]
        self.per = per
        self.workload = workload
        self.details: list[ModelDetail | None] = []
        """ModelDetail per key (None for a model no longer in the store), once loaded."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="compare-bar"):
            yield Input(placeholder="w: workload, input/output tokens per request × requests (5000/1000x100)", id="compare-workload")
            yield Static("", id="compare-workload-status")
        with VerticalScroll(id="compare-body"):
            yield Static(Text("Loading…", style="dim"), id="compare-table")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{len(self.keys)} models side by side"
        self.query_one("#compare-body").focus()
        # Another theme: draw again in its colours.
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self._load()

    def _theme_changed(self) -> None:
        if self.details:
            self.show(self.details)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _load(self) -> None:
        from ...store.queries import get_model

        details = [get_model(model_id, provider) for provider, model_id in self.keys]
        self.app.call_from_thread(self.show, details)

    def show(self, details: list[ModelDetail | None]) -> None:
        self.details = details
        table = comparison_table(self.keys, details, self.per, self.workload, palette_for(self.app))
        self.query_one("#compare-table", Static).update(table)

    @on(Input.Submitted, "#compare-workload")
    @on(Input.Changed, "#compare-workload")
    def _workload_typed(self, event: Input.Changed | Input.Submitted) -> None:
        status = self.query_one("#compare-workload-status", Static)
        try:
            self.workload = parse_workload(event.value)
        except ValueError as exc:
            status.update(Text(str(exc), style=palette_for(self.app).err))
            return
        status.update("")
        if self.details:
            self.show(self.details)

    def action_focus_workload(self) -> None:
        self.set_focus(self.query_one("#compare-workload", Input))


def _price_cell(component: str, value: Decimal | None, per: str) -> str:
    if component in TOKEN_COMPONENTS:
        return money.token_price(value, per)
    return money.usd(value)


def _capability_cell(state: CapabilityState, palette: Palette) -> Text:
    """"✓ (provider)", "✗ (provider)" or "? unknown": the mark and source `models info` shows."""
    if state.stated is None:
        return Text(f"{capability_mark(state)} unknown", style=palette.muted)
    return Text(capability_mark(state) + capability_said(state), style=capability_style(state, palette))


def comparison_table(
    keys: Sequence[tuple[str, str]], details: Sequence[ModelDetail | None], per: str, workload: Workload | None,
    palette: Palette = PLAIN,
) -> Table:
    """One column per model, one row per attribute."""
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=False)
    t.add_column("", style="bold", no_wrap=True)
    for provider, model_id in keys:
        t.add_column(Text(f"{inert(model_id, 40)}\n{inert(provider, 30)}"), justify="right")

    def row(label: str, cells: Sequence[str | Text]) -> None:
        t.add_row(label, *cells)

    row("Status", [d.status if d else Text("not in the store", style=palette.err) for d in details])
    row("Type", [d.type if d else "" for d in details])
    row("Context", [fmt.tokens(d.context_length) if d else "" for d in details])
    row("Max output", [fmt.tokens(d.max_output_tokens) if d else "" for d in details])
    unit = money.UNIT_LABEL[per]
    prices = [d.price.price if d is not None and d.price is not None else None for d in details]
    for component in PRICE_COMPONENTS:
        if any(p is not None and getattr(p, component) is not None for p in prices):
            label = f"{COMPONENT_LABELS[component]} /{unit}" if component in TOKEN_COMPONENTS else component_label(component)
            row(label, [_price_cell(component, getattr(p, component), per) if p is not None else "—" for p in prices])
    if any(p is not None and (p.tiers or p.tiers_unreadable) for p in prices):
        row("Long context", [_long_context(p) for p in prices])
    if workload is not None:
        cells: list[str | Text] = []
        for p in prices:
            q = quote(p, workload)
            if q.cost is not None:
                cells.append(Text(money.usd(q.cost), style="bold"))
            else:
                cells.append(Text("no " + ", ".join(component_label(c).lower() for c in q.missing) + " price", style=palette.warn))
        row(f"Workload $ ({workload.input_tokens:,}/{workload.output_tokens:,} ×{workload.requests:,})", cells)
    t.add_section()
    # A capability no model here has a word on is left out: a row of "unknown" compares nothing.
    known = [{state.name: state for state in capability_states(d.capabilities, d.field_sources)} if d else None for d in details]
    for cap in CAPABILITIES:
        said = [states[cap] if states is not None else None for states in known]
        if any(state is not None and state.stated is not None for state in said):
            row(CAPABILITY_LABELS[cap], [_capability_cell(state, palette) if state is not None else "" for state in said])
    t.add_section()
    row("Created", [fmt.when(d.created_at) if d and d.created_at else "—" for d in details])
    facts = [{f.name: f for f in facts_of(d.released_at, d.knowledge_cutoff, d.open_weights, d.field_sources)} if d else None for d in details]
    for name, label in FACT_LABELS:
        shown: list[str | Text] = []
        for stated in facts:
            fact = stated.get(name) if stated is not None else None
            if fact is not None:
                shown.append(Text(fact.said))
            else:  # unknown: a dim dash, never a guess; nothing for a model no longer in the store
                shown.append(Text(UNKNOWN, style=palette.muted) if stated is not None else "")
        row(label, shown)
    row("Deprecated", [Text(fmt.when(d.deprecated_at), style=palette.warn) if d and d.deprecated_at else "—" for d in details])
    row("Price since", [fmt.when(d.price.effective_from) if d and d.price else "—" for d in details])
    row("Last synced", [fmt.when(d.last_synced_at) if d and d.last_synced_at else "—" for d in details])
    return t


def _long_context(price: Price | None) -> str:
    """The long-context thresholds of a price, "unreadable" when the store's record is damaged."""
    if price is None:
        return "—"
    if price.tiers_unreadable:
        return "unreadable"
    return ", ".join(f"> {fmt.tokens(tier.threshold)}" for tier in price.tiers) or "—"
