"""Build real `llm` logs.db files and seed prices, for the usage tests.

The logs.db schemas are the ones llm's own migrations produce (tests/fixtures/llm_logs/schemas.json,
derived from llm 0.36's migrations.py, Apache-2.0; see generate_schemas.py there). Each builder
creates the exact tables at that version, fills `_llm_migrations` like llm does, and inserts
rows the way llm writes them (ULID ids, ISO datetime_utc).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

SCHEMAS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "llm_logs" / "schemas.json").read_text())
VERSIONS = ("v0_legacy_logs", "v1_no_tokens", "v2_tokens", "v3_resolved_model", "v4_turns")


def build_logs_db(path: Path, version: str, *, archive: bool = False) -> Path:
    """An empty logs.db at `version`. archive=True renames `responses` to `responses_archive`,
    the layout a converted database has (the rows then live in both tables with the same ids)."""
    spec = SCHEMAS[version]
    conn = sqlite3.connect(path)
    with conn:
        for sql in spec["sql"]:
            conn.execute(sql)
        for name in spec["migrations"]:
            conn.execute("INSERT INTO _llm_migrations (name, applied_at) VALUES (?, ?)", (name, "2025-01-01 00:00:00+00:00"))
        if archive:
            conn.execute('ALTER TABLE "responses" RENAME TO "responses_archive"')
    conn.close()
    return path


def insert(path: Path, table: str, rows: Iterable[dict[str, Any]]) -> None:
    """Insert rows, keeping only the columns that table has at this version (like llm's writer)."""
    conn = sqlite3.connect(path)
    cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
    with conn:
        for row in rows:
            data = {k: v for k, v in row.items() if k in cols}
            names = ", ".join(f'"{k}"' for k in data)
            marks = ", ".join("?" for _ in data)
            conn.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(data.values()))
    conn.close()


def seed_price(provider: str, model_id: str, periods: list[tuple[datetime, datetime | None, str | None, str | None]], *, cached: str | None = None) -> None:
    """A store model with dated price periods: (from, until, input per token, output per token)."""
    from aisync_tui.domain import utcnow
    from aisync_tui.store.models import Model, Price, Provider

    prov, _ = Provider.get_or_create(slug=provider, defaults={"name": provider})
    model, _ = Model.get_or_create(provider=prov, model_id=model_id)
    for start, end, inp, out in periods:
        Price.create(
            model=model, input=Decimal(inp) if inp else None, output=Decimal(out) if out else None,
            cached_input=Decimal(cached) if cached else None, effective_from=start, effective_until=end,
            source="litellm", recorded_at=utcnow(),
        )


# ----------------------------------------------------------------------------- admin API pages
# Shapes as documented (OpenAI "Usage API" / "Costs API" reference; Anthropic "Usage and Cost
# API"): every field a real page carries, with day buckets starting at `day0` (UTC midnight).


def openai_usage_pages(day0: int) -> list[dict[str, Any]]:
    """Two pages of /organization/usage/completions (group_by=model, 1d buckets)."""

    def result(model: str, inp: int, out: int, cached: int, n: int) -> dict[str, Any]:
        return {
            "object": "organization.usage.completions.result", "input_tokens": inp, "output_tokens": out,
            "input_cached_tokens": cached, "input_audio_tokens": 0, "output_audio_tokens": 0, "num_model_requests": n,
            "project_id": None, "user_id": None, "api_key_id": None, "model": model, "batch": None, "service_tier": None,
        }

    day = 86400
    return [
        {
            "object": "page",
            "data": [
                {"object": "bucket", "start_time": day0, "end_time": day0 + day, "results": [result("gpt-4o-2024-08-06", 12000, 3000, 2000, 40), result("gpt-4o-mini-2024-07-18", 50000, 9000, 0, 210)]},
                {"object": "bucket", "start_time": day0 + day, "end_time": day0 + 2 * day, "results": []},
            ],
            "has_more": True,
            "next_page": "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=",
        },
        {
            "object": "page",
            "data": [{"object": "bucket", "start_time": day0 + 2 * day, "end_time": day0 + 3 * day, "results": [result("gpt-4o-2024-08-06", 1000, 500, 0, 5)]}],
            "has_more": False,
            "next_page": None,
        },
    ]


def openai_cost_pages(day0: int) -> list[dict[str, Any]]:
    """/organization/costs grouped by line_item; one value as a decimal string, as some accounts see."""

    def item(value: Any, line: str) -> dict[str, Any]:
        return {"object": "organization.costs.result", "amount": {"value": value, "currency": "usd"}, "line_item": line, "project_id": None, "organization_id": "org-test"}

    day = 86400
    return [
        {
            "object": "page",
            "data": [
                {"object": "bucket", "start_time": day0, "end_time": day0 + day, "results": [
                    item(0.03, "gpt-4o-2024-08-06, input"),
                    item("0.0125", "evals | gpt-4o-2024-08-06, output"),
                    item(0.25, "web search tool calls"),
                ]},
            ],
            "has_more": False,
            "next_page": None,
        }
    ]


def anthropic_usage_pages(day0_iso: str, day1_iso: str) -> list[dict[str, Any]]:
    def result(model: str, uncached: int, c5: int, c1: int, read: int, out: int) -> dict[str, Any]:
        return {
            "uncached_input_tokens": uncached, "cache_creation": {"ephemeral_5m_input_tokens": c5, "ephemeral_1h_input_tokens": c1},
            "cache_read_input_tokens": read, "output_tokens": out, "server_tool_use": {"web_search_requests": 0},
            "api_key_id": None, "workspace_id": None, "model": model, "service_tier": None, "context_window": None,
        }

    return [
        {"data": [{"starting_at": day0_iso, "ending_at": day1_iso, "results": [result("claude-sonnet-4-20250514", 1000, 200, 100, 700, 400)]}], "has_more": True, "next_page": "page_MjAyNS0wNS0xNFQwMDowMDowMFo="},
        {"data": [{"starting_at": day1_iso, "ending_at": day1_iso, "results": [result("claude-3-5-haiku-20241022", 300, 0, 0, 0, 30)]}], "has_more": False, "next_page": None},
    ]


def anthropic_cost_pages(day0_iso: str, day1_iso: str) -> list[dict[str, Any]]:
    def item(cents: str, model: str | None, desc: str, cost_type: str = "tokens", token_type: str | None = "uncached_input_tokens") -> dict[str, Any]:
        return {"currency": "USD", "amount": cents, "workspace_id": None, "description": desc, "cost_type": cost_type, "context_window": "0-200k" if model else None, "model": model, "service_tier": "standard" if model else None, "token_type": token_type}

    return [
        {"data": [{"starting_at": day0_iso, "ending_at": day1_iso, "results": [
            item("123.45", "claude-sonnet-4-20250514", "Claude Sonnet 4 Usage - Input Tokens"),
            item("600", "claude-sonnet-4-20250514", "Claude Sonnet 4 Usage - Output Tokens", token_type="output_tokens"),
            item("1.5", None, "Web Search", cost_type="web_search", token_type=None),
        ]}], "has_more": False, "next_page": None},
    ]
