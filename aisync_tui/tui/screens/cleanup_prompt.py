"""Asks for the cleanup cut-off date (default: 90 days ago)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from .. import format as fmt


def parse_cutoff(text: str) -> datetime | None:
    """YYYY-MM-DD (UTC midnight) or a number of days ago ("90" or "90d")."""
    value = text.strip().lower()
    if value.endswith("d") and value[:-1].isdigit():
        value = value[:-1]
    if value.isdigit():
        return fmt.now() - timedelta(days=int(value))
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC)


class CleanupPrompt(ModalScreen["datetime | None"]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cleanup.cancel", tooltip="Close without cleaning up.")]

    def compose(self) -> ComposeResult:
        default = (fmt.now() - timedelta(days=90)).strftime("%Y-%m-%d")
        with Vertical(classes="dialog"):
            yield Static("Clean up models", classes="dialog-title")
            yield Static(
                "Remove models that are missing, deprecated or not synced since this date (UTC midnight), or "
                "since this many days ago counted from now (0 means now, not today). You will see the list before "
                "anything is removed; usage records are never touched."
            )
            yield Input(value=default, placeholder="YYYY-MM-DD or days ago", id="cutoff")
            yield Static("", id="cutoff-error", classes="error-text")
            with Horizontal(classes="buttons"):
                yield Button("Plan cleanup", variant="primary", id="cutoff-ok")
                yield Button("Cancel", id="cutoff-cancel")

    def on_input_submitted(self) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cutoff-ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        value = parse_cutoff(self.query_one(Input).value)
        if value is None:
            self.query_one("#cutoff-error", Static).update("Write a date as YYYY-MM-DD, or a number of days such as 90.")
            return
        self.dismiss(value)
