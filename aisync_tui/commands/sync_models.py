"""`aisync sync-models` and `aisync --sync-all`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..jsonvalue import JSONOut

if TYPE_CHECKING:
    from ..config import Settings
    from ..events import EmitFn, Event
    from ..outcomes import Plan, ProviderOutcome, RunSummary
    from ..sync.plan import ProviderPlan
    from ._base import Context, Subparsers


def register(sub: Subparsers) -> None:
    from ._base import add_common

    p = sub.add_parser("sync-models", help="sync the model lists of the configured providers", description="Fetch each provider's model list, compare it with the store, and apply the changes.")
    add_common(p)
    p.add_argument("--provider", metavar="NAME", action="append", help="only this provider (repeatable)")
    p.add_argument("--force", action="store_true", help="sync even if recently synced (ignore cache_ttl)")
    p.add_argument("--accept-shrink", action="store_true", help="mark models missing even when a list came back empty or lost more than half of them")
    p.add_argument("--verbose", "-v", action="store_true", help="show each model and each changed field")
    p.add_argument("--dry-run", action="store_true", help="show what would be synced without writing anything")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="API timeout in seconds (default: model_sync.timeout, 30)")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary instead of text")
    p.set_defaults(handler=run_sync_models)


def _names(settings: Settings) -> dict[str, str]:
    return {slug: p.name for slug, p in settings.providers.items()}


def _emitter(ctx: Context, verbose: bool) -> EmitFn:
    from ..events import ProviderPlanned, RequestFinished, RequestRetrying, ValuesRefused, Warning
    from ..render.words import describe

    planned: set[str] = set()

    def emit(event: Event) -> None:
        if isinstance(event, ProviderPlanned):
            planned.add(event.provider)
        if verbose and isinstance(event, (RequestFinished, RequestRetrying, ValuesRefused)):
            line = describe(event)
            if line:
                ctx.warn(line)
        elif isinstance(event, Warning) and event.provider not in planned:
            # Warnings raised while a provider's list is read (models skipped); the shrink
            # guard's warning comes with the plan and is printed with the provider's result.
            line = describe(event)
            if line:
                ctx.warn(line)

    return emit


def _check_timeout(value: float | None) -> None:
    from ..config import NUMBER_RANGES
    from ..errors import UsageError

    low, high = NUMBER_RANGES["model_sync.timeout"]
    if value is not None and not (low <= value <= high):  # also refuses nan
        raise UsageError(f"--timeout must be a number of seconds from {low:g} to {high:g}, not {value:g}")


def run_model_sync(
    ctx: Context, *, providers: list[str] | None, force: bool, dry_run: bool, timeout: float | None, verbose: bool, accept_shrink: bool = False
) -> RunSummary[ProviderPlan]:
    from ..runlog import log_summary
    from ..sync.runner import ModelSyncRunner

    settings = ctx.settings
    store = ctx.store()
    runner = ModelSyncRunner(
        settings, store, providers=providers, force=force, accept_shrink=accept_shrink, dry_run=dry_run, timeout=timeout,
        emit=_emitter(ctx, verbose),
    )
    if dry_run:
        summary = runner.run()
    else:
        with ctx.lock():
            summary = runner.run()
        log_summary(settings, summary)
    return summary


def run_sync_models(ctx: Context) -> int:
    from ..render.sync_text import print_dry_run, print_provider_result, print_verbose

    args = ctx.args
    _check_timeout(args.timeout)
    settings = ctx.settings
    if not settings.model_sync.enabled:
        ctx.print("Model sync is disabled (model_sync.enabled = false or AISYNC_MODEL_SYNC_ENABLED=false); nothing to do.")
        return 0
    providers = args.provider
    if providers:
        for slug in providers:
            settings.provider(slug)
    names = _names(settings)
    if not args.json and not args.dry_run:
        if providers and len(providers) == 1:
            ctx.print(f"Syncing models from {names[providers[0]]}...")
        else:
            ctx.print("Syncing models from AI providers...")
        ctx.print("")
    summary = run_model_sync(
        ctx, providers=providers, force=args.force, dry_run=args.dry_run, timeout=args.timeout, verbose=args.verbose,
        accept_shrink=args.accept_shrink,
    )
    _notify(ctx, [summary])
    if args.json:
        ctx.print(json.dumps(summary_json(summary, names), indent=2))
        return summary.exit_code
    if args.dry_run:
        print_dry_run(ctx.print, names, summary)
        return summary.exit_code
    per = settings.pricing.per
    shown = [o for o in summary.outcomes if o.status != "skipped" or o.skip_reason == "recently_synced" or providers]
    for outcome in shown:
        if args.verbose:
            print_verbose(ctx.print, names.get(outcome.provider, outcome.provider), outcome, per)
        else:
            print_provider_result(ctx.print, names.get(outcome.provider, outcome.provider), outcome)
        ctx.print("")
    quiet_skips = [o for o in summary.outcomes if o not in shown]
    if quiet_skips:
        ctx.print("Not configured: " + ", ".join(o.provider for o in quiet_skips) + " (see `aisync providers`)")
        ctx.print("")
    print_totals(ctx, summary)
    return summary.exit_code


def print_totals(ctx: Context, summary: RunSummary[Plan]) -> None:
    from ..render.words import plural

    synced = summary.synced
    failed = summary.failed
    if not synced and not failed:
        ctx.print("Nothing to sync: no provider is configured or due (use --force to sync recently synced providers).")
        return
    if failed:
        ctx.print(f"Sync completed with errors: {plural(len(failed), 'provider')} failed ({', '.join(o.provider for o in failed)})")
    else:
        ctx.print("Sync completed successfully!")
    found = sum(o.plan.found for o in synced if o.plan is not None)
    ctx.print(f"Total: {plural(found, 'model')} synced across {plural(len(synced), 'provider')}")


def outcome_json(o: ProviderOutcome[Plan], names: dict[str, str]) -> JSONOut:
    from ..errors import error_kind

    data: JSONOut = {"provider": o.provider, "name": names.get(o.provider, o.provider), "status": o.status}
    if o.plan is not None:
        data.update(o.plan.counts())
        if o.plan.guard:
            data["warning"] = o.plan.guard
    if o.error is not None:
        data.update(error=o.error.message, error_kind=error_kind(o.error), hint=o.error.hint)
    if o.skip_reason:
        data.update(skip_reason=o.skip_reason, detail=o.skip_detail)
    if getattr(o, "refused", 0):
        data["refused_values"] = o.refused
    data["seconds"] = round(o.elapsed, 3)
    return data


def summary_json(summary: RunSummary[Plan], names: dict[str, str]) -> JSONOut:
    return {
        "kind": summary.kind,
        "run": summary.group,
        "dry_run": summary.dry_run,
        "started_at": summary.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "finished_at": summary.finished_at.strftime("%Y-%m-%dT%H:%M:%SZ") if summary.finished_at else None,
        "providers": [outcome_json(o, names) for o in summary.outcomes],
        "totals": summary.totals(),
        "failed": [o.provider for o in summary.failed],
        **summary.extra,
    }


def _notify(ctx: Context, summaries: list[RunSummary[Plan]]) -> None:
    """One notification per committed run (never on a dry run); it never changes the exit code."""
    if ctx.settings.notify.urls:
        from ..notify.hook import after_run

        after_run(ctx, summaries)


def run_sync_all(ctx: Context) -> int:
    """The scheduled job: model sync, then (when available) pricing sync; one concise summary."""
    from contextlib import nullcontext

    args = ctx.args
    _check_timeout(args.timeout)
    settings = ctx.settings
    stages: dict[str, RunSummary[Plan]] = {}
    exit_code = 0
    # One lock for the whole job: let go between the stages, another run could take it and the
    # pricing stage would end in exit 75 after the models were written.
    with nullcontext() if args.dry_run else ctx.lock():
        if settings.model_sync.enabled:
            summary = run_model_sync(
                ctx, providers=None, force=args.force, dry_run=args.dry_run, timeout=args.timeout, verbose=False,
                accept_shrink=args.accept_shrink,
            )
            stages["models"] = summary
            exit_code = max(exit_code, summary.exit_code)
        if not args.no_pricing:
            from .pricing_stage import sync_all_stage

            p_summary = sync_all_stage(ctx, force=args.force, dry_run=args.dry_run, timeout=args.timeout)
            stages["pricing"] = p_summary
            exit_code = max(exit_code, p_summary.exit_code)
    # After the lock is released: the message goes out once the whole job has committed.
    _notify(ctx, list(stages.values()))
    return _print_sync_all(ctx, stages, exit_code)


def _print_sync_all(ctx: Context, stages: dict[str, RunSummary[Plan]], exit_code: int) -> int:
    args = ctx.args
    settings = ctx.settings
    names = _names(settings)
    if args.json:
        ctx.print(json.dumps({k: summary_json(v, names) for k, v in stages.items()} | {"exit_code": exit_code}, indent=2))
        return exit_code
    for kind, summary in stages.items():
        label = {"models": "model sync", "pricing": "pricing sync"}[kind]
        if args.quiet:
            for o in summary.failed:
                ctx.warn(f"{label}: {o.provider}: {o.error.line() if o.error is not None else 'failed'}")
            continue
        parts = []
        for o in summary.outcomes:
            if o.status == "skipped" and o.skip_reason in ("not_configured", "disabled", "unsupported"):
                continue
            if o.status == "failed" and o.error is not None:
                parts.append(f"{o.provider} failed: {o.error.line()}")
            elif o.plan is not None:
                c = o.plan.counts()
                if kind == "pricing":
                    detail = f"{c['prices_changed']} prices changed, {c['unchanged']} unchanged, {c.get('unmatched', 0)} unmatched"
                else:
                    detail = f"{c['found']} found, {c['added']} added, {c['updated']} updated, {c['missing']} missing"
                parts.append(f"{o.provider} {o.status} ({detail})")
            elif o.error is not None:
                parts.append(f"{o.provider} failed: {o.error.line()}")
            else:
                parts.append(f"{o.provider} skipped ({o.skip_detail})")
        prefix = "DRY RUN " if args.dry_run else ""
        ctx.print(f"{prefix}{label}: " + ("; ".join(parts) if parts else "nothing to do"))
    if not settings.model_sync.enabled and not args.quiet:
        ctx.print("model sync: disabled (model_sync.enabled = false)")
    return exit_code


