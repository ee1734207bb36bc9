"""The live log of a run: one line per event, worded by `render.words.describe()` (the same
sentences as the headless output), with the time since the run started when the line was logged."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from ..job_state import LogLine


class ProgressLog(RichLog):
    DEFAULT_CSS = """
    ProgressLog { background: $surface; border: round $panel; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, wrap=True, markup=False, highlight=False, max_lines=5000)
        self.lines_text: list[str] = []
        """Every line written, for tests and for copying the log."""

    def note(self, line: LogLine) -> None:
        """Write a line with the offset it was logged at (shown again after the log was hidden,
        it keeps its own time)."""
        self.lines_text.append(line.text)
        text = Text(f"{line.at:6.2f}s ", style="dim")
        text.append(line.text, style=line.style)
        # The log's own width once it is known (Rich would otherwise measure against the console,
        # which may be narrower than the log, and wrap at 80 columns).
        width = self.scrollable_content_region.width
        self.write(text, width=width if width > 10 else None)
