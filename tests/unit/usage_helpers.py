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
