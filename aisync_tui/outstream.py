"""Standard output that fails in one clear line: a full disk behind `> file`, or a terminal
whose encoding has no ✓ or →.

`guard(stream)` wraps stdout so a failed write raises `OutputError` (one line, exit 2) instead of
an `OSError` traceback; a closed pipe (`| head`) stays a BrokenPipeError for the caller's quiet
exit. `degrade_symbols(stream)` makes a stream that cannot encode the symbols the output uses
write ASCII stand-ins (✓ as "OK", → as "->") and escapes (`\u00e9`) for other characters
instead of raising UnicodeEncodeError mid-output.
"""

from __future__ import annotations

import codecs
import errno
from typing import TextIO

from .errors import AisyncError

#: What the output's symbols become on a stream that cannot encode them.
ASCII_STAND_INS = {
    "✓": "OK",
    "✗": "x",
    "→": "->",
    "←": "<-",
    "…": "...",
    "—": "-",
    "–": "-",
    "•": "*",
    "×": "x",
    "≥": ">=",
    "≤": "<=",
    "·": ".",
    "’": "'",
    "“": '"',
    "”": '"',
}
_HANDLER = "aisync-ascii"
_SAMPLE = "".join(ASCII_STAND_INS)


class OutputError(AisyncError):
    """Standard output cannot be written (full disk, I/O error)."""

    hint = "what the command did is kept (see `aisync sync status`); free some space or send the output elsewhere"


def _stand_in(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start : exc.end]
    return "".join(ASCII_STAND_INS.get(ch) or _escape(ch) for ch in text), exc.end


def _escape(ch: str) -> str:
    """A character the stream cannot encode, as a JSON-style escape: nothing is lost, and in
    `--format json` output the result is still the same JSON."""
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def degrade_symbols(stream: object) -> bool:
    """Make `stream` write ASCII stand-ins for characters its encoding lacks. True if it had to."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        _SAMPLE.encode(encoding)
        return False
    except (UnicodeEncodeError, LookupError):
        pass
    try:
        codecs.lookup_error(_HANDLER)
    except LookupError:
        codecs.register_error(_HANDLER, _stand_in)
    reconfigure = getattr(stream, "reconfigure", None)  # io.TextIOWrapper's; a replaced stream may lack it
    if not callable(reconfigure):
        return False
    try:
        reconfigure(errors=_HANDLER)
    except (AttributeError, ValueError, OSError):
        return False
    return True


#: errno values that mean "this output cannot be written", not "the reader left".
_WRITE_FAILURES = {errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EROFS, errno.EBADF}


class GuardedStream:
    """A text stream whose write/flush failures become OutputError."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def _failed(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot write to standard output: {exc.strerror or exc}")

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            if exc.errno in _WRITE_FAILURES:
                raise self._failed(exc) from None
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            if exc.errno in _WRITE_FAILURES:
                raise self._failed(exc) from None
            raise

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)
