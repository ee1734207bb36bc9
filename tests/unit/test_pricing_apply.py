"""Applying a pricing plan: all or nothing, cancellable between batches, and nothing at all in dry-run."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from aisync_tui.domain import RemoteModel
from aisync_tui.errors import Cancelled
from aisync_tui.events import BatchApplied
from aisync_tui.pricing.runner import PricingRun
from aisync_tui.store.models import Meta, Model, ModelChange, SyncRun
from aisync_tui.store.models import Price as PriceTable
from tests.unit.test_pricing_sync import T1, list_models


def _counts() -> tuple[int, int, int, int]:
    return Model.select().count(), PriceTable.select().count(), ModelChange.select().count(), Meta.select().count()


def test_a_cancel_between_batches_rolls_the_whole_sync_back(pricing_env):
    list_models(pricing_env.store, "openai", [RemoteModel("openai", "gpt-4o")])
    before = _counts()
    cancel = threading.Event()
    batches = []

    def emit(event):
        if isinstance(event, BatchApplied):
            batches.append(event)
            if len(batches) == 2:
                cancel.set()  # what Esc in the app and Ctrl+C do

    run = PricingRun(pricing_env.settings, pricing_env.store, now=T1, accept_shrink=True, emit=emit, cancel=cancel)
    with pytest.raises(Cancelled):
        run.run()
    assert len(batches) == 2
    assert _counts() == before
    statuses = {r.status for r in SyncRun.select().where(SyncRun.kind == "pricing")}
    assert statuses == {"cancelled"}
    assert run.summary.cancelled
    # The next run writes everything as if nothing had happened.
    PricingRun(pricing_env.settings, pricing_env.store, now=T1, accept_shrink=True).run()
    assert PriceTable.select().count() > before[1]


def test_a_pricing_run_marks_a_killed_earlier_run_as_interrupted(pricing_env):
    SyncRun.create(kind="pricing", provider="openai", group="dead", started_at=T1 - timedelta(hours=1), status="running")
    PricingRun(pricing_env.settings, pricing_env.store, now=T1, accept_shrink=True).run()
    (dead,) = SyncRun.select().where(SyncRun.group == "dead")
    assert dead.status == "interrupted"


def test_dry_run_shows_the_plan_and_writes_nothing(pricing_env):
    list_models(pricing_env.store, "openai", [RemoteModel("openai", "gpt-4o")])
    before = _counts()
    summary = PricingRun(pricing_env.settings, pricing_env.store, now=T1, accept_shrink=True, dry_run=True).run()
    assert _counts() == before and SyncRun.select().where(SyncRun.kind == "pricing").count() == 0
    openai = next(o for o in summary.outcomes if o.provider == "openai")
    assert openai.status == "dry_run" and openai.plan is not None and openai.plan.counts()["prices_changed"] == 1


def test_an_applied_sync_records_one_ok_run_per_plan_with_its_counts(pricing_env):
    list_models(pricing_env.store, "openai", [RemoteModel("openai", "gpt-4o"), RemoteModel("openai", "my-finetune")])
    summary = PricingRun(pricing_env.settings, pricing_env.store, now=T1, accept_shrink=True).run()
    runs = {r.provider: r for r in SyncRun.select().where(SyncRun.kind == "pricing")}
    assert set(runs) == {o.provider for o in summary.outcomes} and all(r.status == "ok" for r in runs.values())
    assert runs["openai"].prices_changed == 1 and runs["openai"].found == 2
