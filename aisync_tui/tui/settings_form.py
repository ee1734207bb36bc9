"""What the settings screen writes: the config's raw TOML table with the edited keys changed and
every other key kept as it was. Pure Python; validated by loading the result before saving."""

from __future__ import annotations

import copy
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..config import Settings, load_settings, save_config
from ..errors import ConfigError


@dataclass
class ProviderForm:
    enabled: bool
    api_key_env: list[str]
    base_url: str
    timeout: float | None


@dataclass
class SettingsForm:
    per: str
    theme: str
    providers: dict[str, ProviderForm]


def form_from_settings(settings: Settings, theme: str | None = None) -> SettingsForm:
    return SettingsForm(
        per=settings.pricing.per,
        theme=theme or settings.ui.theme,
        providers={
            slug: ProviderForm(p.enabled, list(p.api_key_env), p.base_url, p.timeout) for slug, p in settings.providers.items()
        },
    )


def _set(table: dict[str, Any], key: str, value: Any, current: Any) -> None:
    """Write `value` when it differs from what is in effect, or when the file already had the key."""
    if value is None:
        table.pop(key, None)
    elif key in table or value != current:
        table[key] = value


def build_raw(raw: Mapping[str, Any], settings: Settings, form: SettingsForm) -> dict[str, Any]:
    out: dict[str, Any] = copy.deepcopy(dict(raw))
    pricing = dict(out.get("pricing", {}))
    _set(pricing, "per", form.per, settings.pricing.per)
    if pricing:
        out["pricing"] = pricing
    ui = dict(out.get("ui", {}))
    _set(ui, "theme", form.theme, settings.ui.theme)
    if ui:
        out["ui"] = ui
    providers = dict(out.get("providers", {}))
    for slug, f in form.providers.items():
        p = settings.providers[slug]
        table = dict(providers.get(slug, {}))
        _set(table, "enabled", f.enabled, p.enabled)
        envs = [e.strip() for e in f.api_key_env if e.strip()]
        if envs and (envs != list(p.api_key_env) or "api_key_env" in table):
            table["api_key_env"] = envs[0] if len(envs) == 1 else envs
        if f.base_url.strip():
            _set(table, "base_url", f.base_url.strip(), p.base_url)
        if f.timeout is None:
            table.pop("timeout", None)
        else:
            _set(table, "timeout", float(f.timeout), p.timeout)
        if table:
            providers[slug] = table
    if providers:
        out["providers"] = providers
    return out


def save_settings(settings: Settings, form: SettingsForm) -> Settings:
    """Validate the new config by loading it, write it atomically (tomli-w), return the new settings.
    Raises ConfigError naming the config file when a value is wrong; nothing is written then."""
    import tomli_w

    new_raw = build_raw(settings.raw, settings, form)
    path = Path(settings.config_path)
    fd, tmp_name = tempfile.mkstemp(prefix="aisync-settings-", suffix=".toml")
    try:
        with os.fdopen(fd, "wb") as fh:
            tomli_w.dump(new_raw, fh)
        try:
            load_settings(tmp_name, database=settings.database)
        except ConfigError as exc:
            raise ConfigError(exc.message.replace(tmp_name, str(path)), hint="fix the value and save again") from None
    finally:
        os.unlink(tmp_name)
    save_config(path, new_raw)
    return load_settings(path, database=settings.database)
