"""How a run's end is worded, and its log lines keep their own times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from aisync_tui.errors import InvalidApiKey
from aisync_tui.sync.plan import ProviderPlan
from aisync_tui.sync.runner import ProviderOutcome, RunSummary
from aisync_tui.tui.job_state import LogLine, summarise_models


def _summary(*outcomes: ProviderOutcome) -> Any:
    s: RunSummary[ProviderPlan] = RunSummary("models", "g", False, datetime(2025, 6, 1, tzinfo=UTC))
    s.outcomes.extend(outcomes)
    return s


def test_a_run_with_three_applied_and_three_failed_says_done_with_errors_not_failed() -> None:
    ok = [ProviderOutcome(p, "ok", plan=ProviderPlan(p, 0)) for p in ("openai", "gemini", "xai")]
    bad: list[ProviderOutcome[ProviderPlan]] = [ProviderOutcome(p, "failed", error=InvalidApiKey(p)) for p in ("mistral", "groq", "deepseek")]
    phase, line, failed = summarise_models(_summary(*ok, *bad), {"openai": "OpenAI"})
    assert phase == "done" and failed
    assert line.startswith("Done with errors: applied 3 providers, 3 failed.")
    assert "OpenAI: all 0 models up to date" in line and "mistral failed: Invalid API key" in line


def test_a_run_whose_every_provider_failed_says_failed() -> None:
    phase, line, _ = summarise_models(_summary(ProviderOutcome("openai", "failed", error=InvalidApiKey("openai"))), {})
    assert phase == "failed" and line.startswith("Failed: 1 failed.")


@pytest.mark.anyio
async def test_log_lines_keep_the_time_they_were_logged_when_the_log_is_shown_again() -> None:
    from textual.app import App

    from aisync_tui.tui.widgets.progress_log import ProgressLog

    class Host(App[None]):
        def compose(self) -> Any:
            yield ProgressLog(id="log")

    async with Host().run_test(size=(80, 10)) as pilot:
        log = pilot.app.query_one(ProgressLog)
        log.note(LogLine(12.5, "openai: GET /v1/models 200"))
        await pilot.pause()
        assert any("12.50s openai: GET" in "".join(seg.text for seg in line) for line in log.lines)
