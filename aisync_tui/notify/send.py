"""Hand a message to Apprise, bounded in time, without ever showing a URL.

Apprise is an optional extra (`[notify]`); without it, one line names the extra. Apprise's own
log lines can quote a URL with its token, so its logger is captured here and every line that
leaves (warnings, the log file) goes through `redact()`, which knows each configured URL.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Sequence

from ..config import register_url_secrets
from ..errors import redact

EXTRA_HINT = "pip install 'aisync-tui[notify]'"


@dataclass
class Delivery:
    """How sending went: `ok` only when every URL took the message."""

    ok: bool
    urls: int
    problem: str | None = None
    details: list[str] = field(default_factory=list)
    """Apprise's own words about what failed, redacted."""


#: Apprise's own connect and read timeouts per request (its default is 4 s each).
_APPRISE_DEFAULT_TIMEOUT = 4.0


def bounded(url: str, timeout: float) -> str:
    """`url` with Apprise's connect (cto) and read (rto) timeouts no longer than our bound allows,
    unless the URL sets them. Waiting for the send in a thread is not enough: Apprise sends from
    a shared thread pool, which the interpreter joins at exit, so a hung request would hold the
    process for its own timeouts after we stopped waiting."""
    from urllib.parse import parse_qsl, urlsplit

    try:
        keys = {k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    except ValueError:
        return url
    each = max(0.2, min(_APPRISE_DEFAULT_TIMEOUT, timeout / 2))
    extra = "&".join(f"{k}={each:g}" for k in ("cto", "rto") if k not in keys)
    if not extra:
        return url
    base, hash_, fragment = url.partition("#")
    return base + ("&" if "?" in base else "?") + extra + hash_ + fragment


def shown(url: str) -> str:
    """A URL as it may be shown: its scheme only (the rest may be a token)."""
    scheme = url.split("://", 1)[0] if "://" in url else "?"
    return f"{scheme}://…"


def apprise_missing() -> bool:
    try:
        import apprise  # noqa: F401
    except ImportError:
        return True
    return False


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(redact(record.getMessage()))
        except Exception:  # a log line must never break sending
            self.lines.append("(unreadable log line)")


@dataclass
class _Attempt:
    """What the sending thread found, read once it is done (or given up on)."""

    ok: bool = False
    bad: int = 0
    """notify.urls Apprise did not understand."""
    error: str | None = None
    """A plugin's exception, redacted."""


def send(urls: Sequence[str], title: str, body: str, *, timeout: float) -> Delivery:
    """Send one message to every URL. Never raises; never takes (much) longer than `timeout`."""
    for url in urls:
        register_url_secrets(url)
    if not urls:
        return Delivery(False, 0, "no notify.urls configured")
    try:
        import apprise
    except ImportError:
        return Delivery(False, len(urls), f"notifications need Apprise: install the extra: {EXTRA_HINT}")
    logger = logging.getLogger("apprise")
    collect = _Collect()
    logger.addHandler(collect)
    old_propagate = logger.propagate
    logger.propagate = False  # Python's last-resort handler would print URLs on stderr
    outcome = _Attempt()

    def work() -> None:
        try:
            box = apprise.Apprise()
            added = [box.add(bounded(url, timeout)) for url in urls]
            if not all(added):
                outcome.bad = sum(1 for a in added if not a)
            if len(box) == 0:
                outcome.ok = False
                return
            outcome.ok = bool(box.notify(title=title, body=body))
        except Exception as exc:  # a plugin's surprise must not end the run
            outcome.error = redact(f"{type(exc).__name__}: {exc}")

    worker = threading.Thread(target=work, name="aisync-notify", daemon=True)
    try:
        worker.start()
        worker.join(timeout)
    finally:
        logger.removeHandler(collect)
        logger.propagate = old_propagate
    details = collect.lines[-5:]
    if worker.is_alive():
        return Delivery(False, len(urls), f"sending took longer than {timeout:g} s; gave up waiting", details)
    if outcome.error is not None:
        return Delivery(False, len(urls), outcome.error, details)
    bad = outcome.bad
    if bad:
        return Delivery(False, len(urls), f"{bad} of {len(urls)} notify.urls not understood by Apprise", details)
    if not outcome.ok:
        return Delivery(False, len(urls), "Apprise could not deliver the message", details)
    return Delivery(True, len(urls))
