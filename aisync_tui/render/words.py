"""The one place that words events: the headless progress output, the log file and the TUI log
all call `describe()`.
"""

from __future__ import annotations

from ..events import (
    BatchApplied,
    Event,
    PageFetched,
    Progress,
    ProviderApplied,
    ProviderFailed,
    ProviderFetched,
    ProviderPlanned,
    ProviderSkipped,
    ProviderStarted,
    RequestFinished,
    RequestRetrying,
    RunFinished,
    RunStarted,
    ValuesRefused,
    Warning,
)
from .inert import inert


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def describe(event: Event) -> str | None:
    """One line for an event, or None for events that are not worth a line."""
    if isinstance(event, RunStarted):
        what = {"models": "model sync", "pricing": "pricing sync"}.get(event.kind, event.kind)
        prefix = "DRY RUN: " if event.dry_run else ""
        return f"{prefix}{what} started: {', '.join(event.providers) or 'no providers'}"
    if isinstance(event, ProviderStarted):
        return f"{event.provider}: fetching models"
    if isinstance(event, RequestFinished):
        # The URL carries the provider's page cursor: cut, like any outside value.
        return f"{event.provider}: {event.method} {inert(event.url, 300)} -> {event.status} ({event.elapsed:.2f}s)"
    if isinstance(event, RequestRetrying):
        return f"{event.provider}: attempt {event.attempt} failed ({inert(event.reason, 200)}); retrying in {event.wait:.1f}s"
    if isinstance(event, PageFetched):
        return f"{event.provider}: page {event.page}: {plural(event.items, 'model')}"
    if isinstance(event, ProviderFetched):
        return f"{event.provider}: found {plural(event.count, 'model')} in {event.elapsed:.2f}s"
    if isinstance(event, ProviderPlanned):
        c = event.plan.counts()
        return (
            f"{event.provider}: plan: {c['added']} to add, {c['updated']} to update, "
            f"{c['missing']} missing, {c['unchanged']} unchanged"
        )
    if isinstance(event, BatchApplied):
        return None
    if isinstance(event, ProviderApplied):
        return (
            f"{event.provider}: {event.kind} sync applied: {event.added} added, {event.updated} updated, "
            f"{event.missing} missing, {event.unchanged} unchanged ({event.elapsed:.2f}s)"
        )
    if isinstance(event, ProviderSkipped):
        return f"{event.provider}: skipped: {event.detail or event.reason}"
    if isinstance(event, ProviderFailed):
        return f"{event.provider}: {inert(event.error)}" + (f" ({inert(event.hint)})" if event.hint else "")
    if isinstance(event, Warning):
        return f"{event.provider + ': ' if event.provider else ''}warning: {inert(event.message)}"
    if isinstance(event, ValuesRefused):
        shown = "; ".join(inert(line, 200) for line in event.lines[:10])
        more = f" (and {len(event.lines) - 10:,} more)" if len(event.lines) > 10 else ""
        return f"{event.provider + ': ' if event.provider else ''}warning: {plural(len(event.lines), 'value')} refused: {shown}{more}"
    if isinstance(event, Progress):
        return f"{event.provider + ': ' if event.provider else ''}{inert(event.message)}"
    if isinstance(event, RunFinished):
        return f"{event.kind} run {'cancelled' if event.cancelled else 'finished'}"
    return None
