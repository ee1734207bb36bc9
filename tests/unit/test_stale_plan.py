"""A plan applied over a store that changed after it was computed is refused, writing nothing.

The app shows a preview, a cron sync applies newer data, then the user confirms: the preview's
plan must not put its older values over the newer ones nor log changes from values that were no
longer there. Real SQLite store, the real plan and apply functions.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from aisync_tui.domain import Price, RemoteModel
from aisync_tui.errors import StalePlan
from aisync_tui.store.models import Model, ModelChange, tuples
from aisync_tui.store.models import Price as PriceTable
from aisync_tui.sync.apply import apply_plan, ensure_provider, load_stored
from aisync_tui.sync.plan import compute_plan

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def remote(model_id: str, context: int, price: str | None = None) -> RemoteModel:
    p = Price(input=Decimal(price), output=Decimal(price)) if price else None
    return RemoteModel(provider="synth", model_id=model_id, type="chat", context_length=context, price=p)


def sync(store, provider_pk: int, models: list[RemoteModel], at: datetime, *, accept_shrink: bool = False) -> None:
    plan = compute_plan("synth", models, load_stored(provider_pk), now=at, accept_shrink=accept_shrink)
    apply_plan(plan, provider_pk, run_id=None, now=at, db=store.db)


def contexts(provider_pk: int) -> dict[str, int | None]:
    return dict(tuples(Model.select(Model.model_id, Model.context_length).where(Model.provider == provider_pk)))


def test_a_preview_applied_after_another_run_changed_the_models_is_refused_and_writes_nothing(store) -> None:
    pk = ensure_provider("synth", "Synth", "openai-compatible")
    sync(store, pk, [remote("m1", 16384), remote("m2", 16384)], T0)
    # The app plans seed 2 ...
    preview = compute_plan("synth", [remote("m1", 24576), remote("m2", 24576)], load_stored(pk), now=T0 + timedelta(hours=1))
    assert len(preview.updated) == 2
    # ... a cron run applies seed 3 meanwhile ...
    sync(store, pk, [remote("m1", 28672), remote("m2", 28672)], T0 + timedelta(hours=2))
    changes_before = ModelChange.select().count()
    # ... and the user confirms the preview.
    with pytest.raises(StalePlan, match="synth: the store changed after this plan was made"):
        apply_plan(preview, pk, run_id=None, now=T0 + timedelta(hours=3), db=store.db)
    assert contexts(pk) == {"m1": 28672, "m2": 28672}
    assert ModelChange.select().count() == changes_before


def test_a_preview_that_adds_a_model_another_run_added_meanwhile_is_refused(store) -> None:
    pk = ensure_provider("synth", "Synth", "openai-compatible")
    sync(store, pk, [remote("m1", 1000)], T0)
    preview = compute_plan("synth", [remote("m1", 1000), remote("new", 2000)], load_stored(pk), now=T0)
    sync(store, pk, [remote("m1", 1000), remote("new", 2000)], T0 + timedelta(minutes=5))
    with pytest.raises(StalePlan, match="new"):
        apply_plan(preview, pk, run_id=None, now=T0 + timedelta(minutes=6), db=store.db)
    assert Model.select().where(Model.model_id == "new").count() == 1


def test_a_preview_marking_models_missing_after_another_run_changed_them_is_refused(store) -> None:
    pk = ensure_provider("synth", "Synth", "openai-compatible")
    sync(store, pk, [remote(f"m{i}", 1000) for i in range(4)], T0)
    preview = compute_plan("synth", [remote("m0", 1000), remote("m1", 1000), remote("m2", 1000)], load_stored(pk), now=T0)
    assert [m.model_id for m in preview.missing] == ["m3"]
    sync(store, pk, [remote(f"m{i}", 2000 if i == 3 else 1000) for i in range(4)], T0 + timedelta(minutes=5))
    with pytest.raises(StalePlan, match="m3"):
        apply_plan(preview, pk, run_id=None, now=T0 + timedelta(minutes=6), db=store.db)
    assert Model.get(Model.model_id == "m3").status == "active"


def test_a_preview_of_a_price_change_after_another_run_changed_that_price_is_refused(store) -> None:
    pk = ensure_provider("synth", "Synth", "openai-compatible")
    sync(store, pk, [remote("m1", 1000, "0.000001")], T0)
    preview = compute_plan("synth", [remote("m1", 1000, "0.000002")], load_stored(pk), now=T0)
    sync(store, pk, [remote("m1", 1000, "0.000003")], T0 + timedelta(minutes=5))
    periods = PriceTable.select().count()
    with pytest.raises(StalePlan):
        apply_plan(preview, pk, run_id=None, now=T0 + timedelta(minutes=6), db=store.db)
    assert PriceTable.select().count() == periods
    current = PriceTable.get(PriceTable.effective_until.is_null())
    assert current.input == Decimal("0.000003")


def test_a_preview_over_an_unchanged_store_applies(store) -> None:
    pk = ensure_provider("synth", "Synth", "openai-compatible")
    sync(store, pk, [remote("m1", 1000), remote("m2", 1000)], T0)
    preview = compute_plan("synth", [remote("m1", 2000), remote("m3", 1000)], load_stored(pk), now=T0, accept_shrink=True)
    # Another run that changed nothing only touched last_synced_at: still the same base.
    sync(store, pk, [remote("m1", 1000), remote("m2", 1000)], T0 + timedelta(minutes=5))
    apply_plan(preview, pk, run_id=None, now=T0 + timedelta(minutes=6), db=store.db)
    assert contexts(pk) == {"m1": 2000, "m2": 1000, "m3": 1000}


def test_checking_the_base_of_10000_updated_models_stays_cheap(store) -> None:
    pk = ensure_provider("synth", "Synth", "openai-compatible")
    n = 10_000
    sync(store, pk, [remote(f"m{i:05d}", 1000) for i in range(n)], T0)
    plan = compute_plan("synth", [remote(f"m{i:05d}", 2000) for i in range(n)], load_stored(pk), now=T0)
    from aisync_tui.sync.apply import check_plan_base

    def best_of_3(fn: object) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - started)
        return min(times)  # the least disturbed by other work on a shared machine

    checked = best_of_3(lambda: check_plan_base(plan, pk))
    one_load = best_of_3(lambda: load_stored(pk))
    # About one more read of the provider's models, next to a write of 10,000 rows.
    assert checked < max(5 * one_load, 1.0), (checked, one_load)
