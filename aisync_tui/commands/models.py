"""`aisync models list|info|cleanup`."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

if TYPE_CHECKING:
    from ..jsonvalue import JSON, JSONOut
    from ..store.db import Store
    from ..store.queries import ModelRow
    from ._base import Context, Subparsers


SORTS = ("name", "provider", "type", "created_at", "synced_at", "context_length", "input_price", "output_price", "status", "released",
         "cutoff", "updated")

#: What the table shows for a fact no source states (CSV leaves the cell empty).
UNKNOWN = "—"


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """What `models list` reads beside a model's list row: the facts models.dev states that the
    row does not carry, and the disagreements between sources the last pricing sync recorded."""

    knowledge_cutoff: str | None
    last_updated: str | None
    disputes: list[dict[str, JSON]] | None
    """As recorded in `field_sources["disputes"]`: `{"field": ..., "values": {source: value}}`;
    empty when the sources agree, None when the record cannot be read (a damaged store)."""

    @property
    def disputed_fields(self) -> list[str]:
        return [field for d in self.disputes or () if isinstance(field := d.get("field"), str)]


#: The facts of a row read without them (a table or CSV with no --columns).
NO_FACTS = ModelFacts(None, None, [])


@dataclass(frozen=True, slots=True)
class FactColumn:
    """An optional column of the table and CSV: `--columns NAME`."""

    name: str
    header: str
    cell: Callable[[ModelRow, ModelFacts], str | None]
    """The cell's text; None when no source states it."""


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _disputed_cell(facts: ModelFacts) -> str | None:
    """What the sources disagree on ("input, context length"), "no", or None when unreadable."""
    if facts.disputes is None:
        return None
    fields = facts.disputed_fields
    return ", ".join(f.replace("_", " ") for f in fields) if fields else _yes_no(bool(facts.disputes))


#: The optional columns, in the order they are shown whatever order `--columns` names them in.
FACT_COLUMNS: tuple[FactColumn, ...] = (
    FactColumn("released", "Released", lambda row, facts: row.released_at),
    FactColumn("cutoff", "Knowledge Cutoff", lambda row, facts: facts.knowledge_cutoff),
    FactColumn("updated", "Last Updated", lambda row, facts: facts.last_updated),
    FactColumn("open_weights", "Open Weights", lambda row, facts: _yes_no(row.open_weights)),
    FactColumn("disputed", "Disputed", lambda row, facts: _disputed_cell(facts)),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in FACT_COLUMNS)


def register(sub: Subparsers) -> None:
    from ..domain import CAPABILITIES, MODEL_TYPES, TYPE_FAMILIES
    from ._base import Parser, add_common

    models = sub.add_parser("models", help="list, inspect and clean up the models in the store")
    msub = models.add_subparsers(dest="models_command", metavar="SUBCOMMAND", parser_class=Parser)

    p = msub.add_parser("list", help="list models", description="List the models in the store: what your providers list, and the price catalog.")
    add_common(p)
    p.add_argument("--provider", metavar="NAME", help="only this provider")
    families = "; ".join(f"{k} also matches {', '.join(v[1:])}" for k, v in TYPE_FAMILIES.items())
    p.add_argument("--type", choices=MODEL_TYPES, metavar="TYPE", help=f"only this type ({', '.join(MODEL_TYPES)}; {families})")
    p.add_argument("--active", action="store_true", help="only active models")
    p.add_argument("--available", action="store_true", help="only models your providers listed (not catalog entries)")
    p.add_argument("--catalog", action="store_true", help="only catalog entries (known from price feeds, not listed by your providers)")
    p.add_argument("--capability", action="append", choices=CAPABILITIES, metavar="CAP", help="only models with this capability (repeatable)")
    p.add_argument("--search", metavar="TEXT", help="only ids or names containing TEXT")
    p.add_argument("--open-weights", action="store_true", help="only models whose weights are published (as a source states)")
    p.add_argument("--released-after", metavar="DATE", help="only models released after DATE (YYYY-MM-DD), as a source states")
    p.add_argument("--disputed", action="store_true", help="only models whose sources disagree on a price or a limit")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output format (default: table)")
    p.add_argument(
        "--columns", action="append", metavar="NAMES",
        help=f"more table/CSV columns, comma-separated: {', '.join(COLUMN_NAMES)} or all "
        "(release date, knowledge cutoff, last update, open weights, what sources disagree on; "
        f"{UNKNOWN} when no source states it). JSON always has them",
    )
    p.add_argument("--sort", choices=SORTS, default="name", help="sort field (default: name)")
    p.add_argument("--per", choices=("1m", "1k"), help="price unit: per 1M (default) or 1K tokens")
    p.add_argument("--limit", type=int, metavar="N", help="at most N models")
    p.set_defaults(handler=run_list)

    p = msub.add_parser("info", help="everything about one model", description="Show one model: basics, capabilities, pricing (and its history), usage and sync state.")
    add_common(p)
    p.add_argument("model", help="model id or an alias its provider states, e.g. gpt-4o or codestral-latest")
    p.add_argument("provider", help="provider, e.g. openai")
    p.add_argument("--history", action="store_true", help="include the pricing history")
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    p.add_argument("--per", choices=("1m", "1k"), help="price unit: per 1M (default) or 1K tokens")
    p.add_argument("--days", type=int, default=30, metavar="N", help="usage statistics window in days (default: 30)")
    p.set_defaults(handler=run_info)

    p = msub.add_parser(
        "cleanup",
        help="remove missing, deprecated or stale models",
        description="Remove models that are missing, retired or deprecated, or not synced since DATE. "
        "Catalog entries and models that usage records reference are kept; usage records are never removed.",
    )
    add_common(p)
    p.add_argument("--dry-run", action="store_true", help="show what would be removed, remove nothing")
    p.add_argument("--older-than", metavar="DATE", help="cut-off date YYYY-MM-DD (default: 90 days ago)")
    p.add_argument("--provider", metavar="NAME", help="only this provider")
    p.add_argument("--force", action="store_true", help="remove without asking (needed without a terminal)")
    p.set_defaults(handler=run_cleanup)
    from .deprecations import add_parser as add_deprecations

    add_deprecations(msub)
    models.set_defaults(handler=None)


def _seed_catalog(ctx: Context, store: Store) -> None:
    """First run: the bundled price catalog fills the store (cheap once seeded)."""
    from ..pricing.seed import ensure_seeded

    ensure_seeded(store)


def fact_columns(requested: Iterable[str] | None) -> list[FactColumn]:
    """The optional columns `--columns` names (comma-separated, repeatable; `all` for every one)."""
    from ..errors import UsageError

    names: set[str] = set()
    for text in requested or ():
        for item in text.split(","):
            name = item.strip().lower().replace("-", "_")
            if not name:
                continue
            if name == "all":
                names.update(COLUMN_NAMES)
            elif name in COLUMN_NAMES:
                names.add(name)
            else:
                raise UsageError(f"--columns: no column named {item.strip()[:40]!r}", hint=f"valid columns: {', '.join(COLUMN_NAMES)}, all")
    return [c for c in FACT_COLUMNS if c.name in names]


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _disputes(sources: object) -> list[dict[str, JSON]] | None:
    """The disagreements recorded in a model's field_sources text (`sources` is None for a model
    that records none). None when the text is not a JSON object whose `disputes` is absent or a
    list: a damaged record reads as unknown for its own model, and the list goes on."""
    if sources is None:
        return []
    from ..jsonvalue import stored_json
    from ..render.model_text import disputes_recorded

    decoded = stored_json(sources) if isinstance(sources, (str, bytes)) else None
    if not isinstance(decoded, dict):
        return None
    return disputes_recorded(decoded.get("disputes"))


def _facts(cutoff: object, updated: object, sources: object) -> ModelFacts:
    """The three cells `run_list` selects beside a list row (see there), checked: a store edited by
    hand may hold anything in them, and a wrong kind reads as unknown."""
    return ModelFacts(_text_or_none(cutoff), _text_or_none(updated), _disputes(sources))


def _fact_cells(row: ModelRow, facts: ModelFacts, columns: Sequence[FactColumn], unknown: str) -> list[str]:
    out = []
    for column in columns:
        value = column.cell(row, facts)
        out.append(unknown if value is None else value)
    return out


def _with_facts(doc: JSONOut, cutoff: object, updated: object, sources: object) -> JSONOut:
    """A model of `models list --format json`: the list row's keys, then the facts and whether
    the sources disagree (the cells `_facts` reads, written straight in: this runs once per model
    of the catalog). What they disagree on is `models info`'s; here it would cost every model a key."""
    doc["knowledge_cutoff"] = cutoff if isinstance(cutoff, str) else None
    doc["last_updated"] = updated if isinstance(updated, str) else None
    disputes = [] if sources is None else _disputes(sources)
    doc["disputed"] = None if disputes is None else bool(disputes)
    return doc


def run_list(ctx: Context) -> int:
    import peewee as pw

    from ..errors import UsageError
    from ..render.model_text import list_headers, list_json, list_row
    from ..render.table import ascii_table, csv_text
    from ..store.models import Model, json_text_has
    from ..store.queries import model_rows_query, row_from_tuple
    from ..store.rowreader import read_rows

    args = ctx.args
    if args.available and args.catalog:
        raise UsageError("--available and --catalog exclude each other")
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    columns = fact_columns(args.columns)
    released_after = None
    if args.released_after is not None:
        released_after = parse_date(args.released_after, "--released-after").date().isoformat()
    per = args.per or ctx.settings.pricing.per
    store = ctx.store()
    _seed_catalog(ctx, store)
    available = True if args.available else (False if args.catalog else None)
    query = model_rows_query(
        provider=args.provider, type=args.type, active=args.active, available=available,
        search=args.search, capabilities=args.capability or (), sort=args.sort,
        open_weights=args.open_weights, released_after=released_after, disputed=args.disputed,
    )
    # Beside each list row, when JSON or a --columns shows them: the two facts it lacks, and the
    # model's field_sources only when they record a disagreement (the same text test as
    # --disputed), so the other rows decode nothing.
    fields = list(query.selected_columns)
    width = len(fields)
    with_facts = args.format == "json" or bool(columns)
    if with_facts:
        query = query.select_extend(
            Model.knowledge_cutoff, Model.last_updated,
            pw.Case(None, [(json_text_has(Model.field_sources, "disputes"), Model.field_sources)]),
        )
        # The third cell is taken as text (field_sources, or NULL) and decoded by `_disputes`.
        fields += [Model.knowledge_cutoff, Model.last_updated, pw.TextField()]
    if args.limit:
        query = query.limit(args.limit)
    # Plain tuples (store/rowreader.py): the same rows without a Peewee conversion per cell.
    found = read_rows(query, fields, store.db)
    if args.format == "json":
        from ..render.fastjson import dumps_indent2
        from ..render.inert import inert_json

        docs = [_with_facts(list_json(row_from_tuple(t)), t[width], t[width + 1], t[width + 2]) for t in found]
        ctx.out.write(inert_json(dumps_indent2(docs)))
        ctx.out.write("\n")
        return 0
    rows = [(row_from_tuple(t), _facts(t[width], t[width + 1], t[width + 2]) if with_facts else NO_FACTS) for t in found]
    headers = list_headers(per) + [c.header for c in columns]
    if args.format == "csv":
        ctx.out.write(csv_text(headers, ([*list_row(r, per), *_fact_cells(r, f, columns, "")] for r, f in rows)))
        return 0
    if not rows:
        ctx.print("No models match." + ("" if args.provider or args.type else " Run `aisync sync-models` to fetch your providers' lists."))
        return 0
    ctx.print(ascii_table(headers, ([*list_row(r, per), *_fact_cells(r, f, columns, UNKNOWN)] for r, f in rows), align_right=(4, 5, 6)))
    ctx.print(f"{len(rows):,} models" + (f" (prices per {'1M' if per == '1m' else '1K'} tokens)" if rows else ""))
    return 0


def run_info(ctx: Context) -> int:
    from ..errors import UsageError
    from ..render.model_text import info_json, print_info
    from ..store.queries import close_matches, get_model

    args = ctx.args
    if not 1 <= args.days <= 36_500:
        raise UsageError(f"--days must be from 1 to 36,500, not {args.days:,}")
    per = args.per or ctx.settings.pricing.per
    store = ctx.store()
    _seed_catalog(ctx, store)
    detail = get_model(args.model, args.provider)
    if detail is None:
        matches = close_matches(args.model, args.provider)
        hint = "did you mean: " + ", ".join(f"{m} {p}" for m, p in matches) if matches else "list models with `aisync models list --search TEXT`"
        raise UsageError(f"Model {args.model!r} not found for provider {args.provider!r}", hint=hint)
    from ..usage.stats import model_usage

    usage = model_usage(detail.provider, detail.model_id, days=args.days, aliases=detail.aliases)
    if args.format == "json":
        from ..render.inert import inert_json

        ctx.out.write(inert_json(json.dumps(info_json(detail, usage=usage, days=args.days, history=args.history), indent=2, ensure_ascii=False)) + "\n")
    else:
        print_info(ctx.print, detail, per=per, history=args.history, usage=usage, days=args.days)
    return 0


def parse_date(text: str, option: str = "--older-than") -> datetime:
    from ..errors import UsageError

    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{option} {text[:40]!r} is not a date", hint="write it as YYYY-MM-DD") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def run_cleanup(ctx: Context) -> int:
    from ..domain import utcnow
    from ..errors import UsageError
    from ..render.model_text import candidates_table
    from ..render.table import ascii_table
    from ..render.words import plural
    from ..runlog import log_line
    from ..sync.cleanup import apply_cleanup, plan_cleanup

    args = ctx.args
    cutoff = parse_date(args.older_than) if args.older_than else utcnow() - timedelta(days=90)
    if cutoff > utcnow():
        # "Not synced since the cut-off" would match every model, the active ones included.
        raise UsageError(
            f"--older-than {args.older_than} is in the future: every model would count as stale and be removed",
            hint="give a date in the past, e.g. --older-than " + (utcnow() - timedelta(days=90)).strftime("%Y-%m-%d"),
        )
    store = ctx.store()
    plan = plan_cleanup(cutoff, provider=args.provider)
    if plan.kept_for_usage:
        ctx.print(f"Keeping {plural(len(plan.kept_for_usage), 'model')} that usage records reference (their price history prices that usage).")
    if plan.empty:
        ctx.print(f"Nothing to clean up: no missing, deprecated or stale models before {cutoff:%Y-%m-%d}.")
        return 0
    ctx.print(f"{'DRY RUN - ' if args.dry_run else ''}Models to remove (cut-off {cutoff:%Y-%m-%d}):")
    headers, rows = candidates_table(plan.remove)
    ctx.print(ascii_table(headers, rows))
    if args.dry_run:
        ctx.print(f"Would remove {plural(len(plan.remove), 'model')} (with their price history and change log).")
        return 0
    if not args.force:
        if not sys.stdin.isatty():
            raise UsageError(f"refusing to remove {plural(len(plan.remove), 'model')} without confirmation", hint="run it in a terminal, or add --force")
        answer = input(f"Remove {plural(len(plan.remove), 'model')}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            ctx.print("Nothing removed.")
            return 0
    with ctx.lock():
        # Re-plan under the lock: a sync may have changed things since the preview.
        fresh = plan_cleanup(cutoff, provider=args.provider)
        wanted = {c.pk for c in plan.remove}
        fresh.remove = [c for c in fresh.remove if c.pk in wanted]
        removed = apply_cleanup(fresh, db=store.db)
    log_line(ctx.settings, "cleanup", "cleanup", args.provider, "ok", removed=removed)
    ctx.print(f"✓ Removed {plural(removed, 'model')}.")
    return 0
