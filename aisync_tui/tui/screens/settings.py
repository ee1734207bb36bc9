"""Settings: providers (enabled, key variable names, base URL, timeout), price unit, theme and the
table's extra columns.
Saved to the config file; a key's value is never shown, only whether it is set and from where."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static, Switch

from ...errors import AisyncError
from ..catalog import COLUMN_BY_KEY, CONFIG_COLUMNS
from ..host import host
from ..settings_form import (
    ProviderForm,
    SettingsForm,
    form_from_settings,
    parse_seconds,
    save_settings,
)

if TYPE_CHECKING:
    from ...config import ProviderSettings, Settings

#: The optional table columns the form offers: (config name, the table's header), in the table's order.
COLUMN_CHOICES: tuple[tuple[str, str], ...] = tuple((name, COLUMN_BY_KEY[key].label) for name, key in CONFIG_COLUMNS.items())

#: "providers.openai: base_url …" in a config error → the field that holds it.
_FIELD_OF_ERROR = re.compile(r"providers\.([A-Za-z0-9_-]+)\W+(enabled|api_key_env|base_url|timeout)")
_FIELD_IDS = {"enabled": "enabled", "api_key_env": "env", "base_url": "url", "timeout": "timeout"}


class FieldError(AisyncError):
    """A value in the form that cannot be saved, with the id of its field."""

    def __init__(self, field_id: str, message: str, hint: str) -> None:
        super().__init__(message, hint=hint)
        self.field_id = field_id


def key_status(p: ProviderSettings) -> str:
    if not p.needs_key:
        return "no key needed"
    _, source = p.resolve_key()
    if source:
        return f"key set (from {source})"
    return "no key: set " + " or ".join("$" + e for e in p.api_key_env)


class SettingsScreen(Screen[None]):
    BINDING_GROUP_TITLE = "Settings"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save", tooltip="Write the settings to the config file."),
        Binding("escape,q", "back", "Back", id="settings.back", tooltip="Back to the catalog (asks before dropping unsaved edits)."),
    ]

    def __init__(self, settings: Settings, theme: str, themes: list[str], columns: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.form = form_from_settings(settings, theme, columns)
        self.themes = themes
        self.saved_form: SettingsForm | None = None
        """The form as last shown or saved: leaving with other values asks first."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-body"):
            yield Static(f"Config file: {self.settings.config_path} (comments and layout are kept when saving)", classes="dim", markup=False)
            with Horizontal(classes="setting-row"):
                yield Label("Prices per", classes="setting-label")
                yield Select([("1M tokens", "1m"), ("1K tokens", "1k")], value=self.form.per, allow_blank=False, id="per")
            with Horizontal(classes="setting-row"):
                yield Label("Theme", classes="setting-label")
                yield Select([(t, t) for t in self.themes], value=self.form.theme if self.form.theme in self.themes else self.themes[0],
                             allow_blank=False, id="theme")
            with Horizontal(classes="setting-row"):
                yield Label("Extra columns", classes="setting-label")
                for name, label in COLUMN_CHOICES:
                    yield Checkbox(label, value=name in self.form.columns, id=f"column-{name}")
            for slug, p in self.settings.providers.items():
                f = self.form.providers[slug]
                with Vertical(classes="provider-settings", id=f"ps-{slug}") as box:
                    box.border_title = f"{p.name} ({slug})"
                    with Horizontal(classes="setting-row"):
                        yield Label("Enabled", classes="setting-label")
                        yield Switch(value=f.enabled, id=f"enabled-{slug}")
                        yield Static(key_status(p), classes="key-status", id=f"key-{slug}", markup=False)
                    with Horizontal(classes="setting-row"):
                        yield Label("Key variables", classes="setting-label")
                        yield Input(", ".join(f.api_key_env), id=f"env-{slug}")
                    with Horizontal(classes="setting-row"):
                        yield Label("Base URL", classes="setting-label")
                        yield Input(f.base_url, id=f"url-{slug}")
                    with Horizontal(classes="setting-row"):
                        yield Label("Timeout (s)", classes="setting-label")
                        yield Input("" if f.timeout is None else f"{f.timeout:g}", placeholder="default", id=f"timeout-{slug}")
            yield Static("", id="settings-error", classes="error-text")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="settings-save")
                yield Button("Back (esc)", id="settings-back")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "settings"
        self.call_after_refresh(self._remember_form)

    def _remember_form(self) -> None:
        try:
            self.saved_form = self.read_form()
        except AisyncError:
            self.saved_form = None

    def read_form(self) -> SettingsForm:
        providers = {}
        for slug in self.settings.providers:
            timeout_text = self.query_one(f"#timeout-{slug}", Input).value.strip()
            try:
                timeout = parse_seconds(timeout_text)
            except ValueError:
                raise FieldError(f"timeout-{slug}", f"{slug}: timeout {timeout_text!r} is not a number of seconds",
                                 hint="write seconds between 1 and 3600, e.g. 30, or leave it empty for the default") from None
            providers[slug] = ProviderForm(
                enabled=self.query_one(f"#enabled-{slug}", Switch).value,
                api_key_env=[e.strip() for e in self.query_one(f"#env-{slug}", Input).value.split(",") if e.strip()],
                base_url=self.query_one(f"#url-{slug}", Input).value.strip(),
                timeout=timeout,
            )
        return SettingsForm(
            per=str(self.query_one("#per", Select).value),
            theme=str(self.query_one("#theme", Select).value),
            providers=providers,
            columns=tuple(name for name, _ in COLUMN_CHOICES if self.query_one(f"#column-{name}", Checkbox).value),
        )

    def action_save(self) -> None:
        error = self.query_one("#settings-error", Static)
        for field in self.query(".-invalid"):
            field.remove_class("-invalid")
        try:
            form = self.read_form()
            new = save_settings(self.settings, form)
        except AisyncError as exc:
            self._show_error(exc)
            return
        error.update("")
        self.saved_form = form
        self.settings = new
        for slug, p in new.providers.items():
            self.query_one(f"#key-{slug}", Static).update(key_status(p))
        host(self).apply_settings(new)
        self.notify(f"Settings saved to {new.config_path}", timeout=3, markup=False)

    def _show_error(self, exc: AisyncError) -> None:
        """At the field (marked, focused, scrolled to) and in a notification, not only at the end
        of a long form."""
        from rich.text import Text

        line = exc.line()
        self.query_one("#settings-error", Static).update(Text(line))
        field_id = exc.field_id if isinstance(exc, FieldError) else None
        if field_id is None and (m := _FIELD_OF_ERROR.search(exc.message)) is not None:
            field_id = f"{_FIELD_IDS[m.group(2)]}-{m.group(1)}"
        if field_id is not None:
            try:
                field = self.query_one(f"#{field_id}")
            except Exception:  # a key the form does not show
                field = None
            if field is not None:
                field.add_class("-invalid")
                field.focus()
                field.scroll_visible(animate=False)
        self.notify(line, title="Not saved", severity="error", timeout=8, markup=False)

    def action_back(self) -> None:
        try:
            dirty = self.read_form() != self.saved_form
        except AisyncError:
            dirty = True
        if not dirty:
            self.app.pop_screen()
            return
        from .confirm import ConfirmModal

        def answered(drop: bool | None) -> None:
            if drop:
                self.app.pop_screen()

        self.app.push_screen(ConfirmModal("Drop the unsaved changes to the settings?", "Drop them", "Keep editing"), answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "settings-save":
            self.action_save()
        else:
            self.action_back()
