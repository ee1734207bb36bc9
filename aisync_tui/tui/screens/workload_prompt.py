"""Asks for a session workload (input/output tokens per request × requests), as the comparison
screen reads it: the main table then shows what it costs on every model."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ...choose.cost import Workload
from .compare import parse_workload


class WorkloadPrompt(ModalScreen["Workload | None"]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="workload.cancel", tooltip="Close without changing the workload.")]

    def __init__(self, current: Workload | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        w = self.current
        value = f"{w.input_tokens}/{w.output_tokens}x{w.requests}" if w is not None else ""
        with Vertical(classes="dialog"):
            yield Static("Workload", classes="dialog-title")
            yield Static(
                "Input/output tokens per request, optionally × requests (5000/1000x100). The model table "
                "gets a Workload $ column with what it costs on each model (blank where a price is unknown)."
            )
            yield Input(value=value, placeholder="5000/1000x100", id="workload-input")
            yield Static("", id="workload-error", classes="error-text")
            with Horizontal(classes="buttons"):
                yield Button("Set workload", variant="primary", id="workload-ok")
                yield Button("Cancel", id="workload-cancel")

    def on_input_submitted(self) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "workload-ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        error = self.query_one("#workload-error", Static)
        try:
            value = parse_workload(self.query_one(Input).value)
        except ValueError as exc:
            error.update(str(exc))
            return
        if value is None:
            error.update("Type input/output tokens per request, optionally × requests: 5000/1000x100")
            return
        self.dismiss(value)
