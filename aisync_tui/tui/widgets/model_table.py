"""The model table: a virtual table over the catalog that renders only the rows on screen.

Textual's DataTable measures every cell it is given on the UI thread (seconds at 10,000+ rows),
so this widget uses the Line API instead: `render_line(y)` formats the one row at that line,
from the plain tuples of `CatalogView.rows`. Loading, filtering or sorting 50,000 models only
swaps the list and repaints the visible lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...render.inert import inert
from .. import format as fmt
from ..catalog import (
    COLUMNS,
    CONTEXT,
    DISPUTE_MARK,
    INPUT,
    MAX_OUT,
    MODEL_ID,
    OPTIONAL_KEYS,
    OUTPUT,
    PROVIDER,
    STATUS,
    SYNCED,
    TYPE,
    UNKNOWN,
    Column,
    Row,
    RowKey,
    count_at,
    is_disputed,
    row_key,
    table_columns,
)

MODEL_MAX = 42
GAP = 1


def layout(width: int, columns: Sequence[Column] = COLUMNS) -> list[tuple[Column, int]]:
    """Columns that fit in `width`, each with its width; the model column absorbs the slack."""
    chosen: set[str] = {"model"}
    used = COLUMNS[0].width
    for col in sorted(columns[1:], key=lambda c: -c.priority):
        if used + GAP + col.width <= width:
            chosen.add(col.key)
            used += GAP + col.width
    out = []
    slack = max(0, width - used)
    model_width = min(COLUMNS[0].width + slack, MODEL_MAX)
    for col in columns:
        if col.key in chosen:
            out.append((col, model_width if col.key == "model" else col.width))
    # Any width left after capping the model column goes to the last column's padding.
    return out


class ModelTable(ScrollView, can_focus=True):
    """Keyboard: arrows, page up/down, home/end, enter. Mouse: click a row, double-click to open,
    click a header to sort by it (again to reverse)."""

    BINDING_GROUP_TITLE = "Model table"
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up", tooltip="Move to the previous model."),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down", tooltip="Move to the next model."),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.page-up", tooltip="Move up one screen."),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.page-down", tooltip="Move down one screen."),
        Binding("home,g", "jump(0)", "First", show=False, id="table.first", tooltip="Go to the first model."),
        Binding("end,G", "jump(-1)", "Last", show=False, id="table.last", tooltip="Go to the last model."),
        Binding("enter", "select", "Details", id="table.open", tooltip="Open the highlighted model's detail screen."),
    ]
    COMPONENT_CLASSES = {
        "model-table--header",
        "model-table--cursor",
        "model-table--cursor-blurred",
        "model-table--active",
        "model-table--missing",
        "model-table--deprecated",
        "model-table--catalog",
        "model-table--empty",
        "model-table--unknown",
        "model-table--disputed",
    }
    DEFAULT_CSS = """
    ModelTable {
        background: $background;
        scrollbar-gutter: stable;
        overflow-x: hidden;  /* columns fit the width: a horizontal bar would only scroll blanks */
    }
    ModelTable > .model-table--header { text-style: bold underline; color: $foreground; background: $background; }
    ModelTable > .model-table--cursor { background: $background; color: $foreground; text-style: bold reverse; }
    ModelTable > .model-table--cursor-blurred { background: $block-cursor-blurred-background; }
    ModelTable > .model-table--active { color: $status-ok; }
    ModelTable > .model-table--missing { color: $status-error; }
    ModelTable > .model-table--deprecated { color: $status-warning; }
    ModelTable > .model-table--catalog { color: $status-muted; }
    ModelTable > .model-table--empty { color: $status-muted; text-style: italic; }
    ModelTable > .model-table--unknown { color: $status-muted; }
    ModelTable > .model-table--disputed { color: $status-warning; }
    """

    cursor: reactive[int] = reactive(0, repaint=False, init=False)
    """Index of the highlighted row in the current rows."""

    class Highlighted(Message):
        def __init__(self, key: RowKey | None, row: Row | None) -> None:
            super().__init__()
            self.key = key
            self.row = row

    class Selected(Message):
        def __init__(self, key: RowKey, row: Row) -> None:
            super().__init__()
            self.key = key
            self.row = row

    class HeaderClicked(Message):
        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def __init__(self, *, per: str = "1m", id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: Sequence[Row] = ()
        self.sort_key = "model"
        self.descending = False
        self.per = per
        self.empty_text = "Loading the catalog…"
        self._layout_width = -1
        self._layout: list[tuple[Column, int]] = []
        self._on_painted: list[Callable[[], object]] = []
        self.workload: Column | None = None
        """The session workload's column, shown while one is set."""
        self.shown_optional: frozenset[str] = frozenset()
        """The optional columns the user turned on (catalog.OPTIONAL_COLUMNS)."""
        self._all_columns: Sequence[Column] = COLUMNS

    def set_workload(self, column: Column | None) -> None:
        self.workload = column
        self._set_columns()

    def set_optional(self, keys: frozenset[str]) -> None:
        self.shown_optional = keys
        self._set_columns()

    def _set_columns(self) -> None:
        self._all_columns = table_columns(self.workload, self.shown_optional)
        self._layout_width = -1
        self.refresh()

    # ------------------------------------------------------------------ data

    def show(self, rows: Sequence[Row], *, sort: str, descending: bool, keep: RowKey | None = None) -> None:
        """Display `rows`; the cursor stays on `keep` when it is still there."""
        self.rows = rows
        self.sort_key, self.descending = sort, descending
        index = None
        if keep is not None:
            for i, row in enumerate(rows):
                if row[MODEL_ID] == keep[1] and row[PROVIDER] == keep[0]:
                    index = i
                    break
        self._set_height(len(rows) + 1)
        new = index if index is not None else min(self.cursor, max(0, len(rows) - 1))
        self.set_reactive(ModelTable.cursor, new)
        self._scroll_to_cursor()
        self.refresh()
        self._post_highlight()

    def _set_height(self, height: int) -> None:
        """A new row count. Assigning `virtual_size` lays out the whole screen (and repaints every
        scrollbar on it, so nearly the whole screen) on each filter keystroke; the table's own size
        does not change, so only its scrollbar needs the new height. Textual still lays out when the
        scrollbar appears or goes (`show_vertical_scrollbar` is a layout reactive)."""
        size = Size(self.size.width, height)
        if size == self.virtual_size:
            return
        if not self.container_size or size.width != self.virtual_size.width:
            self.virtual_size = size
            return
        self.set_reactive(ModelTable.virtual_size, size)
        self._scroll_update(size)

    def when_painted(self, callback: Callable[[], object]) -> None:
        """Call `callback` (on the UI thread) once a frame with the current rows is rendered."""
        self._on_painted.append(callback)
        self.refresh()

    def _painted(self) -> None:
        callbacks, self._on_painted = self._on_painted, []
        for callback in callbacks:
            callback()

    @property
    def current(self) -> Row | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    # ------------------------------------------------------------------ cursor

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self._post_highlight()

    def _post_highlight(self) -> None:
        row = self.current
        self.post_message(self.Highlighted(row_key(row) if row else None, row))

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        page = self._page_height()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False, immediate=True)

    def _move_to(self, index: int) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(len(self.rows) - 1, index))

    def action_cursor(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * self._page_height())

    def action_jump(self, where: int) -> None:
        self._move_to(len(self.rows) - 1 if where < 0 else where)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(row_key(row), row))

    # ------------------------------------------------------------------ mouse

    def column_at(self, x: int) -> str | None:
        pos = 0
        for col, width in self._columns():
            if pos <= x < pos + width + GAP:
                return col.key
            pos += width + GAP
        return None

    async def _on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self.column_at(event.x)
            if column is not None:
                self.post_message(self.HeaderClicked(column))
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.rows):
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

    # ------------------------------------------------------------------ rendering

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self._scroll_to_cursor()

    def _columns(self) -> list[tuple[Column, int]]:
        width = self.scrollable_content_region.width
        if width != self._layout_width:
            self._layout = layout(width, self._all_columns)
            self._layout_width = width
        return self._layout

    def _cells(self, row: Row) -> dict[str, str]:
        per = self.per
        out = {
            "model": inert(row[MODEL_ID]),
            "provider": inert(row[PROVIDER]),
            "type": inert(row[TYPE]),
            "status": inert(row[STATUS]),
            "context": fmt.tokens(count_at(row, CONTEXT)),
            "max_output": fmt.tokens(count_at(row, MAX_OUT)),
            "input": fmt.price(row[INPUT], per),
            "output": fmt.price(row[OUTPUT], per),
            "tier": fmt.tier(row[INPUT], row[OUTPUT]),
            "synced": fmt.ago(row[SYNCED]) if row[SYNCED] is not None else "—",
        }
        for col in self._all_columns:
            if col.cell is not None:
                out[col.key] = col.cell(row)
        return out

    def _header_label(self, col: Column, width: int) -> str:
        label = col.label
        if col.key in ("input", "output"):
            label = label.replace("1M", "1K") if self.per == "1k" else label
        if col.key == self.sort_key:
            # The arrow always shows: the label gives way to it, not the other way round.
            label = f"{label[: max(1, width - 1)]}{'▼' if self.descending else '▲'}"
        return label

    def visible_columns(self) -> list[str]:
        """Keys of the columns shown at the current width (the sort key cycles through these)."""
        return [col.key for col, _ in self._columns()]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        columns = self._columns()
        if y == 0:
            style = base + self.get_component_rich_style("model-table--header")
            segments = []
            for col, w in columns:
                text = _fit(self._header_label(col, w), w, col.right)
                segments.append(Segment(text + " " * GAP, style))
            return Strip(segments).adjust_cell_length(width, style)
        index = int(self.scroll_offset.y) + y - 1
        if not self.rows:
            if y == 1:
                style = base + self.get_component_rich_style("model-table--empty")
                return Strip([Segment(" " + self.empty_text, style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        if self._on_painted:
            # After the frame being rendered now (the compositor renders it in one go).
            self.call_later(self._painted)
        cells = self._cells(row)
        line_style = base
        if index == self.cursor:
            name = "model-table--cursor" if self.has_focus else "model-table--cursor-blurred"
            line_style = base + self.get_component_rich_style(name)
        status_style = self._status_style(str(row[STATUS]))
        segments = []
        for col, w in columns:
            if col.key == "model" and is_disputed(row):
                segments += self._marked(cells["model"], w, line_style, index == self.cursor)
                continue
            text = _fit(cells[col.key], w, col.right)
            style = line_style
            if col.key == "status" and status_style is not None and index != self.cursor:
                style = line_style + status_style
            elif col.key in OPTIONAL_KEYS and cells[col.key] == UNKNOWN and index != self.cursor:
                style = line_style + self._resolved("unknown")
            segments.append(Segment(text + " " * GAP, style))
        return Strip(segments).adjust_cell_length(width, line_style)

    def _marked(self, model_id: str, width: int, style: Style, cursor: bool) -> list[Segment]:
        """The id with the mark of disagreeing sources right after it (the id gives way to it)."""
        head = _fit(model_id, max(1, width - 2), False).rstrip() if cell_len(model_id) + 2 > width else model_id
        pad = max(0, width - cell_len(head) - 2)
        mark_style = style if cursor else style + self._resolved("disputed")
        return [Segment(head + " ", style), Segment(DISPUTE_MARK, mark_style), Segment(" " * (pad + GAP), style)]

    def _resolved(self, name: str) -> Style:
        return Style(color=self.get_component_rich_style(f"model-table--{name}").color)

    def _status_style(self, status: str) -> Style | None:
        name = {"active": "active", "missing": "missing", "retired": "missing", "deprecated": "deprecated", "catalog": "catalog"}.get(status)
        if name is None:
            return None
        # The colour resolved against the table's background (a theme's muted text is partly
        # transparent; unresolved, it came out white on light grey in light themes).
        return Style(color=self.get_component_rich_style(f"model-table--{name}").color)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def _fit(text: object, width: int, right: bool) -> str:
    text = str(text)
    if cell_len(text) > width:
        return set_cell_size(text[: max(0, width - 1)], width - 1) + "…"
    pad = width - cell_len(text)
    return " " * pad + text if right else text + " " * pad
