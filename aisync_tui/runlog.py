"""The run log file: one line per provider per run, rotated by size.

Lines read like `2026-11-26T09:00:00Z run=ab12cd model sync provider=openai status=ok found=74 ...`
so `grep "model sync"` finds them, as the reference's monitoring section does.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .domain import utcnow
from .errors import redact
from .render.inert import inert, inert_lines

if TYPE_CHECKING:
    from .config import Settings
    from .outcomes import Plan, RunSummary

_loggers: dict[str, logging.Logger | None] = {}
_warned: set[str] = set()


def _warn_once(path: Path, exc: BaseException) -> None:
    """One line on stderr, once per log file and process: monitoring reads this log, so a log
    that cannot be written must be said, but it never fails the run nor prints a traceback."""
    key = str(path)
    if key in _warned:
        return
    _warned.add(key)
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    try:
        print(f"aisync: warning: cannot write the log file {path}: {reason} (the run itself is unaffected; check [log] file)", file=sys.stderr)
    except (OSError, ValueError):
        pass


class _RunLogHandler(logging.handlers.RotatingFileHandler):
    """Rotating file handler whose failures (full disk, a folder that turned read-only, a
    rotation that cannot rename) are one warning line instead of logging's traceback."""

    def handleError(self, record: logging.LogRecord) -> None:
        _warn_once(Path(self.baseFilename), sys.exc_info()[1] or OSError("write failed"))


def _logger(path: Path, max_bytes: int, backups: int) -> logging.Logger | None:
    key = str(path)
    if key in _loggers:
        return _loggers[key]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _RunLogHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    except OSError as exc:
        _warn_once(path, exc)
        _loggers[key] = None
        return None  # a log we cannot write must not fail the sync
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(f"aisync.run.{len(_loggers)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    _loggers[key] = logger
    return logger


def log_line(settings: Settings, run: str, kind: str, provider: str | None, status: str, **fields: object) -> None:
    logger = _logger(settings.log_file, settings.log.max_bytes, settings.log.backups)
    if logger is None:
        return
    label = {"models": "model sync", "pricing": "pricing sync", "cleanup": "model cleanup", "usage": "usage import"}.get(kind, kind)
    parts = [utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), f"run={run}", label]
    if provider:
        parts.append(f"provider={provider}")
    parts.append(f"status={status}")
    for key, value in fields.items():
        if value is None:
            continue
        text = str(value)
        if " " in text or '"' in text:
            text = '"' + text.replace('"', "'") + '"'
        parts.append(f"{key}={text}")
    logger.info(inert(redact(" ".join(parts))))  # read with tail/grep in a terminal: one inert line


def log_summary(settings: Settings, summary: RunSummary[Plan]) -> None:
    for o in summary.outcomes:
        fields: dict[str, object] = {}
        if o.plan is not None:
            fields.update(o.plan.counts())
        if getattr(o, "refused", 0):
            fields["refused_values"] = o.refused
        if o.error is not None:
            fields["error"] = o.error.line()
        if o.skip_detail:
            fields["reason"] = o.skip_detail
        log_line(settings, summary.group, summary.kind, o.provider, o.status, **fields)


def log_traceback(settings: Settings, run: str, provider: str, stage: str, exc: BaseException) -> None:
    """An unexpected exception's traceback, for whoever reads the log file (never the terminal)."""
    import traceback

    logger = _logger(settings.log_file, settings.log.max_bytes, settings.log.backups)
    if logger is None:
        return
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    stamp = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    logger.error(inert_lines(redact(f"{stamp} run={run} internal error provider={provider} step={stage}\n{text}".rstrip())))
