"""Contrast of every text cell in an SVG screenshot of the app (`App.export_screenshot()`):
each `<text>` element's fill against the background rectangle under it, by the WCAG formula."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_CLASS_FILL = re.compile(r"\.(terminal-[\w-]*?r\d+) \{ fill: (#[0-9a-f]{6})")
_RECT = re.compile(r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"')
CELL_WIDTH = 12.2
"""Width of one terminal cell in Rich's SVG export."""
_TEXT = re.compile(r'<text class="(terminal-[\w-]*?r\d+)" x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>([^<]*)</text>')


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Cell:
    text: str
    fg: str
    bg: str
    line: int
    column: int

    @property
    def ratio(self) -> float:
        return contrast(self.fg, self.bg)


def text_cells(svg: str) -> list[Cell]:
    """Every run of text with a letter or digit in it (borders, bars and blanks are not text)."""
    fills = dict(_CLASS_FILL.findall(svg))
    rects: dict[float, list[tuple[float, float, str]]] = {}
    for fill, x, y, w, _h in _RECT.findall(svg):
        rects.setdefault(round(float(y), 1), []).append((float(x), float(w), fill))
    tops = sorted(rects)
    out = []
    for cls, x, y, _length, raw in _TEXT.findall(svg):
        text = html.unescape(raw).replace("\xa0", " ")
        if not any(ch.isalnum() for ch in text) or cls not in fills:
            continue
        baseline = float(y)
        top = max((t for t in tops if t < baseline), default=None)
        if top is None:
            continue
        xf = float(x)
        bg = next((fill for rx, rw, fill in rects[top] if rx <= xf + 0.01 < rx + rw), None)
        if bg is None:
            continue
        out.append(Cell(text.strip(), fills[cls], bg, tops.index(top), round(xf / CELL_WIDTH)))
    return out
