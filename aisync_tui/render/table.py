"""The reference's ASCII table (+-----+ borders) and CSV, for headless output."""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Iterable, Sequence

from .inert import inert


def _width(text: str) -> int:
    """Terminal columns of `text`: wide and full-width characters take two. Most cells are plain
    ASCII, one column a character, so they skip the per-character lookup."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: The widest a table cell gets: a megabyte-long id from a provider must not widen every row.
MAX_CELL = 100


def ascii_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, align_right: Sequence[int] = (), max_cell: int = MAX_CELL
) -> str:
    """The table, every cell made inert (control characters escaped) and cut to `max_cell`."""
    cells = [[("" if c is None else inert(c, max_cell)) for c in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], _width(c))
    border = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(values: Sequence[str]) -> str:
        out = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            out.append(f" {pad}{v} " if i in align_right else f" {v}{pad} ")
        return "|" + "|".join(out) + "|"

    parts = [border, line(list(headers)), border]
    parts.extend(line(r) for r in cells)
    parts.append(border)
    return "\n".join(parts)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buf.getvalue()
