"""The preview modal: what a run would change. Nothing is written until the user confirms."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class PreviewModal(ModalScreen[bool]):
    """Dismisses with True to apply, False to drop the plan."""

    BINDINGS = [
        Binding("y", "confirm", "Apply", id="preview.apply", tooltip="Write these changes to the store."),
        Binding("escape,n", "dismiss(False)", "Cancel", id="preview.cancel", tooltip="Drop the plan; nothing is written."),
    ]

    def __init__(self, title: str, body: Text, *, can_apply: bool, apply_label: str = "Apply") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.can_apply = can_apply
        self.apply_label = apply_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog preview-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            with VerticalScroll(id="preview-body"):
                yield Static(self.body, id="preview-text")
            with Horizontal(classes="buttons"):
                if self.can_apply:
                    yield Button(f"{self.apply_label} (y)", variant="primary", id="preview-apply")
                yield Button("Cancel (esc)" if self.can_apply else "Close (esc)", id="preview-cancel")

    def on_mount(self) -> None:
        button = "#preview-apply" if self.can_apply else "#preview-cancel"
        self.query_one(button, Button).focus()

    def action_confirm(self) -> None:
        if self.can_apply:
            self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "preview-apply")
