"""The fast bulk insert used by the sync must write exactly what Peewee's insert_many writes."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aisync_tui.store.bulk import bulk_insert
from aisync_tui.store.models import Model, ModelChange, Provider, tuples


def _rows(provider_pk: int, prefix: str) -> list[dict[str, Any]]:
    now = datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=timezone.utc)
    rows = []
    for i in range(7):
        rows.append(
            {
                "provider": provider_pk,
                "model_id": f"{prefix}-{i}",
                "name": None if i % 2 else f"Model {i} ✓",
                "context_length": 128000 if i % 3 else None,
                "capabilities": ["chat", "vision"][: i % 3],
                "input_modalities": ["text"],
                "created_at": now if i % 2 else None,
                "field_sources": {"name": "provider"} if i % 2 else {},
                "raw": '{"id":"x"}',
                "available": bool(i % 2),
                "last_synced_at": now,
                # type, status, in_catalog, aliases... left to their defaults
            }
        )
    return rows


def _dump(provider_pk: int) -> list[tuple[Any, ...]]:
    cols = [f for f in Model._meta.sorted_fields if f.name not in ("id", "provider")]
    query = Model.select(*cols).where(Model.provider == provider_pk).order_by(Model.id)
    return [tuple(str(v) for v in row) for row in tuples(query)]


def test_synced_models_are_stored_exactly_as_peewee_would_store_them(store: Any) -> None:
    a = Provider.insert(slug="a", name="A", kind="openai").execute()
    b = Provider.insert(slug="b", name="B", kind="openai").execute()
    Model.insert_many(_rows(a, "m")).execute()
    bulk_insert(store.db, Model, _rows(b, "m"))
    assert _dump(b) == _dump(a)
    assert len(_dump(b)) == 7


def test_change_log_rows_written_in_bulk_read_back_unchanged(store: Any) -> None:
    p = Provider.insert(slug="a", name="A", kind="openai").execute()
    pk = Model.insert(provider=p, model_id="m").execute()
    at = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    bulk_insert(store.db, ModelChange, [{"model": pk, "run": None, "field": "status", "old": None, "new": "active", "at": at}])
    bulk_insert(store.db, ModelChange, [])
    row = ModelChange.get()
    assert (row.model_id, row.run_id, row.field, row.old, row.new, row.at) == (pk, None, "status", None, "active", at)


def test_re_sync_marks_exactly_the_unchanged_models_as_synced_now(store: Any) -> None:
    from aisync_tui.store.bulk import touch_synced

    p = Provider.insert(slug="a", name="A", kind="openai").execute()
    pks = [Model.insert(provider=p, model_id=f"m{i}").execute() for i in range(5)]
    now = datetime(2025, 7, 8, 9, 10, 11, 120000, tzinfo=timezone.utc)
    touch_synced(store.db, pks[1:4], now)
    touch_synced(store.db, [], now)
    synced = {m.id: m.last_synced_at for m in Model.select()}
    assert synced == {pks[0]: None, pks[1]: now, pks[2]: now, pks[3]: now, pks[4]: None}
    Model.update(last_synced_at=now).where(Model.id == pks[0]).execute()
    raw = dict(store.db.execute_sql("SELECT id, last_synced_at FROM model").fetchall())
    assert raw[pks[1]] == raw[pks[0]]  # the same text Peewee writes


def test_models_updated_in_bulk_are_stored_exactly_as_peewee_would_update_them(store: Any) -> None:
    from aisync_tui.store.bulk import bulk_update

    a = Provider.insert(slug="a", name="A", kind="openai").execute()
    b = Provider.insert(slug="b", name="B", kind="openai").execute()
    Model.insert_many(_rows(a, "m")).execute()
    Model.insert_many(_rows(b, "m")).execute()
    later = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    changes: list[dict[str, Any]] = [
        {"name": "Renamed ✓", "capabilities": ["chat", "fim"], "field_sources": {"name": "provider", "feed_capabilities": ["vision"]}},
        {"context_length": None, "last_synced_at": later, "aliases": ["m-latest"]},
        {"name": "Renamed ✓", "capabilities": ["chat", "fim"], "field_sources": {"name": "provider", "feed_capabilities": ["vision"]}},
    ]
    a_pks = [pk for (pk,) in tuples(Model.select(Model.id).where(Model.provider == a).order_by(Model.id))]
    b_pks = [pk for (pk,) in tuples(Model.select(Model.id).where(Model.provider == b).order_by(Model.id))]
    for pk, values in zip(a_pks, changes):
        Model.update(**values).where(Model.id == pk).execute()
    bulk_update(store.db, Model, list(zip(b_pks, changes)))
    bulk_update(store.db, Model, [])
    assert _dump(b) == _dump(a)
