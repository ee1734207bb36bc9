"""What the sync commands call once their run has committed: collect the news, send one message,
and report a failure as a warning and a log line. Never raises, never changes the exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Sequence

if TYPE_CHECKING:
    from ..config import Settings
    from ..outcomes import Plan, RunSummary


class RunContext(Protocol):
    """What a notification needs of the command that ran: its settings and its warning line."""

    @property
    def settings(self) -> Settings: ...

    def warn(self, text: str) -> None: ...


def after_run(ctx: RunContext, summaries: Sequence[RunSummary[Plan] | None]) -> None:
    """One notification for the run made of `summaries` (its stages), if it has news."""
    try:
        _after_run(ctx, [s for s in summaries if s is not None])
    except Exception as exc:  # noqa: BLE001 - a notification must never change a run's outcome
        from ..errors import redact

        _report(ctx, "failed", f"could not prepare the notification: {redact(type(exc).__name__ + ': ' + str(exc))}")


def _after_run(ctx: RunContext, summaries: list[RunSummary[Plan]]) -> None:
    settings = ctx.settings
    cfg = settings.notify
    if not cfg.urls or not summaries or any(s.dry_run for s in summaries):
        return
    from .send import EXTRA_HINT, apprise_missing

    if apprise_missing():
        _report(ctx, "skipped", f"notify.urls is set but Apprise is not installed: install the extra: {EXTRA_HINT}")
        return
    from ..domain import utcnow
    from .message import compose
    from .news import collect, deprecation_keys, remember_announced
    from .send import send

    now = utcnow()
    news = collect(summaries, settings, now=now)
    if news.empty():
        return
    title, body = compose(news)
    delivery = send(cfg.urls, title, body, timeout=cfg.timeout)
    if not delivery.ok:
        detail = f" ({'; '.join(delivery.details)})" if delivery.details else ""
        _report(ctx, "failed", f"notification not sent: {delivery.problem}{detail}")
        return
    if news.deprecations:
        remember_announced(deprecation_keys(news), now)
    from ..runlog import log_line

    log_line(settings, summaries[0].group, "notify", None, "ok", changes=news.count(), urls=delivery.urls)


def _report(ctx: RunContext, status: str, line: str) -> None:
    from ..errors import redact

    ctx.warn(f"warning: {redact(line)}")
    try:
        from ..runlog import log_line

        log_line(ctx.settings, "notify", "notify", None, status, detail=line)
    except Exception:  # noqa: BLE001 - the log is best effort here, like the message
        pass
