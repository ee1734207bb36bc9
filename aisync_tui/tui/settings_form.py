"""What the settings screen writes: the config file with only the edited values changed.

The file is edited in place as a TOML document (tomlkit), so its comments, blank lines, key
order and number types stay as the user wrote them (`12` stays `12`), and its mode is kept. The
result is validated by loading it before it replaces the file. Pure Python (no Textual)."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from ..config import UI_COLUMNS, Settings, load_settings
from ..errors import ConfigError

TomlTable: TypeAlias = MutableMapping[str, object]
"""A table of the config document as tomlkit edits it (the document itself, a table, an inline
table, or the view tomlkit gives of a table written in several places)."""


@dataclass
class ProviderForm:
    enabled: bool
    api_key_env: list[str]
    base_url: str
    timeout: int | float | None


@dataclass
class SettingsForm:
    per: str
    theme: str
    providers: dict[str, ProviderForm]
    columns: tuple[str, ...] = ()
    """The optional table columns shown from the start, by their config names (UI_COLUMNS)."""


def form_from_settings(settings: Settings, theme: str | None = None, columns: tuple[str, ...] | None = None) -> SettingsForm:
    """The form for `settings`, with the session's theme and table columns when given (what the
    user sees now is what saving keeps)."""
    return SettingsForm(
        per=settings.pricing.per,
        theme=theme or settings.ui.theme,
        columns=settings.ui.columns if columns is None else columns,
        providers={
            slug: ProviderForm(p.enabled, list(p.api_key_env), p.base_url, p.timeout) for slug, p in settings.providers.items()
        },
    )


def parse_seconds(text: str) -> int | float | None:
    """"12" → 12 (an integer stays one in the file), "2.5" → 2.5, "" → None (the default).
    Raises ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    value: int | float = int(text) if text.isdigit() else float(text)
    if not 0 < value <= 3600:
        raise ValueError(text)
    return value


def _table(parent: TomlTable, key: str, super_table: bool = False) -> TomlTable:
    import tomlkit

    if key not in parent:
        # A super table ([providers] holding only [providers.x] tables) gets no header of its own.
        parent[key] = tomlkit.table(is_super_table=super_table)
    table = parent[key]
    if not isinstance(table, MutableMapping):
        raise ConfigError(f"{key} in the config file is a value, not a table: the settings cannot be written into it",
                          hint=f"make {key} a [{key}] table in the config file, then save again")
    return table


def _existing(parent: TomlTable, key: str) -> TomlTable | None:
    """The table `key` of `parent` when the file has it."""
    table = parent.get(key)
    return table if isinstance(table, MutableMapping) else None


def _set(parent: TomlTable, section: str, key: str, value: object, current: object) -> None:
    """Write `value` when it differs from what is in effect, or when the file already has the key;
    None removes the key (back to the default)."""
    table = _existing(parent, section)
    if value is None:
        if table is not None and key in table:
            del table[key]
        return
    if table is not None and key in table:
        if table[key] != value:  # 12 in the file and 12.0 in effect are equal: the file is kept
            table[key] = value
    elif value != current:
        _table(parent, section)[key] = value


def edit_document(text: str, settings: Settings, form: SettingsForm) -> str:
    """The config text with the form's values written in; every other byte kept where possible."""
    import tomlkit

    doc = tomlkit.parse(text)
    _set(doc, "pricing", "per", form.per, settings.pricing.per)
    _set(doc, "ui", "theme", form.theme, settings.ui.theme)
    columns = [name for name in UI_COLUMNS if name in form.columns]
    _set(doc, "ui", "columns", columns or None, list(settings.ui.columns))
    for slug, f in form.providers.items():
        p = settings.providers[slug]
        had = (known := _existing(doc, "providers")) is not None and slug in known
        changed = (f.enabled != p.enabled or [e for e in f.api_key_env if e] != list(p.api_key_env)
                   or (f.base_url.strip() or p.base_url) != p.base_url or f.timeout != p.timeout)
        if not had and not changed:
            continue
        providers = _table(doc, "providers", super_table=True)
        table = _table(providers, slug)
        _set(providers, slug, "enabled", f.enabled, p.enabled)
        envs = [e.strip() for e in f.api_key_env if e.strip()]
        if envs and (envs != list(p.api_key_env) or "api_key_env" in table):
            value: str | list[str] = envs[0] if len(envs) == 1 else envs
            if table.get("api_key_env") != value:
                table["api_key_env"] = value
        if f.base_url.strip():
            _set(providers, slug, "base_url", f.base_url.strip(), p.base_url)
        _set(providers, slug, "timeout", f.timeout, p.timeout)
        if not table:
            del providers[slug]
    return tomlkit.dumps(doc)


def save_settings(settings: Settings, form: SettingsForm) -> Settings:
    """Validate the edited config by loading it, then replace the file atomically, keeping its
    mode (0600 for a new file: it may hold keys). Raises ConfigError naming the config file when a
    value is wrong; nothing is written then."""
    path = Path(settings.config_path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    new_text = edit_document(text, settings, form)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o600
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".aisync-settings-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(new_text)
        os.chmod(tmp_name, mode)
        try:
            load_settings(tmp_name, database=settings.database)
        except ConfigError as exc:
            raise ConfigError(exc.message.replace(tmp_name, str(path)), hint="fix the value and save again") from None
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return load_settings(path, database=settings.database)
