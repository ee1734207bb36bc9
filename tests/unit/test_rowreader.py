"""The fast row reader must hand back exactly what Peewee's model instances hold."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from aisync_tui.store.models import Model, Provider
from aisync_tui.store.rowreader import read_rows


def _seed(db: Any) -> None:
    p = Provider.insert(slug="p", name="P", kind="openai").execute()
    at = datetime(2025, 6, 1, 12, 30, 45, 123456, tzinfo=timezone.utc)
    for i in range(12):
        Model.insert(
            provider=p, model_id=f"m{i}", name=None if i % 3 == 0 else f"n{i}", context_length=(i * 1000) or None,
            capabilities=["chat", "vision"] if i % 2 else [], field_sources={"caps": ["a"], "name": "provider"} if i % 2 else {},
            created_at=at + timedelta(days=i) if i % 4 else None, available=bool(i % 2),
            last_synced_at=(at + timedelta(seconds=i)).replace(microsecond=0),
        ).execute()
    # Times written by other tools or older versions: date only, no fraction, ISO "T".
    db.execute_sql("UPDATE model SET first_seen_at = '2024-01-02' WHERE model_id = 'm1'")
    db.execute_sql("UPDATE model SET first_seen_at = '2024-01-02 03:04:05' WHERE model_id = 'm2'")
    db.execute_sql("UPDATE model SET first_seen_at = 'not a time' WHERE model_id = 'm3'")


def test_bulk_reads_give_the_same_values_as_peewee_models(store: Any) -> None:
    _seed(store.db)
    fields = list(Model._meta.sorted_fields)
    query = Model.select(*fields).order_by(Model.id)
    fast = list(read_rows(query, fields, Model._meta.database))
    slow = [tuple(getattr(m, f.name if f.name != "provider" else "provider_id") for f in fields) for m in query]
    assert fast == slow
    assert len(fast) == 12
    names = [f.name for f in fields]
    by_id = {row[names.index("model_id")]: row for row in fast}
    assert by_id["m1"][names.index("first_seen_at")] == datetime(2024, 1, 2, tzinfo=timezone.utc)
    assert by_id["m2"][names.index("first_seen_at")] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_rows_never_share_a_decoded_list(store: Any) -> None:
    _seed(store.db)
    fields = [Model.capabilities, Model.field_sources]
    rows = list(read_rows(Model.select(*fields).where(Model.available == True), fields, Model._meta.database))  # noqa: E712
    rows[0][0].append("mutated")
    rows[0][1]["caps"].append("mutated")
    assert rows[1][0] == ["chat", "vision"]
    assert rows[1][1] == {"caps": ["a"], "name": "provider"}


def test_cells_a_hand_edit_damaged_read_as_peewee_reads_them_and_only_then_are_checked(store: Any) -> None:
    from aisync_tui.store.rowreader import damaged

    _seed(store.db)
    fields = list(Model._meta.sorted_fields)
    query = Model.select(*fields).order_by(Model.id)
    assert not damaged(query, fields, store.db)  # a sound store: rows are read without a check per cell
    store.db.execute_sql("UPDATE model SET name = x'00ff41', context_length = 'abc', released_at = x'32303234' WHERE model_id = 'm4'")
    store.db.execute_sql("UPDATE model SET max_output_tokens = 2.5, type = x'01' WHERE model_id = 'm5'")
    assert damaged(query, fields, store.db)
    assert not damaged(query.where(Model.model_id == "m6"), fields, store.db)  # only the rows the query selects
    fast = list(read_rows(query, fields, Model._meta.database))
    slow = [tuple(getattr(m, f.name if f.name != "provider" else "provider_id") for f in fields) for m in query]
    assert fast == slow
    names = [f.name for f in fields]
    by_id = {row[names.index("model_id")]: row for row in fast}
    m4, m5 = by_id["m4"], by_id["m5"]
    assert (m4[names.index("name")], m4[names.index("context_length")], m4[names.index("released_at")]) == ("\x00\ufffdA", None, None)
    assert (m5[names.index("max_output_tokens")], m5[names.index("type")]) == (None, "\x01")
