"""The provider pane: "All providers" and every known provider with its state, model count and
last sync. Highlighting an entry filters the table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...render.inert import inert
from .. import format as fmt

if TYPE_CHECKING:
    from ...config import Settings
    from ...store.queries import ProviderRow

ALL = "__all__"


@dataclass(frozen=True)
class ProviderEntry:
    slug: str
    name: str
    count: int
    state: str
    """ready, syncing, failed, not_configured, disabled, catalog"""
    detail: str
    """One short line: "synced 12 min ago", "set $OPENAI_API_KEY", "failed: Invalid API key"."""


def provider_entries(settings: Settings, rows: Sequence[ProviderRow], syncing: Iterable[str] = ()) -> list[ProviderEntry]:
    """Configured providers first (in the config's order), then every other provider in the store."""
    from ...providers.registry import has_adapter

    by_slug = {r.slug: r for r in rows}
    busy = set(syncing)
    out: list[ProviderEntry] = []
    seen: set[str] = set()
    for slug, p in settings.providers.items():
        seen.add(slug)
        row = by_slug.get(slug)
        count = row.model_count if row else 0
        if slug in busy:
            out.append(ProviderEntry(slug, p.name, count, "syncing", "syncing now…"))
        elif not has_adapter(p.kind):
            out.append(ProviderEntry(slug, p.name, count, "catalog", "catalog only (no sync yet)"))
        elif not p.enabled:
            out.append(ProviderEntry(slug, p.name, count, "disabled", "disabled in the config"))
        elif not p.is_configured():
            envs = " or ".join("$" + e for e in p.api_key_env[:2])
            hint = f"set {envs}" if p.needs_key else f"no key needed: add [providers.{slug}]"
            out.append(ProviderEntry(slug, p.name, count, "not_configured", hint))
        elif row is not None and row.last_status == "failed":
            error = (row.last_error or "failed").split(" (")[0]
            out.append(ProviderEntry(slug, p.name, count, "failed", f"failed {fmt.ago(row.last_attempt_at)}: {error}"))
        elif row is not None and row.last_synced_at is not None:
            out.append(ProviderEntry(slug, p.name, count, "ready", f"synced {fmt.ago(row.last_synced_at)}"))
        else:
            out.append(ProviderEntry(slug, p.name, count, "ready", "ready · never synced"))
    for row in rows:
        if row.slug not in seen and row.model_count:
            out.append(ProviderEntry(row.slug, row.name, row.model_count, "catalog", "catalog only"))
    return out


#: state -> (glyph, style). Colours are theme variables (legible in every theme); the glyph and
#: the words say the state on their own, without colour (NO_COLOR, greyscale).
ICONS = {"all": ("★", "bold"), "ready": ("●", "$status-ok"), "syncing": ("⟳", "$status-accent"), "failed": ("✗", "$status-error bold"),
         "not_configured": ("○", "$status-warning"), "disabled": ("–", "$status-muted"), "catalog": ("◌", "$status-muted")}


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def entry_prompt(entry: ProviderEntry, width: int = 22) -> Content:
    """Two lines that never wrap: "● Name      123" and the state detail."""
    icon, colour = ICONS.get(entry.state, ("?", ""))
    count = f"{entry.count:,}"
    name_width = max(4, width - len(count) - 3)
    detail_style = colour if entry.state in ("failed", "not_configured") else "$status-muted"
    return Content.assemble(
        (f"{icon} ", colour),
        (_cut(inert(entry.name), name_width).ljust(name_width), "bold"),
        " " + count,
        ("\n  " + _cut(inert(entry.detail), width - 2), detail_style),
    )


class ProviderPane(OptionList):
    BINDING_GROUP_TITLE = "Providers"
    DEFAULT_CSS = """
    ProviderPane { width: 28; height: 1fr; border: round $panel; border-title-color: $text; }
    ProviderPane:focus { border: round $primary; }
    """

    class Chosen(Message):
        """A provider (or None for all) was highlighted."""

        def __init__(self, slug: str | None) -> None:
            super().__init__()
            self.slug = slug

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[ProviderEntry] = []
        self._total = 0
        self.border_title = "Providers"

    def set_entries(self, entries: list[ProviderEntry], total: int) -> None:
        keep = self.selected_slug
        self.entries = entries
        self._total = total
        width = self._text_width()
        all_entry = ProviderEntry(ALL, "All providers", total, "all", "every model in the store")
        options = [Option(entry_prompt(all_entry, width), id=ALL)]
        options.extend(Option(entry_prompt(e, width), id=e.slug) for e in entries)
        with self.prevent(OptionList.OptionHighlighted):
            self.clear_options()
            self.add_options(options)
            ids = [ALL] + [e.slug for e in entries]
            self.highlighted = ids.index(keep) if keep in ids else 0

    def wanted_width(self) -> int:
        """The width that shows every name, count and hint in full (border, padding, scrollbar included)."""
        longest = len("All providers") + 8
        for e in self.entries:
            longest = max(longest, len(inert(e.name)) + len(f"{e.count:,}") + 3, len(inert(e.detail)) + 2)
        return longest + 7  # border, option padding and the scrollbar

    def _text_width(self) -> int:
        # Content width less the options' own padding (1 cell each side) and the scrollbar.
        width = self.scrollable_content_region.width or 24
        return max(12, width - 2)

    def on_resize(self) -> None:
        if self.entries:
            self.set_entries(self.entries, self._total)

    @property
    def selected_slug(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        option = self.get_option_at_index(self.highlighted)
        return None if option.id == ALL else option.id

    def select_slug(self, slug: str | None) -> None:
        target = slug or ALL
        for i in range(self.option_count):
            if self.get_option_at_index(i).id == target:
                self.highlighted = i
                return

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Chosen(None if event.option.id == ALL else event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_focus_table()

    def action_focus_table(self) -> None:
        self.screen.query_one("ModelTable").focus()
