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
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .. import bounds
from ..errors import BadResponse
from .admin_http import admin_classifier, admin_key, check_url, fetch_reports
from .records import ImportResult, UsageRow, as_cost, as_count, check_model_id, parse_ts, write_rows

if TYPE_CHECKING:
    from ..config import Settings
    from ..providers.http import HttpClient

PROVIDER = "openai"
SOURCE = "openai"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
KEY_ENV = "OPENAI_ADMIN_KEY"
USAGE_PATH = "/organization/usage/completions"
COSTS_PATH = "/organization/costs"
GROUPS = ("project_id", "user_id", "api_key_id", "batch", "service_tier")


def usage_ref(bucket_start: int, model: str, groups: Mapping[str, Any] | None = None) -> str:
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


def parse_usage_pages(pages_: Iterable[Mapping[str, Any]]) -> list[UsageRow]:
    rows: list[UsageRow] = []
    for page in pages_:
        for bucket in page.get("data") or ():
            if not isinstance(bucket, dict):
                raise BadResponse(PROVIDER, "a usage bucket is not an object")
            start = bucket.get("start_time")
            if not isinstance(start, int):
                raise BadResponse(PROVIDER, "a usage bucket has no start_time")
            ts = _bucket_time(start)
            for result in bucket.get("results") or ():
                if not isinstance(result, dict):
                    continue
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


def parse_cost_pages(pages_: Iterable[Mapping[str, Any]]) -> dict[tuple[int, str], Decimal]:
    """(bucket start, model or line item) -> USD, summed over the line items of that day."""
    costs: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for page in pages_:
        for bucket in page.get("data") or ():
            start = bucket.get("start_time") if isinstance(bucket, dict) else None
            if not isinstance(start, int):
                raise BadResponse(PROVIDER, "a cost bucket has no start_time")
            for result in bucket.get("results") or ():
                amount = result.get("amount") if isinstance(result, dict) else None
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


def fetch(days: int, *, base_url: str | None = None, settings: Settings | None = None, client: HttpClient | None = None, costs: bool = True, now: datetime | None = None) -> tuple[list[UsageRow], int]:
    """Fetch usage (and costs) for the last `days` days. Returns (rows, pages fetched)."""
    from .stats import window

    key = admin_key(PROVIDER, KEY_ENV, "platform.openai.com/settings/organization/admin-keys")
    base = check_url(base_url or DEFAULT_BASE_URL, "--base-url")
    since, _ = window(days, now)
    headers = {"authorization": f"Bearer {key}"}
    start = int(since.timestamp())
    usage_pages, cost_pages = fetch_reports(
        PROVIDER, client=client, settings=settings, base=base, headers=headers, classify=admin_classifier(KEY_ENV),
        usage=(USAGE_PATH, {"start_time": start, "bucket_width": "1d", "group_by": "model", "limit": 31}),
        costs=(COSTS_PATH, {"start_time": start, "bucket_width": "1d", "group_by": "line_item", "limit": 180}) if costs else None,
    )
    rows = parse_usage_pages(usage_pages)
    if costs:
        rows = merge(rows, parse_cost_pages(cost_pages))
    return rows, len(usage_pages) + len(cost_pages)


def import_usage(days: int = 30, **kwargs: Any) -> ImportResult:
    rows, count = fetch(days, **kwargs)
    result = write_rows(rows, source=SOURCE)
    result.notes.append(f"{count} pages fetched")
    return result
