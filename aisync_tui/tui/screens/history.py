"""Sync history: every run, its result, counts, duration and error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

from .. import format as fmt
from ..host import host

if TYPE_CHECKING:
    from ...store.queries import RunRow

STATUS_STYLE = {"ok": "bold", "failed": "bold reverse", "cancelled": "italic", "interrupted": "italic", "running": "bold", "dry_run": ""}
"""Styles that need no colour (legible in every theme and with NO_COLOR); the words say the result."""


class HistoryScreen(Screen[None]):
    BINDING_GROUP_TITLE = "Sync history"
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="history.back", tooltip="Back to the catalog."),
        Binding("enter", "open_run", "Run detail", id="history.open", tooltip="Every field of the highlighted run, the whole error included."),
        Binding("ctrl+r", "reload", "Reload", id="history.reload", tooltip="Read the runs again."),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.runs: dict[str, RunRow] = {}
        """The runs shown, by their row key."""

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable[str | Text] = DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a run: every field of it, the whole error included."""
        run = self.runs.get(str(event.row_key.value))
        if run is None:
            return
        from .error import ErrorModal

        lines = [
            f"{run.kind} sync of {run.provider or 'every provider'} · group {run.group or '—'}",
            f"Started {fmt.when(run.started_at)}, finished {fmt.when(run.finished_at) if run.finished_at else '—'}"
            f" (took {fmt.duration(run.duration)})",
            f"Result: {run.status}",
            f"Found {_count(run.found)} · added {_count(run.added)} · updated {_count(run.updated)} · unchanged {_count(run.unchanged)}"
            f" · missing {_count(run.missing)} · removed {_count(run.removed)} · prices changed {_count(run.prices_changed)}",
        ]
        if run.error:
            lines.append(f"Error ({run.error_kind or 'error'}): {run.error}")
        self.app.push_screen(ErrorModal(f"Run #{run.id}", "\n".join(lines), title_class="run-dialog"))

    def on_mount(self) -> None:
        self.sub_title = "sync history"
        table = self.query_one(DataTable)
        for label in ("Run", "When", "Kind", "Provider", "Result", "Found", "Added", "Updated", "Missing", "Removed", "Took", "Error"):
            table.add_column(label, key=label.lower())
        table.loading = True
        self.action_reload()

    def action_open_run(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.action_select_cursor()

    def action_reload(self) -> None:
        host(self).load_runs()

    def show(self, runs: list[RunRow]) -> None:
        table: DataTable[str | Text] = self.query_one(DataTable)
        table.loading = False
        table.clear()
        self.runs = {str(r.id): r for r in runs}
        for r in runs:
            table.add_row(
                Text(f"#{r.id}"), f"{fmt.when(r.started_at)} ({fmt.ago(r.started_at)})", Text(r.kind), fmt.plain(r.provider or "all"), Text(r.status, style=STATUS_STYLE.get(r.status, "")),
                _count(r.found), _count(r.added), _count(r.updated), _count(r.missing), _count(r.removed),
                fmt.duration(r.duration), fmt.plain(r.error or "", 80), key=str(r.id),
            )
        if not runs:
            self.notify("No runs yet: sync a provider with R.", timeout=3)
        table.focus()


def _count(n: int | None) -> str:
    """A run's count; "?" when the store's record of it is damaged."""
    return "?" if n is None else f"{n:,}"
