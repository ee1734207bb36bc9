"""`typing.Any` is rare in the package: outside data is `JSON` narrowed before use, our own objects
carry their own types. The count is held under a ceiling so a new `Any` is a choice someone makes
on purpose (and lowers the ceiling when they remove one)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "aisync_tui"
CEILING = 1


def any_uses(source: str) -> int:
    """How many times the name `Any` is used (as `Any` or `typing.Any`), imports not counted."""
    count = 0
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and node.id == "Any":
            count += 1
        elif isinstance(node, ast.Attribute) and node.attr == "Any":
            count += 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # a quoted annotation such as "dict[str, Any]"
            try:
                inner = ast.parse(node.value, mode="eval")
            except SyntaxError:
                continue
            count += sum(isinstance(n, ast.Name) and n.id == "Any" for n in ast.walk(inner))
    return count


def test_the_counter_sees_plain_dotted_and_quoted_any() -> None:
    sample = (
        "from typing import Any\n"
        "import typing\n"
        "def f(x: Any) -> 'list[Any]':\n"
        "    y: typing.Any = x\n"
        "    return [y]\n"
        "'''Any in a docstring is prose.'''\n"
    )
    assert any_uses(sample) == 3


def test_the_package_stays_under_its_any_ceiling() -> None:
    per_file = {
        str(path.relative_to(PACKAGE)): n
        for path in sorted(PACKAGE.rglob("*.py"))
        if (n := any_uses(path.read_text(encoding="utf-8")))
    }
    total = sum(per_file.values())
    worst = ", ".join(f"{name} {n}" for name, n in sorted(per_file.items(), key=lambda kv: -kv[1])[:5])
    assert total <= CEILING, f"{total} uses of Any in aisync_tui/ (ceiling {CEILING}); most in: {worst}"
