"""Sync history: every run, its result, counts, duration and error."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

from .. import format as fmt

STATUS_STYLE = {"ok": "green", "failed": "red", "cancelled": "yellow", "interrupted": "yellow", "running": "cyan", "dry_run": "dim"}


class HistoryScreen(Screen[None]):
    BINDING_GROUP_TITLE = "Sync history"
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="history.back", tooltip="Back to the catalog."),
        Binding("ctrl+r", "reload", "Reload", id="history.reload", tooltip="Read the runs again."),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable[Any] = DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "sync history"
        table = self.query_one(DataTable)
        for label in ("When", "Kind", "Provider", "Result", "Found", "Added", "Updated", "Missing", "Removed", "Took", "Error"):
            table.add_column(label, key=label.lower())
        table.loading = True
        self.action_reload()

    def action_reload(self) -> None:
        self.app.load_runs()  # type: ignore[attr-defined]

    def show(self, runs: list[Any]) -> None:
        table = self.query_one(DataTable)
        table.loading = False
        table.clear()
        for r in runs:
            table.add_row(
                fmt.ago(r.started_at), Text(r.kind), fmt.plain(r.provider or "all"), Text(r.status, style=STATUS_STYLE.get(r.status, "")),
                f"{r.found:,}", f"{r.added:,}", f"{r.updated:,}", f"{r.missing:,}", f"{r.removed:,}",
                fmt.duration(r.duration), fmt.plain(r.error or "", 80, style="red"), key=str(r.id),
            )
        if not runs:
            self.notify("No runs yet: sync a provider with R.", timeout=3)
        table.focus()
