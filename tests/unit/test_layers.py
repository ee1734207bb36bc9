"""The package's import layers, read statically from the source: imports point down only, never
sideways between the packages of one layer, and no two modules import each other (directly or
round a loop). Imports inside functions count; imports under `if TYPE_CHECKING:` do not (they
never run). The headless half never imports Textual: tests/unit/test_headless_imports.py also checks
that in a real process.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "aisync_tui"

#: Top layer first. A module belongs to the longest entry that is a prefix of its dotted name
#: (relative to aisync_tui); it may import its own package and anything in a lower layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    # The entry point: the `aisync` command.
    ("__main__", "cli"),
    # The faces: the CLI's subcommands (the MCP server among them) and the Textual app.
    ("commands", "tui"),
    # What is said after a run: notifications of new models, price changes, deprecations.
    ("notify",),
    # Advice over the catalog and the user's usage: cost, cheapest, what-if, deprecations.
    ("choose",),
    # Orchestration: what a sync, a pricing sync and a usage import do.
    ("sync", "pricing", "usage"),
    ("providers",),
    ("store",),
    ("config",),
    # Shared by every layer: value types, events, errors, run outcomes, the provider records, bounds
    # on outside values, output formatting (pure functions of those values), the run log.
    ("", "domain", "events", "errors", "outcomes", "provider_spec", "bounds", "render", "runlog", "outstream", "jsonvalue"),
)

#: Layers whose modules may import each other (the cycle test still applies): the entry points,
#: and the shared bottom. Elsewhere two packages of one layer stay independent.
_SIDEWAYS_OK = {0, len(LAYERS) - 1}

#: Imports that break the rules above today, each with what removes it. An entry that no longer
#: occurs fails `test_the_known_exceptions_still_occur`: delete it then.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}

#: Loops of modules that import each other, with what breaks them (as above).
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=1)
def _graph() -> dict[str, set[str]]:
    """module -> modules of ours it imports (names relative to aisync_tui; "" is the package)."""
    modules = {_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for stmt in node.body
            for inner in ast.walk(stmt)
        }
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                wanted = [a.name.removeprefix("aisync_tui").lstrip(".") for a in node.names if a.name.split(".")[0] == "aisync_tui"]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base_parts = package[: len(package) - node.level + 1]
                    base = ".".join([*base_parts, *([node.module] if node.module else [])])
                elif node.module and node.module.split(".")[0] == "aisync_tui":
                    base = node.module.removeprefix("aisync_tui").lstrip(".")
                else:
                    continue
                wanted = [f"{base}.{a.name}".lstrip(".") if f"{base}.{a.name}".lstrip(".") in modules else base for a in node.names]
            else:
                continue
            for target in wanted:
                while target not in modules:
                    target = target.rpartition(".")[0]
                if target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def _layer(module: str) -> tuple[int, str]:
    """(layer index, the entry it belongs to) by the longest matching prefix."""
    best: tuple[int, str] | None = None
    for index, entries in enumerate(LAYERS):
        for entry in entries:
            if module == entry or module.startswith(entry + "."):
                if best is None or len(entry) > len(best[1]):
                    best = (index, entry)
    assert best is not None, f"aisync_tui.{module} is in no layer: add it to LAYERS in {__file__}"
    return best


def _violations() -> set[tuple[str, str]]:
    bad = set()
    for module, targets in _graph().items():
        layer, entry = _layer(module)
        for target in targets:
            t_layer, t_entry = _layer(target)
            if t_layer > layer or t_entry == entry:
                continue
            if t_layer == layer and layer in _SIDEWAYS_OK:
                continue
            bad.add((module, target))
    return bad


def _cycles() -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_every_module_sits_in_a_layer() -> None:
    for module in _graph():
        _layer(module)


def test_imports_point_down_the_layers_only() -> None:
    unexpected = sorted(_violations() - set(KNOWN_EXCEPTIONS))
    assert not unexpected, "imports up or sideways between layers: " + ", ".join(f"{a} -> {b}" for a, b in unexpected)


def test_no_modules_import_each_other() -> None:
    unexpected = [sorted(c) for c in _cycles() if c not in KNOWN_CYCLES]
    assert not unexpected, f"import cycles: {unexpected}"


def test_the_known_exceptions_still_occur() -> None:
    assert set(KNOWN_EXCEPTIONS) <= _violations(), "an exception was fixed: delete it from KNOWN_EXCEPTIONS"
    assert set(KNOWN_CYCLES) <= set(_cycles()), "a cycle was broken: delete it from KNOWN_CYCLES"


def test_the_headless_half_never_imports_textual_or_the_app() -> None:
    for module, path in ((_name(p), p) for p in PACKAGE.rglob("*.py")):
        if module == "tui" or module.startswith("tui."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            assert not any(n.split(".")[0] in ("textual", "rich") for n in names), f"aisync_tui.{module} imports {names}"
    importers = {m for m, targets in _graph().items() if any(t == "tui" or t.startswith("tui.") for t in targets)}
    # The entry point opens the app when it is run without a command (inside that function only).
    assert {m for m in importers if not (m == "tui" or m.startswith("tui."))} <= {"cli"}


def test_the_graph_sees_imports_inside_functions_and_skips_typing_only_ones() -> None:
    graph = _graph()
    # cli imports the model sync's `run_sync_all` inside main(); it is still an edge.
    assert "commands.sync_models" in graph["cli"]
    # providers/registry imports ProviderAdapter only for annotations: not an edge.
    assert "providers.base" not in graph["providers.registry"]
    assert graph["config"] >= {"errors", "provider_spec"}
