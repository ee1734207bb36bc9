"""Asked when the user quits while a run is going on: leaving cancels it (a transaction being
written rolls back; a plan is dropped). Stay is focused, so a stray Enter keeps the run."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class QuitPrompt(ModalScreen[bool]):
    BINDING_GROUP_TITLE = "Quit while a run is going on"
    BINDINGS = [
        Binding("escape", "dismiss(False)", "Stay", id="quit.stay", tooltip="Keep the run going."),
        Binding("ctrl+q", "dismiss(True)", "Quit", id="quit.confirm", tooltip="Cancel the run and leave now."),
    ]

    def __init__(self, title: str, phase: str) -> None:
        super().__init__()
        self.title_text = title
        self.phase = phase

    def compose(self) -> ComposeResult:
        what = ("its current batch rolls back; what was applied before stays" if self.phase == "applying"
                else "the plan is dropped; nothing is written")
        with Vertical(classes="dialog quit-dialog"):
            yield Static(Text(f"{self.title_text} is still running."), classes="dialog-title")
            yield Static(Text(f"Quit now? The run is cancelled: {what}."))
            with Horizontal(classes="buttons"):
                yield Button("Quit (ctrl+q)", variant="error", id="quit-yes")
                yield Button("Stay (esc)", variant="primary", id="quit-no")

    def on_mount(self) -> None:
        self.query_one("#quit-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "quit-yes")
