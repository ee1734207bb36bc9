"""Import from Anthropic's Usage & Cost Admin API (an Admin key in ANTHROPIC_ADMIN_KEY).

- `GET /organizations/usage_report/messages?bucket_width=1d&group_by[]=model`: tokens per model
  per day. Input = uncached + cache creation (5m and 1h) + cache reads; cached = cache reads.
  **There is no request count**: records keep requests unknown (None), never 0, and the totals
  say how many records had none.
- `GET /organizations/cost_report?group_by[]=description`: `amount` is a decimal string in
  **cents** ("123.45" is $1.2345); summed per day and model it becomes the reported cost. Costs
  without a model (web search, code execution) are kept as cost-only records.

Anthropic's newer documents label usage_report "legacy"; the paths are module constants so a
change is one line.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Iterable, Iterator, Mapping, Unpack

from .. import bounds
from ..errors import BadResponse
from ..jsonvalue import JSON, as_list, as_object, objects
from . import admin_http
from .admin_http import AdminReports, FetchOptions, Page, Query
from .records import ImportResult, UsageRow, as_cost, as_count, check_model_id, parse_ts

PROVIDER = "anthropic"
SOURCE = "anthropic"
DEFAULT_BASE_URL = "https://api.anthropic.com/v1"
KEY_ENV = "ANTHROPIC_ADMIN_KEY"
API_VERSION = "2023-06-01"
USAGE_PATH = "/organizations/usage_report/messages"
COST_PATH = "/organizations/cost_report"
GROUPS = ("api_key_id", "workspace_id", "service_tier", "context_window")


def _count(result: Mapping[str, JSON], key: str) -> int:
    try:
        return as_count(result.get(key), key)
    except ValueError as exc:
        raise BadResponse(PROVIDER, f"usage result: {exc}") from None


def _results(pages_: Iterable[Mapping[str, object]], what: str) -> Iterator[tuple[datetime, dict[str, JSON]]]:
    """(bucket start, result) for every result object of every daily bucket of every page."""
    for page in pages_:
        for item in as_list(page.get("data")):
            bucket = as_object(item)
            try:
                ts = parse_ts(bucket.get("starting_at"), "starting_at")
            except ValueError as exc:
                raise BadResponse(PROVIDER, f"a {what} bucket: {exc}") from None
            for result in objects(bucket.get("results")):
                yield ts, result


def parse_usage_pages(pages_: Iterable[Mapping[str, object]]) -> list[UsageRow]:
    rows: list[UsageRow] = []
    for ts, result in _results(pages_, "usage"):
        model = str(result.get("model") or "unknown")
        try:
            check_model_id(model)
        except ValueError as exc:
            raise BadResponse(PROVIDER, f"usage result: {exc}") from None
        creation = result.get("cache_creation") or {}
        if not isinstance(creation, dict):
            raise BadResponse(PROVIDER, f"usage result for {model}: cache_creation is not an object but {bounds.preview(creation)}")
        created = _count(creation, "ephemeral_5m_input_tokens") + _count(creation, "ephemeral_1h_input_tokens")
        read = _count(result, "cache_read_input_tokens")
        inp = _count(result, "uncached_input_tokens") + created + read
        out = _count(result, "output_tokens")
        extra = ":".join(str(result.get(g) or "") for g in GROUPS)
        ref = f"anthropic:usage:{ts.strftime('%Y-%m-%dT%H:%M:%SZ')}:{model}:{extra}"
        rows.append(UsageRow(ts, PROVIDER, model, None, inp, out, read, SOURCE, ref))
    return rows


def parse_cost_pages(pages_: Iterable[Mapping[str, object]]) -> dict[tuple[datetime, str], Decimal]:
    """(day, model or description) -> USD. Amounts come in cents."""
    costs: dict[tuple[datetime, str], Decimal] = defaultdict(Decimal)
    for ts, result in _results(pages_, "cost"):
        try:
            cents = as_cost(result.get("amount"), "cost amount (cents)")
        except ValueError as exc:
            raise BadResponse(PROVIDER, str(exc)) from None
        if cents is None:
            raise BadResponse(PROVIDER, f"a cost amount is not a number: {bounds.preview(result.get('amount'))}")
        currency = str(result.get("currency") or "USD").upper()
        if currency != "USD":
            raise BadResponse(PROVIDER, f"a cost is in {currency}, not USD")
        what = result.get("model") or result.get("description") or result.get("cost_type") or "other"
        costs[(ts, str(what))] += cents / 100
    return dict(costs)


def merge(usage: list[UsageRow], costs: Mapping[tuple[datetime, str], Decimal]) -> list[UsageRow]:
    out: list[UsageRow] = []
    used: set[tuple[datetime, str]] = set()
    for row in usage:
        key = (row.ts, row.model_id)
        if key in costs:
            share = costs[key] if key not in used else Decimal(0)
            used.add(key)
            out.append(UsageRow(row.ts, row.provider, row.model_id, row.requests, row.input_tokens, row.output_tokens, row.cached_tokens, row.source, row.source_ref, share))
        else:
            out.append(row)
    for (ts, what), amount in sorted(costs.items()):
        if (ts, what) in used:
            continue
        ref = f"anthropic:cost:{ts.strftime('%Y-%m-%dT%H:%M:%SZ')}:{what}"
        out.append(UsageRow(ts, PROVIDER, what, None, 0, 0, 0, SOURCE, ref, amount))
    return out


def add_costs(rows: list[UsageRow], cost_pages: list[Page]) -> list[UsageRow]:
    return merge(rows, parse_cost_pages(cost_pages))


def _usage_query(since: datetime) -> tuple[str, Query]:
    return USAGE_PATH, {"starting_at": since.strftime("%Y-%m-%dT%H:%M:%SZ"), "bucket_width": "1d", "group_by[]": "model", "limit": 31}


def _cost_query(since: datetime) -> tuple[str, Query]:
    return COST_PATH, {"starting_at": since.strftime("%Y-%m-%dT%H:%M:%SZ"), "group_by[]": "description", "limit": 31}


API = AdminReports(
    provider=PROVIDER, source=SOURCE, key_env=KEY_ENV, where_to_get="console.anthropic.com, Settings, Admin keys",
    default_base_url=DEFAULT_BASE_URL, headers=lambda key: {"x-api-key": key, "anthropic-version": API_VERSION},
    usage=_usage_query, costs=_cost_query, parse_usage=parse_usage_pages, add_costs=add_costs,
)


def fetch(days: int, **options: Unpack[FetchOptions]) -> tuple[list[UsageRow], int]:
    """Fetch usage (and costs) for the last `days` days. Returns (rows, pages fetched)."""
    return admin_http.fetch(API, days, **options)


def import_usage(days: int = 30, **options: Unpack[FetchOptions]) -> ImportResult:
    return admin_http.import_usage(API, days, options)
