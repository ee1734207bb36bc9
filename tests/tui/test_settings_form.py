"""What the settings screen writes into the config file, however the user laid out its tables."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import tomlkit

from aisync_tui.config import load_settings
from aisync_tui.tui.settings_form import edit_document, form_from_settings
from tests.tui.conftest import base_config


def _settings(make_settings: Any, text: str) -> Any:
    make_settings()
    Path("config.toml").write_text(text)
    return load_settings(Path("config.toml"), database="aisync.db")


def test_a_provider_table_written_after_another_section_is_edited_where_it_is(make_settings: Any) -> None:
    text = base_config() + '\n[ui]\ntheme = "nord"\n\n[providers.openai]\ntimeout = 12\n'
    settings = _settings(make_settings, text)
    form = form_from_settings(settings)
    form.providers["openai"] = replace(form.providers["openai"], timeout=30)
    doc = tomlkit.parse(edit_document(text, settings, form))
    assert doc["providers"]["openai"]["timeout"] == 30
    assert doc["ui"]["theme"] == "nord"


def test_a_provider_in_an_inline_table_is_edited_in_place(make_settings: Any) -> None:
    text = 'providers = { gemini = { enabled = true, timeout = 20 } }\n\n[pricing]\nremote = false\n'
    settings = _settings(make_settings, text)
    form = form_from_settings(settings)
    form.providers["gemini"] = replace(form.providers["gemini"], enabled=False)
    edited = edit_document(text, settings, form)
    assert edited.startswith("providers = {") and "[providers.gemini]" not in edited
    assert load_settings_text(edited).providers["gemini"].enabled is False
    assert load_settings_text(edited).providers["gemini"].timeout == 20


def test_an_unchanged_form_leaves_the_file_byte_for_byte(make_settings: Any) -> None:
    text = "# mine\n" + base_config() + '\n[providers.openai]\napi_key_env = "MY_OPENAI"  # the team key\n'
    settings = _settings(make_settings, text)
    assert edit_document(text, settings, form_from_settings(settings)) == text


def load_settings_text(text: str) -> Any:
    Path("edited.toml").write_text(text)
    return load_settings(Path("edited.toml"), database="aisync.db")


def test_the_extra_table_columns_are_written_in_the_tables_order_and_removed_when_none(make_settings: Any) -> None:
    text = base_config() + '\n[ui]\ntheme = "nord"  # my theme\n'
    settings = _settings(make_settings, text)
    assert settings.ui.columns == ()
    form = form_from_settings(settings, columns=("open_weights", "released"))
    edited = edit_document(text, settings, form)
    assert 'theme = "nord"  # my theme' in edited
    saved = load_settings_text(edited)
    assert saved.ui.columns == ("released", "open_weights")
    # None of them: back to the default, and the key goes.
    cleared = edit_document(edited, saved, form_from_settings(saved, columns=()))
    assert "columns" not in cleared and load_settings_text(cleared).ui.columns == ()
    # The form starts from the config's columns unless the session's are given.
    assert form_from_settings(saved).columns == ("released", "open_weights")
