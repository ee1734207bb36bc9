"""`aisync usage import llm|openai|anthropic|csv|jsonl` and `aisync usage report`."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

from ..jsonvalue import JSONOut

if TYPE_CHECKING:
    from ..usage.records import ImportResult
    from ..usage.stats import GroupUsage, UsageSummary, UsageTotals
    from ._base import Context, Parser, Subparsers


FORMATS = ("table", "json", "csv")


def register(sub: Subparsers) -> None:
    from ._base import Parser, add_common

    usage = sub.add_parser("usage", help="import what you spent and report it", description="Import usage from the llm tool, the OpenAI/Anthropic admin APIs or files, priced at the time it happened; report it.")
    usub = usage.add_subparsers(dest="usage_command", metavar="SUBCOMMAND", parser_class=Parser)

    imp = usub.add_parser("import", help="import usage records (re-importing never counts twice)")
    isub = imp.add_subparsers(dest="import_source", metavar="SOURCE", parser_class=Parser)

    p = isub.add_parser("llm", help="the llm tool's logs.db", description="Import every request logged by the `llm` command-line tool (any logs.db schema). Opens it read-only.")
    add_common(p)
    p.add_argument("path", nargs="?", metavar="PATH", help="logs.db (default: $LLM_USER_PATH/logs.db or llm's user dir)")
    p.add_argument("--since", metavar="DATE", help="only requests on or after DATE (YYYY-MM-DD)")
    _output(p)
    p.set_defaults(handler=run_import_llm)

    for name, env, what in (
        ("openai", "OPENAI_ADMIN_KEY", "OpenAI organization Usage and Costs APIs"),
        ("anthropic", "ANTHROPIC_ADMIN_KEY", "Anthropic Usage & Cost Admin API (no request counts: shown as unknown)"),
    ):
        p = isub.add_parser(name, help=f"the {what}", description=f"Import daily usage per model from the {what}, with an Admin key in {env}.")
        add_common(p)
        p.add_argument("--days", type=int, default=30, metavar="N", help="how many days back, today included (default: 30)")
        p.add_argument("--base-url", metavar="URL", help="API root (default: the provider's, e.g. https://api.openai.com/v1)")
        p.add_argument("--no-costs", action="store_true", help="skip the cost report; costs are then computed from the price ledger")
        p.add_argument("--timeout", type=float, metavar="SECONDS", help="HTTP timeout per request (default: model_sync.timeout)")
        _output(p)
        p.set_defaults(handler=run_import_admin, admin=name)

    for name in ("csv", "jsonl"):
        p = isub.add_parser(
            name,
            help=f"a {name.upper()} file with the documented columns" + (" (or the OpenAI dashboard export)" if name == "csv" else ""),
            description="Columns: timestamp, provider, model, requests, input_tokens, output_tokens, cached_tokens, cost_usd (and optional ref). "
            "A bad line stops the import with its line number; nothing from the file is imported then.",
        )
        add_common(p)
        p.add_argument("file", metavar="FILE")
        _output(p)
        p.set_defaults(handler=run_import_file, file_format=name)
    imp.set_defaults(handler=None)

    p = usub.add_parser("report", help="totals by provider and model, top models by cost, unpriced share", description="Report usage and spend over the last N days (UTC calendar days, today included).")
    add_common(p)
    p.add_argument("--days", type=int, default=30, metavar="N", help="window in days (default: 30)")
    p.add_argument("--provider", metavar="NAME", help="only this provider")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="models listed under 'Top models by cost' (default: 10)")
    p.set_defaults(handler=run_report)
    from .whatif import add_parser as add_whatif

    add_whatif(usub)
    usage.set_defaults(handler=None)


def _output(p: Parser) -> None:
    p.add_argument("--json", action="store_true", help="print a machine-readable summary")


#: The longest window a report or import covers.
MAX_DAYS = 36_500


def _check_days(days: int) -> None:
    from ..errors import UsageError

    if days < 1:
        raise UsageError(f"--days must be at least 1, not {days}")
    if days > MAX_DAYS:
        raise UsageError(f"--days must be at most {MAX_DAYS:,} (100 years), not {days:,}")


# ----------------------------------------------------------------------------- imports


def _print_result(ctx: Context, title: str, result: ImportResult) -> None:
    from ..render.words import plural

    if ctx.args.json:
        ctx.print(json.dumps(result.to_json(), indent=2))
        return
    ctx.print(title)
    span = ""
    if result.first_ts and result.last_ts:
        span = f" ({result.first_ts:%Y-%m-%d} to {result.last_ts:%Y-%m-%d})"
    ctx.print(f"  Read: {plural(result.read, 'record')}{span}")
    ctx.print(f"  Added: {result.added} / Updated: {result.updated} / Already imported: {result.unchanged}")
    if result.added or result.updated:
        parts = [f"{result.reported} reported by the provider", f"{result.priced} computed from the price in force"]
        if result.estimated:
            parts.append(f"{result.estimated} estimated with the earliest known price (older than any price period)")
        parts.append(f"{result.unpriced} unpriced (no known price)")
        ctx.print("  Cost: " + ", ".join(parts))
    if result.repriced_older:
        ctx.print(f"  Priced {plural(result.repriced_older, 'earlier record')} that had no price when imported")
    if result.models_not_in_store:
        from ..render.inert import inert

        names = sorted(inert(f"{p}/{m}", 120) for p, m in result.models_not_in_store)
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        ctx.print(f"  Not in the catalog (kept and shown): {shown}")
    for note in result.notes:
        ctx.print(f"  Note: {note}")


def run_import_llm(ctx: Context) -> int:
    from pathlib import Path

    from ..errors import UsageError
    from ..usage import llm_logs

    since = None
    if ctx.args.since:
        from ..usage.records import parse_ts

        try:
            since = parse_ts(ctx.args.since, "--since")
        except ValueError:
            raise UsageError(f"--since {ctx.args.since!r} is not a date", hint="write it as YYYY-MM-DD") from None
    path = Path(ctx.args.path).expanduser() if ctx.args.path else llm_logs.default_path()
    rows, notes = llm_logs.read_rows(path, since=since)  # read (and fail) before taking the lock
    from ..usage.records import write_rows

    ctx.store()
    with ctx.lock():
        llm_logs.adopt_old_legacy_refs(rows)
        result = write_rows(rows, source=llm_logs.SOURCE)
    result.notes.extend(notes)
    _print_result(ctx, f"Imported usage from llm logs ({path})", result)
    return 0


def run_import_admin(ctx: Context) -> int:
    from ..errors import UsageError

    args = ctx.args
    _check_days(args.days)
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, not {args.timeout:g}")
    from ..usage import anthropic_admin, openai_admin

    mod = openai_admin if args.admin == "openai" else anthropic_admin
    from ..errors import ProviderError
    from ..usage.admin_http import make_client
    from ..usage.records import record_failure, write_rows

    settings = ctx.settings
    try:
        with make_client(settings, args.timeout) as client:
            rows, count = mod.fetch(args.days, base_url=args.base_url, settings=settings, client=client, costs=not args.no_costs)
    except ProviderError as exc:
        ctx.store()
        record_failure(mod.SOURCE, exc)
        raise
    ctx.store()
    with ctx.lock():
        result = write_rows(rows, source=mod.SOURCE)
    result.notes.append(f"{count} pages fetched")
    if args.admin == "anthropic" and result.read:
        result.notes.append("Anthropic reports no request counts: requests are unknown for these records")
    name = {"openai": "OpenAI", "anthropic": "Anthropic"}[args.admin]
    _print_result(ctx, f"Imported usage from the {name} admin API (last {args.days} days)", result)
    return 0


def run_import_file(ctx: Context) -> int:
    from pathlib import Path

    from ..usage import files
    from ..usage.records import write_rows

    path = Path(ctx.args.file).expanduser()
    if ctx.args.file_format == "csv":
        rows, fmt = files.parse_csv(path)
    else:
        rows, fmt = files.parse_jsonl(path), "jsonl"
    ctx.store()
    with ctx.lock():
        result = write_rows(rows, source=fmt)
    if fmt == "openai-export":
        result.notes.append("read as the OpenAI dashboard usage export")
    _print_result(ctx, f"Imported usage from {path}", result)
    return 0


# ----------------------------------------------------------------------------- report


def _int(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def _requests(t: UsageTotals) -> str:
    if t.total_requests is None:
        return "—"
    text = f"{t.total_requests:,}"
    return text + "+" if t.unknown_request_records else text


def _share(value: Decimal | None) -> str:
    if value is None:
        return "—"
    pct = value * 100
    if 0 < pct < Decimal("0.1"):
        return "<0.1%"
    return f"{pct:.1f}%"


def _dec(value: Decimal | None) -> str | None:
    from ..render.money import json_text

    return json_text(value)


def group_json(g: UsageTotals) -> JSONOut:
    data: JSONOut = {
        "records": g.records,
        "requests": g.total_requests,
        "records_without_request_count": g.unknown_request_records,
        "input_tokens": g.input_tokens,
        "output_tokens": g.output_tokens,
        "cached_tokens": g.cached_tokens,
        "total_tokens": g.total_tokens,
        "cost_usd": _dec(g.total_cost),
        "cost_reported_usd": _dec(g.reported_cost),
        "cost_computed_usd": _dec(g.computed_cost),
        "cost_estimated_usd": _dec(g.estimated_cost),
        "average_cost_per_request_usd": _dec(g.average_cost_per_request),
        "unpriced_records": g.unpriced_records,
        "unpriced_tokens": g.unpriced_tokens,
        "unpriced_share": _dec(g.unpriced_share),
        "first": g.first_ts.strftime("%Y-%m-%dT%H:%M:%SZ") if g.first_ts else None,
        "last": g.last_ts.strftime("%Y-%m-%dT%H:%M:%SZ") if g.last_ts else None,
    }
    return data


def report_json(s: UsageSummary, top: int) -> JSONOut:
    return {
        "days": s.days,
        "since": s.since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "until": s.until.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "provider": s.provider,
        "totals": group_json(s.totals),
        "by_provider": [{"provider": g.provider, **group_json(g)} for g in s.by_provider],
        "by_model": [
            {"provider": g.provider, "model": g.model_id, "resolved_models": list(g.resolved), "in_catalog": g.in_store, **group_json(g)}
            for g in s.by_model
        ],
        "top_models_by_cost": [{"provider": g.provider, "model": g.model_id, "cost_usd": _dec(g.total_cost)} for g in s.top_models(top)],
        "daily": [{"date": d.date.isoformat(), "requests": d.requests, "tokens": d.tokens, "cost_usd": _dec(d.cost)} for d in s.daily],
        "sources": s.sources,
        "damaged_records": s.damaged_records,
    }


CSV_HEADERS = (
    "provider", "model", "in_catalog", "records", "requests", "records_without_request_count", "input_tokens", "output_tokens",
    "cached_tokens", "cost_usd", "average_cost_per_request_usd", "unpriced_records", "unpriced_tokens", "resolved_models",
)


def _cost_parts(t: UsageTotals) -> str:
    """The same split the JSON gives: reported, computed, and estimated when there is any."""
    from ..render.money import usd_grouped

    parts = [f"reported {usd_grouped(t.reported_cost)}", f"computed {usd_grouped(t.computed_cost)}"]
    if t.estimated_cost:
        parts.append(f"estimated {usd_grouped(t.estimated_cost)}")
    return ", ".join(parts)


def average_text(value: Decimal | None) -> str:
    """The average as the JSON gives it (whole millionths of a dollar), with at least two decimals."""
    if value is None:
        return "—"
    exponent = value.as_tuple().exponent  # a letter only for NaN and infinity, which no sum makes
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"${value:,.{places}f}"


def model_label(g: GroupUsage) -> str:
    """`gpt-4o-mini → gpt-4o-mini-2024-07-18`: what was asked for, then what it resolved to."""
    label = str(g.model_id) + (f" → {', '.join(g.resolved)}" if g.resolved else "")
    return label + ("" if g.in_store else " *")


def run_report(ctx: Context) -> int:
    from ..render.inert import inert
    from ..render.money import usd_grouped
    from ..render.table import ascii_table, csv_text
    from ..usage.stats import usage_summary

    args = ctx.args
    _check_days(args.days)
    if args.top < 1:
        from ..errors import UsageError

        raise UsageError(f"--top must be at least 1, not {args.top}")
    if args.provider:
        ctx.settings  # noqa: B018 - load config (and its warnings) like every command
    ctx.store()
    s = usage_summary(args.days, provider=args.provider)
    if args.format == "json":
        ctx.print(json.dumps(report_json(s, args.top), indent=2))
        return 0
    if args.format == "csv":
        rows = [
            (g.provider, g.model_id, "yes" if g.in_store else "no", g.records, g.total_requests, g.unknown_request_records, g.input_tokens,
             g.output_tokens, g.cached_tokens, _dec(g.total_cost), _dec(g.average_cost_per_request), g.unpriced_records, g.unpriced_tokens,
             " ".join(g.resolved))
            for g in s.by_model
        ]
        ctx.out.write(csv_text(CSV_HEADERS, rows))
        return 0
    t = s.totals
    scope = f" for {args.provider}" if args.provider else ""
    ctx.print(f"Usage Statistics (Last {s.days} days{scope}: {s.since:%Y-%m-%d} to {s.until:%Y-%m-%d}, UTC)")
    from ..render.model_text import damaged_usage_line
    from ..render.words import plural

    damaged = f"  {damaged_usage_line(s.damaged_records)}" if s.damaged_records else ""
    if t.records == 0:
        ctx.print("  No usage recorded in this window. Import some with `aisync usage import llm|openai|anthropic|csv|jsonl`.")
        if damaged:
            ctx.print(damaged)
        return 0
    if damaged:
        ctx.print(damaged)

    ctx.print(f"  Total Requests: {_requests(t)}" + (f" ({plural(t.unknown_request_records, 'record')} without a request count)" if t.unknown_request_records else ""))
    ctx.print(f"  Total Tokens: {t.total_tokens:,} (input {t.input_tokens:,}, output {t.output_tokens:,}, cached {t.cached_tokens:,})")
    ctx.print(f"  Total Cost: {usd_grouped(t.total_cost)}" + (f" ({_cost_parts(t)})" if t.total_cost else ""))
    ctx.print(f"  Average Cost per Request: {average_text(t.average_cost_per_request)}")
    if t.unpriced_records:
        ctx.print(
            f"  Unpriced: {plural(t.unpriced_records, 'record')}, {t.unpriced_tokens:,} tokens ({_share(t.unpriced_share)} of tokens) had no known price; "
            "the cost above leaves them out (run `aisync sync-pricing`, then re-import)"
        )
    if t.estimated_cost:
        ctx.print(f"  Estimated: {usd_grouped(t.estimated_cost)} of it predates every known price period and uses the earliest known price")
    ctx.print("")
    ctx.print("By provider:")
    ctx.print(ascii_table(
        ("Provider", "Requests", "Tokens", "Cost", "Unpriced"),
        [(g.provider, _requests(g), _int(g.total_tokens), usd_grouped(g.total_cost), _share(g.unpriced_share)) for g in s.by_provider],
        align_right=(1, 2, 3, 4),
    ))
    top = s.top_models(args.top)
    if top and t.total_cost:
        ctx.print("")
        ctx.print("Top models by cost:")
        for i, g in enumerate(top, 1):
            assert g.total_cost is not None  # top_models() keeps models with a known cost only
            ctx.print(f"  {i}. {inert(g.provider + '/' + g.model_id, 120)}: {usd_grouped(g.total_cost)} ({_share(g.total_cost / t.total_cost)})")
    ctx.print("")
    ctx.print("By model:")
    ctx.print(ascii_table(
        ("Provider", "Model", "Requests", "Input", "Output", "Cost", "Avg/request", "Unpriced"),
        [
            (g.provider, model_label(g), _requests(g), _int(g.input_tokens), _int(g.output_tokens),
             usd_grouped(g.total_cost), average_text(g.average_cost_per_request), _share(g.unpriced_share))
            for g in s.by_model
        ],
        align_right=(2, 3, 4, 5, 6, 7),
    ))
    notes = []
    if any(not g.in_store for g in s.by_model):
        notes.append("* not in the catalog: usage kept and shown; `aisync sync-models` or `sync-pricing` may add it")
    if any(g.unknown_request_records for g in s.by_model):
        notes.append("Requests ending in + or shown as — leave out records whose source gives no request count (Anthropic)")
    for n in notes:
        ctx.print(n)
    return 0
