"""`aisync notify test`: send a test message to every `notify.urls` entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._base import Context, Subparsers


def register(sub: Subparsers) -> None:
    from ._base import Parser, add_common

    notify = sub.add_parser("notify", help="notifications after sync runs (Apprise)", description="Notifications after sync runs, configured in [notify].")
    nsub = notify.add_subparsers(dest="notify_command", metavar="SUBCOMMAND", parser_class=Parser)
    p = nsub.add_parser("test", help="send a test message to every notify.urls entry", description="Send a test message to every notify.urls entry; exit 1 if it could not be sent.")
    add_common(p)
    p.set_defaults(handler=run_test)
    notify.set_defaults(handler=None)


def run_test(ctx: Context) -> int:
    from ..errors import EXIT_PROVIDER_FAILED, UsageError
    from ..notify.send import EXTRA_HINT, apprise_missing, send, shown
    from ..runlog import log_line

    cfg = ctx.settings.notify
    if not cfg.urls:
        raise UsageError("no notify.urls configured", hint=f"add urls = [...] under [notify] in {ctx.settings.config_path}")
    if apprise_missing():
        raise UsageError("notifications need Apprise, which is not installed", hint=f"install the extra: {EXTRA_HINT}")
    delivery = send(cfg.urls, "aisync: test message", "If you can read this, aisync's notifications reach you.", timeout=cfg.timeout)
    where = ", ".join(shown(u) for u in cfg.urls)
    if delivery.ok:
        ctx.print(f"✓ Sent a test message to {len(cfg.urls)} URL{'s' if len(cfg.urls) != 1 else ''} ({where})")
        log_line(ctx.settings, "notify-test", "notify", None, "ok", urls=len(cfg.urls))
        return 0
    detail = f" ({'; '.join(delivery.details)})" if delivery.details else ""
    ctx.warn(f"aisync: error: test message not sent to {where}: {delivery.problem}{detail}")
    log_line(ctx.settings, "notify-test", "notify", None, "failed", detail=delivery.problem)
    return EXIT_PROVIDER_FAILED
