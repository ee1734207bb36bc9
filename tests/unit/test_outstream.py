"""Standard output on a terminal whose encoding lacks the symbols aisync prints."""

from __future__ import annotations


def test_an_ascii_terminal_gets_stand_ins_for_symbols_and_lossless_escapes_for_other_text() -> None:
    import io
    import json

    from aisync_tui.outstream import degrade_symbols

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    assert degrade_symbols(stream)
    stream.write('✓ Found 3 models → {"name": "café 𝄞"}')
    stream.flush()
    text = raw.getvalue().decode("ascii")
    assert text.startswith("OK Found 3 models -> ")
    assert json.loads(text.split("-> ", 1)[1]) == {"name": "café 𝄞"}
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert not degrade_symbols(utf8)
