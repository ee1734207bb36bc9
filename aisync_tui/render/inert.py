"""Make text from outside (providers, feeds, usage files, logs.db) inert for a terminal.

Model ids and names come from servers we do not control. Shown raw, an escape sequence in one
could set the window title, clear the screen or write the clipboard (OSC 52). Every
human-readable output passes outside strings through `inert()`; JSON and CSV keep the exact data.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text
#: (bidi overrides and isolates, zero-width joiners, the BOM).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
#: Where a cut value ends.
ELLIPSIS = "…"


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def inert(text: object, limit: int | None = None) -> str:
    """`text` with every control and reordering character shown escaped (`\\x1b`), cut to `limit`.

    The result holds no character a terminal acts on, so it can be printed anywhere. `limit`
    counts characters of the result; a cut value ends in an ellipsis.
    """
    s = "" if text is None else str(text)
    if _UNSAFE.search(s):
        s = _UNSAFE.sub(_escape, s)
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + ELLIPSIS if limit > 0 else ""
    return s


def is_inert(text: str) -> bool:
    """True when `text` holds nothing a terminal would act on."""
    return _UNSAFE.search(text) is None


#: Everything `inert()` escapes except the line breaks and tabs of multi-line output.
_UNSAFE_IN_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def inert_lines(text: str) -> str:
    """`text` (many lines of human-readable output) with every control character escaped except
    newline and tab: the last guard of the CLI's printer, whatever a command forgot."""
    if _UNSAFE_IN_LINES.search(text):
        return _UNSAFE_IN_LINES.sub(_escape, text)
    return text


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def inert_json(text: str) -> str:
    """JSON text with every character a terminal acts on written as a `\\uXXXX` escape.

    `json.dumps(..., ensure_ascii=False)` leaves DEL, C1 controls and bidi overrides raw. These can
    only occur inside JSON strings, where the escape is the same character: the data is exact and
    the text is safe to print."""
    if _UNSAFE_IN_LINES.search(text):  # newlines and tabs between values are JSON's own layout
        return _UNSAFE_IN_LINES.sub(_json_escape, text)
    return text
