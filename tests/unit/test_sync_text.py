"""The per-provider block of `sync-models`: one provider's odd outcome never stops the report."""

from __future__ import annotations

from aisync_tui.errors import InvalidApiKey
from aisync_tui.outcomes import ProviderOutcome
from aisync_tui.render.sync_text import print_provider_result


def _lines(outcome: ProviderOutcome) -> list[str]:
    lines: list[str] = []
    print_provider_result(lines.append, "xAI", outcome)
    return lines


def test_a_failed_provider_prints_its_error_and_hint() -> None:
    err = InvalidApiKey("xai")
    lines = _lines(ProviderOutcome("xai", "failed", error=err))
    assert lines[0] == "xAI:" and lines[1] == f"  ✗ {err.message}"


def test_a_failure_recorded_without_its_error_is_one_plain_line() -> None:
    assert _lines(ProviderOutcome("xai", "failed")) == ["xAI:", "  ✗ Failed"]
