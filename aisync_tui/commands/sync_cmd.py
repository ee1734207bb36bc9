"""`aisync sync status` and `aisync sync failed`: what the scheduled runs did, for people and for
monitoring checks (`aisync sync status --fail-after 3` exits 1 when a provider keeps failing).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from ..jsonvalue import JSONOut

if TYPE_CHECKING:
    from ..store.queries import RunRow
    from ..store.run_status import ProviderHealth
    from ._base import Context, Subparsers


#: Failed runs listed under the status table.
RECENT_FAILURES = 5
JOB_LABELS = {"models": "model sync", "pricing": "pricing sync", "cleanup": "model cleanup", "usage": "usage import"}


def register(sub: Subparsers) -> None:
    from ._base import Parser, add_common

    p = sub.add_parser("sync", help="the health of scheduled syncs: status and failed runs")
    ssub = p.add_subparsers(dest="sync_command", metavar="SUBCOMMAND", parser_class=Parser)
    s = ssub.add_parser(
        "status",
        help="per provider: last success, last failure and its error, changes, failures in a row",
        description="Per provider and job: the last success, the last failure and its error, what the last "
        "successful run changed, how many times in a row it has failed, and the recent failed runs.",
        epilog="Exit codes: 0, or 1 when --fail-after N is given and some provider failed more than N times in a row.",
    )
    add_common(s)
    s.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    s.add_argument("--fail-after", type=_non_negative, metavar="N", help="exit 1 when any provider has failed more than N times in a row (for monitoring checks)")
    s.set_defaults(handler=run_status)
    f = ssub.add_parser("failed", help="the failed runs with their errors (like queue:failed)")
    add_common(f)
    f.add_argument("--limit", type=_positive, default=50, metavar="N", help="show at most N runs, newest first (default: 50)")
    f.add_argument("--provider", metavar="NAME", help="only this provider's runs")
    f.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    f.set_defaults(handler=run_failed)
    p.set_defaults(handler=None)


def _non_negative(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _positive(text: str) -> int:
    import argparse

    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


# ----------------------------------------------------------------------------- formatting


def iso(ts: datetime | None) -> str | None:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ") if ts else None


def ago(ts: datetime, now: datetime) -> str:
    seconds = int((now - ts).total_seconds())
    if seconds < 0:
        return "in the future"
    if seconds < 90:
        return "just now" if seconds < 10 else f"{seconds} s ago"
    if seconds < 90 * 60:
        return f"{seconds // 60} min ago"
    if seconds < 36 * 3600:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def when(ts: datetime | None, now: datetime) -> str:
    if ts is None:
        return "never"
    return f"{ts.strftime('%Y-%m-%d %H:%M')} ({ago(ts, now)})"


def changes_text(run: RunRow | None) -> str:
    if run is None:
        return "-"
    parts = [f"{n} {label}" for n, label in ((run.added, "added"), (run.updated, "updated"), (run.missing, "missing"), (run.removed, "removed"), (run.prices_changed, "prices")) if n]
    return ", ".join(parts) if parts else "no changes"


def run_json(run: RunRow | None) -> JSONOut | None:
    if run is None:
        return None
    return {
        "id": run.id,
        "run": run.group,
        "kind": run.kind,
        "provider": run.provider,
        "status": run.status,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "seconds": round(run.duration, 3) if run.duration is not None else None,
        "found": run.found,
        "added": run.added,
        "updated": run.updated,
        "missing": run.missing,
        "removed": run.removed,
        "prices_changed": run.prices_changed,
        "error": run.error,
        "error_kind": run.error_kind,
    }


def _provider_label(h: ProviderHealth) -> str:
    return h.provider or "(all)"


# ----------------------------------------------------------------------------- sync status


def run_status(ctx: Context) -> int:
    from ..domain import utcnow
    from ..render.table import ascii_table
    from ..store.run_status import failed_run_count, failed_runs, provider_health

    args = ctx.args
    store = ctx.store(create=False)
    now = utcnow()
    health = provider_health()
    recent = failed_runs(limit=RECENT_FAILURES)
    total_failed = failed_run_count() if recent else 0
    limit = args.fail_after
    alerts = [h for h in health if limit is not None and h.consecutive_failures > limit]
    exit_code = 1 if alerts else 0

    if args.format == "json":
        data = {
            "store": store.location,
            "generated_at": iso(now),
            "fail_after": limit,
            "providers": [
                {
                    "provider": h.provider,
                    "kind": h.kind,
                    "status": h.last_run.status,
                    "last_run": run_json(h.last_run),
                    "last_success": run_json(h.last_success),
                    "last_failure": run_json(h.last_failure),
                    "consecutive_failures": h.consecutive_failures,
                    "alert": h in alerts,
                }
                for h in health
            ],
            "recent_failures": [run_json(r) for r in recent],
            "failed_runs_total": total_failed,
            "alerts": [{"provider": h.provider, "kind": h.kind, "consecutive_failures": h.consecutive_failures} for h in alerts],
        }
        ctx.print(json.dumps(data, indent=2))
        return exit_code

    ctx.print(f"Sync status of {store.location} at {now.strftime('%Y-%m-%d %H:%M')} UTC")
    ctx.print("")
    if not health:
        ctx.print("No sync has run against this store yet.")
        ctx.print("Run `aisync sync-models`, or schedule `aisync --sync-all` (see `aisync schedule show`).")
        return 0
    rows = []
    for h in health:
        mark = " !" if h in alerts else ""
        rows.append(
            [
                _provider_label(h),
                JOB_LABELS.get(h.kind, h.kind),
                h.last_run.status,
                when(h.last_success.started_at if h.last_success else None, now),
                when(h.last_failure.started_at if h.last_failure else None, now),
                f"{h.consecutive_failures}{mark}",
                changes_text(h.last_success),
            ]
        )
    headers = ["Provider", "Job", "Last run", "Last success", "Last failure", "Failed in a row", "Changed by last success"]
    ctx.print(ascii_table(headers, rows, align_right=[5]))
    from ..render.inert import inert

    errors = [h for h in health if h.last_failure is not None]
    if errors:
        ctx.print("")
        ctx.print("Last failure of each provider:")
        for h in errors:
            f = h.last_failure
            assert f is not None
            state = "failing now" if h.consecutive_failures else "recovered"
            ctx.print(f"  {_provider_label(h)} ({JOB_LABELS.get(h.kind, h.kind)}, {state}): {inert(f.error or f.status, 300)}")
    if recent:
        ctx.print("")
        more = "" if total_failed <= len(recent) else f"; `aisync sync failed` lists all {total_failed}"
        ctx.print(f"Recent failed runs ({len(recent)} of {total_failed}{more}):")
        for r in recent:
            ctx.print(
                f"  #{r.id}  {r.started_at.strftime('%Y-%m-%d %H:%M') if r.started_at else 'unreadable time'}  {r.provider or '(all)'}  "
                f"{JOB_LABELS.get(r.kind, r.kind)}  {r.error_kind or r.status}  run={r.group}"
            )
    if alerts:
        ctx.print("")
        for h in alerts:
            ctx.warn(
                f"ALERT: {_provider_label(h)} {JOB_LABELS.get(h.kind, h.kind)} has failed {h.consecutive_failures} times in a row "
                f"(more than --fail-after {limit})"
            )
    return exit_code


# ----------------------------------------------------------------------------- sync failed


def run_failed(ctx: Context) -> int:
    from ..render.table import ascii_table
    from ..store.run_status import failed_run_count, failed_runs

    args = ctx.args
    ctx.store(create=False)
    runs = failed_runs(limit=args.limit, provider=args.provider)
    if args.format == "json":
        ctx.print(json.dumps([run_json(r) for r in runs], indent=2))
        return 0
    if not runs:
        ctx.print("No failed runs." if not args.provider else f"No failed runs for {args.provider}.")
        return 0
    rows = [
        [r.id, r.group, r.started_at.strftime("%Y-%m-%d %H:%M:%S") if r.started_at else "", JOB_LABELS.get(r.kind, r.kind), r.provider or "(all)", r.error_kind or r.status, r.error or ""]
        for r in runs
    ]
    # An error line is worth more room than other cells; it is still cut (errors quote the provider).
    ctx.print(ascii_table(["ID", "Run", "Failed At (UTC)", "Job", "Provider", "Kind", "Error"], rows, align_right=[0], max_cell=300))
    total = failed_run_count(provider=args.provider)
    if total > len(runs):
        ctx.print(f"{len(runs)} of {total} failed runs shown; use --limit to see more.")
    return 0
