"""The live log of a run: one line per event, worded by `render.words.describe()` (the same
sentences as the headless output), with a time offset since the run started."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import RichLog

from ...events import Event, ProviderApplied, ProviderFailed, ProviderSkipped, RunFinished, Warning
from ...render.words import describe


class ProgressLog(RichLog):
    DEFAULT_CSS = """
    ProgressLog { background: $surface; border: round $panel; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, wrap=True, markup=False, highlight=False, max_lines=5000)
        self.started = time.monotonic()
        self.lines_text: list[str] = []
        """Every line written, for tests and for copying the log."""

    def note(self, message: str, style: str = "") -> None:
        self.lines_text.append(message)
        line = Text(f"{time.monotonic() - self.started:6.2f}s ", style="dim")
        line.append(message, style=style)
        self.write(line)

    def event(self, event: Event) -> None:
        message = describe(event)
        if message is None:
            return
        style = ""
        if isinstance(event, ProviderFailed):
            style = "bold red"
        elif isinstance(event, Warning):
            style = "yellow"
        elif isinstance(event, ProviderApplied):
            style = "green"
        elif isinstance(event, (ProviderSkipped, RunFinished)):
            style = "dim"
        self.note(message, style)
