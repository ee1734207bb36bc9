"""Config values of a kind TOML has and the settings do not (dates, times, tables where a value goes)
end in one ConfigError naming the key, never a crash further on."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisync_tui.errors import ConfigError
from tests.helpers import load_config


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[model_sync]\ntimeout = 1979-05-27\n", "model_sync.timeout must be a number"),
        ('[model_sync]\ntimeout = "thirty"\n', "model_sync.timeout must be a number"),
        ("[notify]\ntimeout = 07:32:00\n", "notify.timeout must be a number"),
        ("[notify]\nfail_after = 1979-05-27T07:32:00Z\n", "notify.fail_after must be an integer"),
        ("[providers.openai]\nname = 1979-05-27\n", "providers.openai.name must be a string"),
        ("[providers.openai]\nkind = {x = 1}\n", "providers.openai.kind must be a string"),
        ("[ui.keymap]\n\"sync.all\" = 1979-05-27\n", "ui.keymap.sync.all must be a string"),
        ("providers = 3\n", "[providers] must be a table"),
    ],
)
def test_a_value_of_the_wrong_toml_kind_is_named_in_one_line(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, text)
    assert named in str(err.value) and len(str(err.value).splitlines()) == 1


def test_api_key_env_with_a_date_in_its_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="api_key_env must be a variable name or a list of names"):
        load_config(tmp_path, '[providers.openai]\napi_key_env = ["OPENAI_KEY", 1979-05-27]\n')


def test_checked_values_keep_their_kinds(tmp_path: Path) -> None:
    s = load_config(tmp_path, '[notify]\ndeprecation_days = 10\ntimeout = 5\n[providers.openai]\ntimeout = 7\nenabled = false\nname = "Mine"\n')
    assert s.notify.deprecation_days == 10 and isinstance(s.notify.timeout, float) and s.notify.timeout == 5.0
    p = s.providers["openai"]
    assert p.timeout == 7.0 and p.enabled is False and p.name == "Mine"
