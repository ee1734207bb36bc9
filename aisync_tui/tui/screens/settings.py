"""Settings: providers (enabled, key variable names, base URL, timeout), price unit and theme.
Saved to the config file; a key's value is never shown, only whether it is set and from where."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static, Switch

from ...errors import AisyncError
from ..settings_form import ProviderForm, SettingsForm, form_from_settings, save_settings


def key_status(p: Any) -> str:
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
        Binding("escape", "app.pop_screen", "Back", id="settings.back", tooltip="Back without saving."),
    ]

    def __init__(self, settings: Any, theme: str, themes: list[str]) -> None:
        super().__init__()
        self.settings = settings
        self.form = form_from_settings(settings, theme)
        self.themes = themes

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-body"):
            yield Static(f"Config file: {self.settings.config_path}", classes="dim")
            with Horizontal(classes="setting-row"):
                yield Label("Prices per", classes="setting-label")
                yield Select([("1M tokens", "1m"), ("1K tokens", "1k")], value=self.form.per, allow_blank=False, id="per")
            with Horizontal(classes="setting-row"):
                yield Label("Theme", classes="setting-label")
                yield Select([(t, t) for t in self.themes], value=self.form.theme if self.form.theme in self.themes else self.themes[0],
                             allow_blank=False, id="theme")
            for slug, p in self.settings.providers.items():
                f = self.form.providers[slug]
                with Vertical(classes="provider-settings", id=f"ps-{slug}") as box:
                    box.border_title = f"{p.name} ({slug})"
                    with Horizontal(classes="setting-row"):
                        yield Label("Enabled", classes="setting-label")
                        yield Switch(value=f.enabled, id=f"enabled-{slug}")
                        yield Static(key_status(p), classes="key-status", id=f"key-{slug}")
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

    def read_form(self) -> SettingsForm:
        providers = {}
        for slug in self.settings.providers:
            timeout_text = self.query_one(f"#timeout-{slug}", Input).value.strip()
            try:
                timeout = float(timeout_text) if timeout_text else None
            except ValueError:
                raise AisyncError(f"{slug}: timeout {timeout_text!r} is not a number", hint="write seconds, e.g. 30") from None
            if timeout is not None and timeout <= 0:
                raise AisyncError(f"{slug}: timeout must be positive", hint="write seconds, e.g. 30")
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
        )

    def action_save(self) -> None:
        error = self.query_one("#settings-error", Static)
        try:
            new = save_settings(self.settings, self.read_form())
        except AisyncError as exc:
            error.update(exc.line())
            return
        error.update("")
        self.settings = new
        for slug, p in new.providers.items():
            self.query_one(f"#key-{slug}", Static).update(key_status(p))
        self.app.apply_settings(new)  # type: ignore[attr-defined]
        self.notify(f"Settings saved to {new.config_path}", timeout=3, markup=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "settings-save":
            self.action_save()
        else:
            self.app.pop_screen()
