"""`?`: the keys of every context, with the keys the user remapped in the config."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def key_label(keys: str) -> str:
    names = {"slash": "/", "question_mark": "?", "comma": ",", "escape": "esc", "pageup": "PgUp", "pagedown": "PgDn"}
    return " ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))


def bindings_table(groups: Iterable[tuple[str, Iterable[Binding]]], keymap: Mapping[str, str], *, with_ids: bool = True) -> Table:
    """Keys per screen. Narrow terminals leave out the ids (for remapping) so descriptions do not
    wrap over many lines."""
    t = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    t.add_column("Keys", style="bold", no_wrap=True)
    t.add_column("Action", style="bold", no_wrap=True)
    t.add_column("What it does", ratio=1)
    if with_ids:
        t.add_column("Id", no_wrap=True)
    for title, bindings in groups:
        t.add_row(Text(title, style="bold underline"), "", "", *([""] if with_ids else []))
        for b in bindings:
            keys = keymap.get(b.id, b.key) if b.id else b.key
            t.add_row(key_label(keys), b.description or b.action, b.tooltip or "", *([b.id or ""] if with_ids else []))
    return t


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close", tooltip="Close the key list.")]

    def __init__(self, groups: list[tuple[str, list[Binding]]], keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.groups = groups
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Static("Keys  (remap any of them by id under [ui.keymap] in the config; ctrl+p lists every action)", classes="dialog-title", markup=False)
            with VerticalScroll():
                yield Static(bindings_table(self.groups, self.keymap, with_ids=self.app.size.width >= 110), id="help-keys")
