"""The app's catalog reads: the first screenful is the start of the full list, and the
quick provider counts are the full counts."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import peewee as pw

from aisync_tui.store import queries
from aisync_tui.store.models import Model, Price, Provider

TRICKY = ["plain", "ünïcødé ✓", "emoji 🚀 beyond the BMP", 'quote " and \\ backslash', "tab\tnew\nline\x01ctl", "", "日本語", "a" * 500]


def _seed() -> None:
    at = datetime(2025, 6, 1, 12, 30, 45, 123456, tzinfo=timezone.utc)
    for p in range(3):
        pid = Provider.insert(slug=f"prov-{p}", name=f"Prov {p}", kind="openai").execute()
        for i in range(40):
            text = TRICKY[i % len(TRICKY)]
            mid = Model.insert(
                provider=pid, model_id=f"{text[:20]}-{i:03d}" if i % 5 else f"model-{i:03d}", name=None if i % 4 == 0 else text,
                type=["chat", "embedding", "image"][i % 3], status=["active", "missing"][i % 2],
                context_length=None if i % 6 == 0 else 2**40 + i if i % 7 == 0 else 128000 + i, max_output_tokens=None if i % 2 else 4096,
                capabilities=[] if i % 3 == 0 else ["chat", text], available=bool(i % 2), in_catalog=bool(i % 3),
                last_synced_at=None if i % 8 == 0 else at,
            ).execute()
            if i % 3:
                Price.insert(model=mid, input=Decimal("0.0000025") * i, output=None if i % 2 else Decimal("1E-5"), currency="USD",
                             effective_from=at, source="test", recorded_at=at).execute()
    # Gaps in the ids (removed models) and a model added after them.
    Model.delete().where(pw.SQL("id % 7 = 0") | Model.id.between(20, 45)).execute()
    Model.insert(provider=1, model_id="zz-last", type="chat", status="active", capabilities=[], available=True, in_catalog=False).execute()


def test_the_first_screenful_is_the_start_of_the_full_list(store: Any) -> None:
    _seed()
    full = queries.model_table_tuples()
    assert len(full) == Model.select().count() > 50
    assert [(r[1], r[0]) for r in full] == sorted((r[1], r[0]) for r in full)  # by id, then provider
    for n in (1, 10, 200):
        assert queries.model_table_tuples(limit=n) == full[:n]


def test_an_empty_store_reads_as_no_rows(store: Any) -> None:
    assert queries.model_table_tuples() == [] == queries.model_table_tuples(limit=5)


def test_quick_provider_counts_match_the_full_counts(store: Any) -> None:
    _seed()
    full = queries.list_providers()
    quick = queries.list_providers(count_available=False)
    assert [(p.slug, p.model_count) for p in quick] == [(p.slug, p.model_count) for p in full]
    assert all(p.available_count is None for p in quick) and any(p.available_count for p in full)
