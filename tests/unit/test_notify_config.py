"""[notify] in the config: validated like every other section, and its URLs treated as secrets."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from aisync_tui.config import NOTIFY_EVENTS, load_settings
from aisync_tui.errors import ConfigError, redact
from tests.helpers import load_config


def test_defaults_are_every_event_thirty_days_and_three_failures(tmp_path):
    cfg = load_config(tmp_path, '[notify]\nurls = ["ntfy://ntfy.sh/topic-abcdef123"]\n').notify
    assert cfg.events == NOTIFY_EVENTS and cfg.deprecation_days == 30 and cfg.fail_after == 3 and cfg.watch == ()
    assert load_config(tmp_path, "").notify.urls == ()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[notify]\nurl = ["x://y"]\n', "unknown key in [notify] 'url'"),
        ('[notify]\nurls = "ntfy://ntfy.sh/t"\n', "notify.urls must be a list of strings"),
        ('[notify]\nurls = ["not a url"]\n', "not a URL"),
        ('[notify]\nevents = ["prices"]\n', "notify.events has 'prices'; valid events: price, new, missing, deprecation, failure"),
        ('[notify]\nwatch = ["gpt-4o"]\n', "notify.watch entry 'gpt-4o' is not provider/model-id"),
        ("[notify]\nfail_after = 0\n", "notify.fail_after = 0 is out of range"),
        ('[notify]\ndeprecation_days = "30"\n', "notify.deprecation_days must be an integer"),
    ],
)
def test_a_bad_notify_table_names_the_key_and_what_is_valid(tmp_path, text, words):
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path, text)
    assert words in exc.value.line()


def test_a_url_and_its_token_parts_are_redacted_once_the_config_is_read(tmp_path):
    load_config(tmp_path, '[notify]\nurls = ["slack://T01ABCDEFG/B02HIJKLMN/xoxbSecretToken99", "json://user:pa55word@hooks.example.com/services/x?token=qwe7rtyuiop"]\n')
    text = "posting to slack://T01ABCDEFG/B02HIJKLMN/xoxbSecretToken99 failed; token xoxbSecretToken99, pa55word, qwe7rtyuiop"
    cleaned = redact(text)
    for secret in ("xoxbSecretToken99", "pa55word", "qwe7rtyuiop", "T01ABCDEFG"):
        assert secret not in cleaned
    # Plain words of a URL are not secrets: other output keeps them.
    assert redact("the services at hooks.example.com answered") == "the services at hooks.example.com answered"


def test_a_failed_send_reports_without_any_part_of_the_url(tmp_path):
    pytest.importorskip("apprise")
    from aisync_tui.notify.send import send

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"json://someone:pa55word-xyz@127.0.0.1:{port}/hooks/T0KENVALUE123"
    delivery = send([url], "t", "b", timeout=10)
    assert not delivery.ok
    said = " ".join([delivery.problem or "", *delivery.details])
    assert "pa55word-xyz" not in said and "T0KENVALUE123" not in said


def test_the_example_config_documents_every_notify_key_at_its_default():
    from dataclasses import fields

    from aisync_tui.config import NotifySettings

    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    assert load_settings(example, environ={}).notify == NotifySettings()
    text = example.read_text()
    section = text[text.index("[notify]"):]
    assert all(f"\n{f.name} = " in section for f in fields(NotifySettings))


def test_apprise_request_timeouts_fit_inside_the_send_bound_unless_the_url_sets_them():
    from aisync_tui.notify.send import bounded

    assert bounded("json://h.example/x", 1) == "json://h.example/x?cto=0.5&rto=0.5"
    assert bounded("json://h.example/x?token=a", 30) == "json://h.example/x?token=a&cto=4&rto=4"
    assert bounded("json://h.example/x?rto=9", 2) == "json://h.example/x?rto=9&cto=1"
