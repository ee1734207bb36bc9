"""Hostile strings and numbers from a provider, end to end: parse → bounds → plan → apply to a real
SQLite store → `sync-models --dry-run` and `--verbose`, `models list` and `models info` as the user reads them.

Whatever the provider sends, no command raises, no character a terminal acts on reaches the
human-readable output, and the output stays small (a megabyte-long field is cut, not printed).
The real command runs in-process (`cli.main`); only the HTTP request is replaced, by an adapter
whose fetch hands the generated body to the real OpenRouter parser. One store is shared by every
example, so later examples update earlier models and the change lines are rendered too.
Derandomized, no shrinking, few examples: about ten seconds.
"""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from aisync_tui.cli import main
from aisync_tui.errors import BadResponse
from aisync_tui.providers.openrouter import OpenRouterAdapter

E2E_FUZZ = settings(
    max_examples=20,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

#: What a terminal acts on: C0 (newline and tab aside), DEL, C1, bidi and zero-width controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
#: The longest line any command may print (an error line quoting a value is the longest).
MAX_LINE = 2_500

PIECES = st.sampled_from(
    ["\x1b", "]0;PWNED", "\x07", "[2J", "]52;c;ZWNobw==", "\x9b", "\u202e", "\x00", "[/]", "[b]", "[@click=quit]",
     "\r", "\n", "\t", "=cmd|", "é", "漢", "\u200b", "\x7f", "\ufeff", "gpt-4o", "/", " "]
)
HOSTILE_TEXT = (
    st.lists(PIECES | st.text(max_size=4), max_size=10).map("".join)
    | st.builds(lambda piece, n: piece * n, st.sampled_from(["H", "\x1b[", "漢"]), st.integers(0, 4000))
)
HOSTILE_NUMBER: st.SearchStrategy[Any] = (
    st.sampled_from([10**30, 2**63, 2**64 + 1, -1, 0, 1e300, 1e25, float("inf"), float("nan"), "1e+999999999", "1_000", "0x10",
                     "NaN", "-0.5", "1e-400", "0.000002", "128000", 128000, "9" * 5000, 10**400, True, None, [], {}])
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | HOSTILE_TEXT
)


@st.composite
def models_body(draw: st.DrawFn) -> dict[str, Any]:
    items = []
    for i in range(draw(st.integers(1, 4))):
        ident = draw(st.sampled_from([f"fuzz/model-{i}", None]) | HOSTILE_TEXT) or f"fuzz/model-{i}"
        items.append({
            "id": ident,
            "name": draw(HOSTILE_TEXT),
            "description": draw(HOSTILE_TEXT),
            "context_length": draw(HOSTILE_NUMBER),
            "created": draw(HOSTILE_NUMBER),
            "expiration_date": draw(HOSTILE_TEXT | st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-01-01"])),
            "architecture": {
                "modality": draw(HOSTILE_TEXT),
                "input_modalities": draw(st.lists(HOSTILE_TEXT, max_size=3)),
                "output_modalities": draw(st.lists(HOSTILE_TEXT, max_size=3)),
            },
            "pricing": {key: draw(HOSTILE_NUMBER) for key in ("prompt", "completion", "image", "request")},
            "top_provider": {"context_length": draw(HOSTILE_NUMBER), "max_completion_tokens": draw(HOSTILE_NUMBER)},
            "supported_parameters": draw(st.lists(HOSTILE_TEXT, max_size=3)),
        })
    return {"data": items}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "config.toml").write_text('[providers.openrouter]\nbase_url = "http://127.0.0.1:9/api/v1"\n')
    monkeypatch.setenv("AISYNC_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("AISYNC_DATABASE_URL", str(tmp_path / "aisync.db"))
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    return tmp_path


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


def _assert_readable(text: str, what: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"{what}: raw {found.group(0)!r} in {text[max(0, found.start() - 80):found.start() + 20]!r}"
    longest = max((len(line) for line in text.splitlines()), default=0)
    assert longest <= MAX_LINE, f"{what}: a line of {longest:,} characters"


def test_hostile_provider_values_never_crash_a_command_nor_reach_the_terminal(env: Path) -> None:
    class Served:
        body: Any = {"data": []}

    def make_adapter(settings_: Any, client: Any, emit: Any) -> Any:
        adapter = OpenRouterAdapter(settings_, client, emit)
        adapter.fetch = lambda: adapter.parse(Served.body)  # type: ignore[method-assign]
        return adapter

    @E2E_FUZZ
    @given(models_body())
    def run(body: dict[str, Any]) -> None:
        Served.body = body
        code, text = _run("sync-models", "--dry-run", "--force")
        assert code in (0, 1), text[-800:]
        _assert_readable(text, "sync-models --dry-run")
        code, text = _run("sync-models", "--verbose", "--force")
        if code == 1:
            # Exit 1 only for a body the parser itself refuses as a whole, reported as Bad response,
            # never as an internal error. A model without a usable id does not end here: it is
            # skipped alone, with a warning, and the other models are synced.
            assert "Bad response" in text and "Internal error" not in text, text[-800:]
            with pytest.raises(BadResponse):
                OpenRouterAdapter.parse(make_adapter_for_check(), body)
        else:
            assert code == 0, text[-800:]
        _assert_readable(text, "sync-models --verbose")
        assert len(text) < 40_000 + 12_000 * len(body["data"])

        code, text = _run("models", "list", "--provider", "openrouter")
        assert code == 0, text[-800:]
        _assert_readable(text, "models list")
        assert len(text) < 2_000 * (10 + _count(env))

        for model_id in _ids(env)[:2]:
            code, text = _run("models", "info", model_id, "openrouter")
            assert code == 0, text[-800:]
            _assert_readable(text, "models info")
            assert len(text) < 20_000

    with mock.patch("aisync_tui.sync.runner.make_adapter", make_adapter):
        run()


def make_adapter_for_check() -> Any:
    from aisync_tui.config import ProviderSettings
    from aisync_tui.providers.http import HttpClient, HttpOptions

    settings_ = ProviderSettings("openrouter", "OpenRouter", "openrouter", True, ("X",), "http://127.0.0.1:9", needs_key=False)
    return OpenRouterAdapter(settings_, HttpClient(HttpOptions(retry_attempts=1)), lambda e: None)


def _ids(env: Path) -> list[str]:
    con = sqlite3.connect(env / "aisync.db")
    try:
        return [r[0] for r in con.execute("select model_id from model m join provider p on p.id = m.provider_id where p.slug = 'openrouter' order by m.id desc")]
    finally:
        con.close()


def _count(env: Path) -> int:
    return len(_ids(env))


CSV_CELL = (
    HOSTILE_NUMBER.map(str)
    | HOSTILE_TEXT
    | st.sampled_from(["2026-01-05T10:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1e20", "gpt-4o", "openai", ""])
)


def test_hostile_usage_files_are_imported_or_refused_in_one_line_and_reports_always_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.toml").write_text("")
    monkeypatch.setenv("AISYNC_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("AISYNC_DATABASE_URL", str(tmp_path / "aisync.db"))
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    path = tmp_path / "usage.csv"

    @E2E_FUZZ
    @given(st.lists(st.tuples(*[CSV_CELL] * 8), min_size=1, max_size=3))
    def run(rows: list[tuple[str, ...]]) -> None:
        import csv

        with path.open("w", newline="", encoding="utf-8", errors="surrogatepass") as fh:
            writer = csv.writer(fh)
            writer.writerow(["timestamp", "provider", "model", "requests", "input_tokens", "output_tokens", "cached_tokens", "cost_usd"])
            writer.writerows(rows)
        code, text = _run("usage", "import", "csv", str(path))
        assert code in (0, 2), text[-800:]
        if code == 2:
            assert text.startswith("aisync: error:") and text.count("\n") == 1, text[-800:]
        _assert_readable(text, "usage import csv")
        code, text = _run("usage", "report", "--days", "36500")
        assert code == 0, text[-800:]
        _assert_readable(text, "usage report")
        assert len(text) < 60_000

    run()
