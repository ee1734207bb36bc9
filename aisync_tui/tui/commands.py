"""The command palette: every action, with namespaced titles ("sync: all providers",
"sort: by input price", "go: provider openai", "filter: vision", "view: sync history")."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .catalog import CAPABILITY_FILTERS, FLAG_LABELS, OPTIONAL_COLUMNS, SEARCH_WORDS, SORT_KEYS, TYPE_CYCLE

if TYPE_CHECKING:
    from .app import AisyncApp

Command = tuple[str, Callable[[], object], str]
"""(title, what it does, help text)."""


def app_commands(app: AisyncApp) -> list[Command]:
    """Every palette entry for the app's current state (providers come from config and store)."""
    cmds: list[Command] = [
        ("sync: all providers", app.action_sync_all, "Plan a model sync of every enabled provider, preview it, then apply."),
        ("sync: all providers (force)", partial(app.start_model_sync, None, True),
         "Ignore cache_ttl and the shrunken-list guard."),
        ("sync: pricing", app.action_pricing_sync, "Plan a pricing sync from the price feeds, preview it, then apply."),
        ("sync: pricing (force)", partial(app.start_pricing_sync, True), "Fetch the price feeds now, even if they were fetched recently."),
        ("sync: cleanup stale models", app.action_cleanup, "Ask for a cut-off date, preview what would be removed, then apply."),
    ]
    names = app.provider_names()
    for slug, name in names.items():
        if slug in app.settings.providers:
            cmds.append((f"sync: provider {slug}", partial(app.start_model_sync, [slug]), f"Plan a model sync of {name} only."))
            cmds.append((f"sync: provider {slug} (force)", partial(app.start_model_sync, [slug], True),
                         f"Sync {name} now, even if it synced recently or its list shrank (F on the catalog)."))
    for key, (label, _) in SORT_KEYS.items():
        cmds.append((f"sort: by {label}", partial(app.sort_by, key, False), f"Sort the table by {label}, ascending."))
        cmds.append((f"sort: by {label} (descending)", partial(app.sort_by, key, True), f"Sort the table by {label}, descending."))
    shown = app.main.shown_columns if app.main is not None else frozenset()
    for col in OPTIONAL_COLUMNS:
        if col.key in shown:
            cmds.append((f"column: hide {col.sort_label}", partial(app.toggle_column, col.key), f"Remove the {col.label} column."))
        else:
            cmds.append((f"column: show {col.sort_label}", partial(app.toggle_column, col.key),
                         f"Add a sortable {col.label} column ({col.sort_label}; — where no source states it)."))
    cmds.append(("workload: set…", app.ask_workload,
                 "Type input/output tokens per request × requests: the table gets a sortable Workload $ column."))
    if app.workload is not None:
        cmds.append(("workload: clear", partial(app.set_workload, None), "Remove the Workload $ column."))
        cmds.append(("sort: by workload cost", partial(app.sort_by, "workload", False), "Cheapest for your workload first."))
        cmds.append(("sort: by workload cost (descending)", partial(app.sort_by, "workload", True), "Dearest for your workload first."))
    cmds.append(("go: all providers", partial(app.go_provider, None), "Show every model in the store."))
    for slug, name in names.items():
        cmds.append((f"go: provider {slug}", partial(app.go_provider, slug), f"Show {name}'s models."))
    for t in TYPE_CYCLE:
        cmds.append((f"filter: type {t or 'any'}", partial(app.filter_type, t), "Filter the table by model type."))
    for label, cap in CAPABILITY_FILTERS.items():
        cmds.append((f"filter: {label}", partial(app.toggle_capability, label), f"Only models with {cap} (toggle)."))
    for word, (flag, what) in SEARCH_WORDS.items():
        cmds.append((f"filter: {FLAG_LABELS[flag]} (toggle)", partial(app.toggle_flag, flag), f"{what} Also typed in the filter box: {word}"))
    cmds += [
        ("filter: active only (toggle)", partial(app.toggle_active), "Only active models, or all again."),
        ("filter: available to me", partial(app.filter_available, True), "Only models your providers list."),
        ("filter: catalog only", partial(app.filter_available, False), "Only catalog entries from the price feeds."),
        ("filter: clear all", app.clear_filters, "Remove every filter and the search text."),
        ("view: sync history", app.action_history, "Every run: result, counts, duration, error."),
        ("view: usage", app.action_usage, "Spend per day, top models, by provider."),
        ("view: settings", app.action_settings, "Providers, key variables, base URLs, timeouts, price unit, theme."),
        ("view: keys", app.action_help, "Every key of every screen."),
        ("view: run log", app.action_show_log, "The live log of the current or last run."),
        ("view: prices per 1M tokens", partial(app.set_per, "1m"), "Show prices per million tokens."),
        ("view: prices per 1K tokens", partial(app.set_per, "1k"), "Show prices per thousand tokens."),
        ("model: open details", app.open_current, "The highlighted model's detail screen."),
        ("model: copy id", app.copy_current, "Copy the highlighted model's id."),
        ("app: reload the catalog", app.load_catalog, "Read the store again."),
    ]
    return cmds


@runtime_checkable
class PaletteHost(Protocol):
    """An app that lists its palette entries (the aisync app: `app_commands` of itself)."""

    def palette_commands(self) -> list[Command]: ...


class AisyncCommands(Provider):
    def _commands(self) -> list[Command]:
        app = self.app
        return app.palette_commands() if isinstance(app, PaletteHost) else []

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
