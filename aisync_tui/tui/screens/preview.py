"""The preview modal: what a run would change. Nothing is written until the user applies it.

The plan has the focus, not the Apply button, and applying needs ctrl+y or the Apply button:
no single letter typed by someone who has not read the plan can confirm it."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..palette import Palette, palette_for


class PreviewModal(ModalScreen[bool]):
    """Dismisses with True to apply, False to drop the plan."""

    BINDING_GROUP_TITLE = "Preview"
    BINDINGS = [
        Binding("ctrl+y", "confirm", "Apply", id="preview.apply", tooltip="Write these changes to the store."),
        Binding("escape", "dismiss(False)", "Cancel", id="preview.cancel", tooltip="Drop the plan; nothing is written."),
        Binding("down,j", "scroll('down')", "Scroll", show=False, id="preview.down", tooltip="Scroll the plan down."),
        Binding("up,k", "scroll('up')", "Scroll up", show=False, id="preview.up", tooltip="Scroll the plan up."),
        Binding("pagedown,space", "scroll('page_down')", "Page down", show=False, id="preview.pagedown", tooltip="Next page of the plan."),
        Binding("pageup", "scroll('page_up')", "Page up", show=False, id="preview.pageup", tooltip="Previous page of the plan."),
        Binding("home", "scroll('home')", "Top", show=False, id="preview.home", tooltip="Top of the plan."),
        Binding("end", "scroll('end')", "End", show=False, id="preview.end", tooltip="End of the plan."),
    ]

    def __init__(self, title: str, body: Text | Callable[[Palette], Text], *, can_apply: bool, apply_label: str = "Apply",
                 summary: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.can_apply = can_apply
        self.apply_label = apply_label
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog preview-dialog"):
            yield Static(Text(self.title_text), classes="dialog-title")
            if self.summary:
                yield Static(Text(self.summary), id="preview-summary")
            with VerticalScroll(id="preview-body"):
                yield Static(self._body(), id="preview-text")
            with Horizontal(classes="buttons"):
                if self.can_apply:
                    yield Button(f"{self.apply_label} (ctrl+y)", variant="primary", id="preview-apply")
                yield Button("Cancel (esc)" if self.can_apply else "Close (esc)", id="preview-cancel")

    def _body(self) -> Text:
        if callable(self.body):
            return self.body(palette_for(self.app))
        return self.body

    def on_mount(self) -> None:
        if callable(self.body):
            self.watch(self.app, "theme", lambda _: self.query_one("#preview-text", Static).update(self._body()), init=False)
        # The plan, not a button: Enter or Space typed before the user has read it confirms nothing.
        self.query_one("#preview-body", VerticalScroll).focus()

    def action_scroll(self, how: str) -> None:
        body = self.query_one("#preview-body", VerticalScroll)
        {"down": body.scroll_down, "up": body.scroll_up, "page_down": body.scroll_page_down,
         "page_up": body.scroll_page_up, "home": body.scroll_home, "end": body.scroll_end}[how](animate=False)

    def action_confirm(self) -> None:
        if self.can_apply:
            self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "preview-apply")
