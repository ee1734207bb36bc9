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
