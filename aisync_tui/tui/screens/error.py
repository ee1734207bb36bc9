"""An error modal: one line saying what went wrong and what to do."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ...render.inert import inert


class ErrorModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close", id="error.close", tooltip="Close this message.")]

    def __init__(self, title: str, message: str, *, title_class: str = "error-dialog") -> None:
        super().__init__()
        self.dialog_class = title_class
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes=f"dialog {self.dialog_class}"):
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Static(Text(inert(self.message)), id="error-message")
            yield Button("Close (esc)", variant="error" if self.dialog_class == "error-dialog" else "default", id="error-close")

    def on_button_pressed(self) -> None:
        self.dismiss()
