"""The main screen: provider pane | filter bar, virtual model table, preview pane."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from ...render.inert import inert
from .. import format as fmt
from ..catalog import (
    AVAILABILITY_CYCLE,
    CAPABILITY_FILTERS,
    OPTIONAL_KEYS,
    SORT_CYCLE,
    SORT_KEYS,
    TYPE_CYCLE,
    WORKLOAD,
    CatalogView,
    Filters,
    RowKey,
    optional_keys,
    row_key,
)
from ..host import host
from ..widgets.model_table import ModelTable
from ..widgets.preview_pane import PreviewPane
from ..widgets.provider_pane import ProviderPane, provider_entries

if TYPE_CHECKING:
    from datetime import datetime

    from ...choose.cost import Workload
    from ...config import Settings
    from ...store.queries import ProviderRow
    from ..catalog import Row


class FilterInput(Input):
    BINDINGS = [
        Binding("escape", "leave(True)", "Clear", id="filter.clear", tooltip="Clear the filter and go back to the table."),
        Binding("enter,down", "leave(False)", "To table", id="filter.done", tooltip="Keep the filter and go back to the table."),
    ]

    def action_leave(self, clear: bool) -> None:
        if clear:
            self.value = ""
        self.screen.query_one(ModelTable).focus()


class MainScreen(Screen[None]):
    BINDING_GROUP_TITLE = "Catalog"
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="filter.focus", tooltip="Filter the models by id or name as you type."),
        Binding("t", "cycle_type", "Type", id="filter.type", tooltip="Cycle the type filter: all, chat, embedding, image, ..."),
        Binding("a", "toggle_active", "Active", show=False, id="filter.active", tooltip="Show only active models (or all)."),
        Binding("v", "cycle_available", "Avail.", show=False, id="filter.available",
                tooltip="Cycle: all models, only those your providers list, only catalog entries."),
        Binding("1", "toggle_capability('vision')", "Vision", show=False, id="filter.vision", tooltip="Only models with vision."),
        Binding("2", "toggle_capability('tools')", "Tools", show=False, id="filter.tools", tooltip="Only models with tool calling."),
        Binding("3", "toggle_capability('reasoning')", "Reasoning", show=False, id="filter.reasoning", tooltip="Only reasoning models."),
        Binding("s", "next_sort", "Sort", id="sort.next", tooltip="Sort by the next column."),
        Binding("S", "reverse_sort", "Reverse", show=False, id="sort.reverse", tooltip="Reverse the sort direction."),
        Binding("c", "copy_id", "Copy id", show=False, id="model.copy", tooltip="Copy the highlighted model's id."),
        Binding("f", "focus_providers", "Providers", show=False, id="focus.providers", tooltip="Move to the provider pane."),
        Binding("0", "clear_filters", "Clear filters", show=False, id="filter.clear-all",
                tooltip="Clear every filter: search text, provider, type, active, availability, capabilities."),
        Binding("ctrl+b", "toggle_pane", "Pane", show=False, id="view.pane", tooltip="Hide or show the provider pane."),
        Binding("space", "mark", "Mark", show=False, id="compare.mark", tooltip="Mark the highlighted model for comparison (again: unmark)."),
        Binding("equals_sign", "compare", "Compare", show=False, id="compare.open", tooltip="Compare the marked models side by side."),
    ]
    WIDE = 140
    """From this width on, the highlighted model's details are a third column, not a strip."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.view = CatalogView()
        self.loaded = False
        """Rows are shown (at start-up maybe only the first screenful)."""
        self.complete = False
        """The whole catalog is loaded."""
        self._partial_total: int | None = None
        self.provider_rows: list[ProviderRow] = []
        self._status_text = ""
        self.marked: list[RowKey] = []
        """Models marked for the comparison screen, in marking order."""
        self.last_timing: dict[str, float] = {}
        """Seconds the last load / filter / sort took on the UI thread (shown nowhere; for tests and bench)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ProviderPane(id="providers")
            with Vertical(id="right"):
                with Horizontal(id="filter-bar"):
                    yield FilterInput(placeholder="/ filter by id or name", id="filter")
                    yield Static("", id="filter-status")
                yield ModelTable(per=self.settings.pricing.per, id="models")
                yield PreviewPane(per=self.settings.pricing.per, id="preview")
            yield PreviewPane(per=self.settings.pricing.per, id="details", wide=True)
        yield Footer()

    def on_mount(self) -> None:
        self.set_class(self.size.width >= self.WIDE, "-wide")
        self.query_one(ModelTable).focus()
        self.table.set_optional(optional_keys(self.settings.ui.columns))  # the config's extra columns
        # Read the store only once the table exists to receive the rows.
        host(self).load_catalog(first=True)

    @property
    def table(self) -> ModelTable:
        return self.query_one(ModelTable)

    @property
    def pane(self) -> PreviewPane:
        """The highlighted model's details: the third column when wide, the strip otherwise."""
        return self.query_one("#details" if self.has_class("-wide") else "#preview", PreviewPane)

    NARROW = 80
    """Below this width the provider pane starts hidden (the table needs the room); f or ctrl+b shows it."""
    pane_chosen: bool = False
    """The user showed or hid the pane: the width no longer decides."""

    def on_resize(self) -> None:
        if not self.pane_chosen:
            self.query_one(ProviderPane).display = self.size.width >= self.NARROW
        wide = self.size.width >= self.WIDE
        if wide != self.has_class("-wide"):
            self.set_class(wide, "-wide")
            self.pane.show(self.table.current)
        self._size_provider_pane()

    def _size_provider_pane(self) -> None:
        """As wide as its longest line (a key variable in full), within a share of the screen."""
        pane = self.query_one(ProviderPane)
        limit = max(24, int(self.size.width * (0.34 if self.size.width >= 100 else 0.3)))
        width = min(pane.wanted_width(), limit)
        if pane.styles.width is None or pane.styles.width.value != width:
            pane.styles.width = width

    # ------------------------------------------------------------------ data

    def load(
        self, rows: list[Row], providers: list[ProviderRow], syncing: set[str], *,
        complete: bool = True, total: int | None = None, hay: dict[int, str] | None = None,
    ) -> None:
        """Show `rows`. complete=False: only the first screenful at start-up, of `total` models;
        filters and sorts apply to it now and to the whole catalog when it arrives."""
        start = time.perf_counter()
        keep = self._current_key()
        self.view.load(rows, hay)
        self.loaded = True
        self.complete = complete
        self._partial_total = None if complete else total
        self.provider_rows = providers
        self.refresh_providers(syncing)
        self._show(keep)
        self.last_timing["load"] = time.perf_counter() - start

    @property
    def total(self) -> int:
        """Models in the store (while loading, not only those read so far)."""
        return self.view.total if self._partial_total is None else self._partial_total

    def refresh_providers(self, syncing: set[str]) -> None:
        pane = self.query_one(ProviderPane)
        pane.set_entries(provider_entries(self.settings, self.provider_rows, syncing), self.total)
        self._size_provider_pane()

    def set_per(self, per: str) -> None:
        self.table.per = per
        for pane in self.query(PreviewPane):
            pane.per = per
        self.table.refresh()
        self.pane.show(self.table.current)

    def _current_key(self) -> RowKey | None:
        row = self.table.current
        return row_key(row) if row is not None else None

    def _show(self, keep: RowKey | None = None) -> None:
        table = self.table
        if self.total:
            table.empty_text = "No models match these filters: press 0 to clear them."
        elif not host(self).seed_done.is_set():
            table.empty_text = "Loading the bundled catalog…"
        else:
            table.empty_text = "The store has no models yet: sync a provider (R) or the price catalog (p)."
        table.show(self.view.rows, sort=self.view.sort, descending=self.view.descending, keep=keep)
        # In the same frame as the table (its Highlighted message would repaint the pane in a
        # second frame; the pane skips a row it already shows).
        self.pane.show(table.current)
        self._update_status()

    def _update_status(self) -> None:
        # The count first: a narrow bar cuts the filters, never the count.
        parts = [f"{len(self.view.rows):,}/{self.total:,}"]
        if not self.complete:
            parts.append("loading…")
        if self.view.filters.provider is not None:
            parts.append(f"provider: {inert(self.view.filters.provider, 30)}")
        parts.extend(self.view.filters.describe())
        if len(parts) > 1 + (not self.complete):
            parts.append("0 clears")
        text = " · ".join(parts)
        # The status is as wide as its text: lay the bar out again only when that width changes
        # (a layout repaints most of the screen; "1,234/50,000" -> "987/50,000" needs it, a new
        # count of the same width does not).
        self.query_one("#filter-status", Static).update(text, layout=cell_len(text) != cell_len(self._status_text))
        self._status_text = text

    def apply_filters(self, filters: Filters) -> None:
        start = time.perf_counter()
        keep = self._current_key()
        self.view.set_filters(filters)
        self._show(keep)
        self.last_timing["filter"] = time.perf_counter() - start

    def set_workload(self, workload: Workload | None) -> None:
        """Show (or, with None, remove) the Workload $ column for this workload."""
        from ..catalog import workload_column

        column = None if workload is None else workload_column(workload.input_tokens, workload.output_tokens, workload.requests)
        keep = self._current_key()
        self.view.set_workload(column)
        self.table.set_workload(column)
        self._show(keep)

    @property
    def shown_columns(self) -> frozenset[str]:
        """The optional columns on (Released, Cutoff, Weights): off until the user turns them on."""
        return self.table.shown_optional

    def toggle_column(self, key: str) -> None:
        """Show or hide an optional column; hiding the one the table is sorted by sorts by model id."""
        self.show_columns(self.shown_columns ^ {key})

    def show_columns(self, shown: frozenset[str]) -> None:
        """Show exactly these optional columns (the settings screen's choice, the config's at start)."""
        if shown == self.shown_columns:
            return
        self.table.set_optional(shown)
        if self.view.sort in OPTIONAL_KEYS and self.view.sort not in shown:
            self.sort_by("model", False)
        elif self.loaded:
            self._show(self._current_key())

    def sort_by(self, key: str, descending: bool | None = None) -> None:
        if key in OPTIONAL_KEYS and key not in self.shown_columns:
            self.table.set_optional(self.shown_columns | {key})  # sorting by a column shows it
        start = time.perf_counter()
        keep = self._current_key()
        self.view.set_sort(key, descending)
        self._show(keep)
        self.last_timing["sort"] = time.perf_counter() - start  # the header's arrow says it: no notification

    # ------------------------------------------------------------------ events

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filters(self.view.filters.with_(search=event.value))

    @on(ProviderPane.Chosen)
    def _provider_chosen(self, event: ProviderPane.Chosen) -> None:
        if self.view.filters.provider != event.slug:
            self.apply_filters(self.view.filters.with_(provider=event.slug))

    @on(ModelTable.Highlighted)
    def _highlighted(self, event: ModelTable.Highlighted) -> None:
        self.pane.show(event.row)

    @on(ModelTable.Selected)
    def _selected(self, event: ModelTable.Selected) -> None:
        host(self).open_model(*event.key)

    @on(ModelTable.HeaderClicked)
    def _header_clicked(self, event: ModelTable.HeaderClicked) -> None:
        self.sort_by(event.column)

    # ------------------------------------------------------------------ actions

    def action_focus_filter(self) -> None:
        # Synchronously (not widget.focus(), which defers): the keys typed right after "/" must
        # already land in the filter, not trigger the table's bindings.
        self.set_focus(self.query_one(FilterInput))

    def action_mark(self) -> None:
        from .compare import toggle_mark

        toggle_mark(self)

    def action_compare(self) -> None:
        from .compare import open_compare

        open_compare(self)

    def action_focus_providers(self) -> None:
        self.pane_chosen = True
        pane = self.query_one(ProviderPane)
        pane.display = True
        pane.focus()

    def action_toggle_pane(self) -> None:
        self.pane_chosen = True
        pane = self.query_one(ProviderPane)
        pane.display = not pane.display
        if not pane.display:
            self.table.focus()

    def action_clear_filters(self) -> None:
        self.query_one(FilterInput).value = ""
        self.go_provider(None)
        self.apply_filters(Filters())

    def action_cycle_type(self) -> None:
        current = self.view.filters.type
        i = TYPE_CYCLE.index(current) if current in TYPE_CYCLE else 0
        self.apply_filters(self.view.filters.with_(type=TYPE_CYCLE[(i + 1) % len(TYPE_CYCLE)]))

    def action_toggle_active(self) -> None:
        self.apply_filters(self.view.filters.with_(active=not self.view.filters.active))

    def action_cycle_available(self) -> None:
        i = AVAILABILITY_CYCLE.index(self.view.filters.available)
        self.apply_filters(self.view.filters.with_(available=AVAILABILITY_CYCLE[(i + 1) % len(AVAILABILITY_CYCLE)]))

    def action_toggle_capability(self, label: str) -> None:
        cap = CAPABILITY_FILTERS[label]
        caps = set(self.view.filters.capabilities)
        caps.symmetric_difference_update({cap})
        self.apply_filters(self.view.filters.with_(capabilities=frozenset(caps)))

    def action_next_sort(self) -> None:
        """The next column on screen (hidden columns at this width are skipped)."""
        shown = [k for k in self.table.visible_columns() if k in SORT_KEYS or k == WORKLOAD] or list(SORT_CYCLE)
        i = shown.index(self.view.sort) if self.view.sort in shown else -1
        self.sort_by(shown[(i + 1) % len(shown)], False)

    def action_reverse_sort(self) -> None:
        self.sort_by(self.view.sort, not self.view.descending)

    def action_copy_id(self) -> None:
        row = self.table.current
        if row is not None:
            model_id = row_key(row)[1]
            self.app.copy_to_clipboard(model_id)
            self.app.notify(f"Copied {inert(model_id, 80)}", timeout=2, markup=False)

    def go_provider(self, slug: str | None) -> None:
        self.query_one(ProviderPane).select_slug(slug)
        self.apply_filters(self.view.filters.with_(provider=slug))

    def header_subtitle(self, store_location: str, last_sync: datetime | None) -> str:
        return f"{store_location} · last sync {fmt.ago(last_sync)}"
