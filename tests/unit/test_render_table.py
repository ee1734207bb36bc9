"""The headless ASCII table lines its borders up in terminal columns: wide characters (CJK,
full-width) take two, everything else one, and every cell is inert and bounded."""

from __future__ import annotations

from aisync_tui.render.table import ascii_table


def test_columns_line_up_with_wide_and_plain_text() -> None:
    table = ascii_table(["model", "in"], [["日本語-model", "$1.00"], ["gpt-4o", "$2.50"], ["café", "—"]], align_right=(1,))
    lines = table.splitlines()
    assert lines[0] == "+--------------+-------+"
    assert lines[3] == "| 日本語-model | $1.00 |"  # three wide characters: 12 columns
    assert lines[4] == "| gpt-4o       | $2.50 |"
    assert lines[5] == "| café         |     — |"  # é and — are one column each
    assert lines[-1] == lines[0]


def test_a_cell_is_escaped_and_cut() -> None:
    table = ascii_table(["id"], [["evil\x1b[31m" + "x" * 500]], max_cell=20)
    body = table.splitlines()[3]
    assert "\x1b" not in body
    assert len(body) <= 20 + 4
