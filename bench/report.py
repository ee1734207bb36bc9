"""The results table, as Markdown (pasted into bench/README.md and the README)."""

from __future__ import annotations

from typing import Sequence

from .common import Result, machine


def table(results: Sequence[Result]) -> str:
    head = ["what", "median (wall)", "target", "", "min–max", "CPU", "notes"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r.row()) + " |")
    return "\n".join(lines)


def machine_line() -> str:
    m = machine()
    return (
        f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['os']}; "
        f"Textual {m['textual']}, Peewee {m['peewee']}, SQLite {m['sqlite']}."
    )


def print_table(results: Sequence[Result]) -> None:
    print()
    print(machine_line())
    print()
    print(table(results))
