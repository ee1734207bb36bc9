"""Import from OpenAI's organization Usage and Costs APIs (an Admin key in OPENAI_ADMIN_KEY).

- `GET /organization/usage/completions?bucket_width=1d&group_by=model`: requests
  (`num_model_requests`) and tokens per model per day, every page (`page=next_page` while `has_more`).
- `GET /organization/costs?bucket_width=1d&group_by=line_item`: dollars per day per line item
  ("gpt-4o-mini-2024-07-18, input", "evals | gpt-4o, output", "web search tool calls"). Costs are not
  grouped by model, so each line item's model is the text before its last comma, after any
  "... | " prefix; the day's amounts per model become that day's reported cost. Line items with no
  matching usage (tools, other endpoints) are kept as cost-only records, so the spend total stays whole.

A day's bucket is re-imported as it grows (the same reference is updated, never added twice).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Iterable, Mapping, Unpack

from .. import bounds
from ..errors import BadResponse
from ..jsonvalue import as_list, as_object, objects
from . import admin_http
from .admin_http import AdminReports, FetchOptions, Page, Query
from .records import ImportResult, UsageRow, as_cost, as_count, check_model_id, parse_ts

PROVIDER = "openai"
SOURCE = "openai"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
KEY_ENV = "OPENAI_ADMIN_KEY"
USAGE_PATH = "/organization/usage/completions"
COSTS_PATH = "/organization/costs"
GROUPS = ("project_id", "user_id", "api_key_id", "batch", "service_tier")


def usage_ref(bucket_start: int, model: str, groups: Mapping[str, object] | None = None) -> str:
    """The record reference of one (bucket, model[, group]) result; shared with the dashboard export."""
    extra = ":".join(str((groups or {}).get(g) or "") for g in GROUPS)
    return f"openai:usage:{bucket_start}:{model}:{extra}"


def line_item_model(line_item: str) -> str | None:
    """"evals | gpt-4o-mini-2024-07-18, cached input" -> "gpt-4o-mini-2024-07-18"; None without a model."""
    text = (line_item or "").strip()
    if "," not in text:
        return None
    head = text.rsplit(",", 1)[0]
    if "|" in head:
        head = head.rsplit("|", 1)[1]
    head = head.strip()
    return head or None


def parse_usage_pages(pages_: Iterable[Mapping[str, object]]) -> list[UsageRow]:
    rows: list[UsageRow] = []
    for page in pages_:
        for bucket in as_list(page.get("data")):
            if not isinstance(bucket, dict):
                raise BadResponse(PROVIDER, "a usage bucket is not an object")
            start = bucket.get("start_time")
            if not isinstance(start, int):
                raise BadResponse(PROVIDER, "a usage bucket has no start_time")
            ts = _bucket_time(start)
            for result in objects(bucket.get("results")):
                model = result.get("model") or "unknown"
                try:
                    check_model_id(str(model))
                    inp = as_count(result.get("input_tokens"), "input_tokens")
                    out = as_count(result.get("output_tokens"), "output_tokens")
                    cached = as_count(result.get("input_cached_tokens"), "input_cached_tokens")
                    raw_requests = result.get("num_model_requests")
                    requests = None if raw_requests is None else as_count(raw_requests, "num_model_requests")
                except ValueError as exc:
                    raise BadResponse(PROVIDER, f"usage result for {model}: {exc}") from None
                groups = {g: result.get(g) for g in GROUPS}
                rows.append(UsageRow(ts, PROVIDER, str(model), requests, inp, out, min(cached, inp), SOURCE, usage_ref(start, str(model), groups)))
    return rows


def parse_cost_pages(pages_: Iterable[Mapping[str, object]]) -> dict[tuple[int, str], Decimal]:
    """(bucket start, model or line item) -> USD, summed over the line items of that day."""
    costs: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for page in pages_:
        for item in as_list(page.get("data")):
            bucket = as_object(item)
            start = bucket.get("start_time")
            if not isinstance(start, int):
                raise BadResponse(PROVIDER, "a cost bucket has no start_time")
            for result in objects(bucket.get("results")):
                amount = result.get("amount")
                if not isinstance(amount, dict):
                    continue
                currency = str(amount.get("currency") or "usd").lower()
                try:
                    value = as_cost(amount.get("value"), "cost amount")  # sometimes a decimal string
                except ValueError as exc:
                    raise BadResponse(PROVIDER, str(exc)) from None
                if value is None:
                    raise BadResponse(PROVIDER, f"a cost amount is not a number: {bounds.preview(amount.get('value'))}")
                _bucket_time(start)
                if currency != "usd":
                    raise BadResponse(PROVIDER, f"a cost is in {currency}, not USD")
                line = str(result.get("line_item") or "other")
                costs[(start, line_item_model(line) or line)] += value
    return dict(costs)


def _bucket_time(start: int) -> datetime:
    try:
        return parse_ts(start, "start_time")
    except ValueError as exc:
        raise BadResponse(PROVIDER, f"a bucket's {exc}") from None


def merge(usage: list[UsageRow], costs: Mapping[tuple[int, str], Decimal]) -> list[UsageRow]:
    """Attach each day's reported cost to that day's usage row of the model; keep the rest as cost-only rows."""
    out: list[UsageRow] = []
    used: set[tuple[int, str]] = set()
    for row in usage:
        key = (int(row.ts.timestamp()), row.model_id)
        if key in costs and key not in used:
            used.add(key)
            out.append(_with_cost(row, costs[key]))
        elif key in costs:
            # A second row of the same day and model (finer grouping): its share is in the first.
            out.append(_with_cost(row, Decimal(0)))
        else:
            out.append(row)
    for (start, model), amount in sorted(costs.items()):
        if (start, model) in used:
            continue
        ts = _bucket_time(start)
        out.append(UsageRow(ts, PROVIDER, model, None, 0, 0, 0, SOURCE, f"openai:cost:{start}:{model}", amount))
    return out


def _with_cost(row: UsageRow, cost: Decimal) -> UsageRow:
    return UsageRow(row.ts, row.provider, row.model_id, row.requests, row.input_tokens, row.output_tokens, row.cached_tokens, row.source, row.source_ref, cost)


def add_costs(rows: list[UsageRow], cost_pages: list[Page]) -> list[UsageRow]:
    return merge(rows, parse_cost_pages(cost_pages))


def _usage_query(since: datetime) -> tuple[str, Query]:
    return USAGE_PATH, {"start_time": int(since.timestamp()), "bucket_width": "1d", "group_by": "model", "limit": 31}


def _costs_query(since: datetime) -> tuple[str, Query]:
    return COSTS_PATH, {"start_time": int(since.timestamp()), "bucket_width": "1d", "group_by": "line_item", "limit": 180}


API = AdminReports(
    provider=PROVIDER, source=SOURCE, key_env=KEY_ENV, where_to_get="platform.openai.com/settings/organization/admin-keys",
    default_base_url=DEFAULT_BASE_URL, headers=lambda key: {"authorization": f"Bearer {key}"},
    usage=_usage_query, costs=_costs_query, parse_usage=parse_usage_pages, add_costs=add_costs,
)


def fetch(days: int, **options: Unpack[FetchOptions]) -> tuple[list[UsageRow], int]:
    """Fetch usage (and costs) for the last `days` days. Returns (rows, pages fetched)."""
    return admin_http.fetch(API, days, **options)


def import_usage(days: int = 30, **options: Unpack[FetchOptions]) -> ImportResult:
    return admin_http.import_usage(API, days, options)
