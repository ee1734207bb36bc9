"""The pricing sync against a real SQLite store, with feeds read from local files (feed_url may be a path)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from aisync_tui.domain import Price, RemoteModel
from aisync_tui.pricing.runner import PricingRun
from aisync_tui.pricing.seed import ensure_seeded
from aisync_tui.pricing.sources import snapshot_bytes
from aisync_tui.store.db import open_store
from aisync_tui.store.models import Meta, Model, ModelChange, SyncRun
from aisync_tui.store.models import Price as PriceTable
from aisync_tui.store.queries import ModelDetail, get_model
from aisync_tui.sync.apply import apply_plan, ensure_provider, load_stored
from aisync_tui.sync.plan import compute_plan

T1 = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
FEED_PROVIDERS = {"openai", "xai", "anthropic", "gemini"}


def subset(real: dict[str, Any]) -> dict[str, Any]:
    """A realistic feed: every real entry of four providers (a few hundred models)."""
    return {k: v for k, v in real.items() if isinstance(v, dict) and v.get("litellm_provider") in FEED_PROVIDERS}


@pytest.fixture
def env(pricing_env: Any) -> Any:
    return pricing_env


def list_models(store: Any, provider: str, remotes: list[RemoteModel], now: datetime = T1) -> None:
    """What a model sync does: the provider lists these models."""
    pk = ensure_provider(provider, provider.title(), provider)
    plan = compute_plan(provider, remotes, load_stored(pk), now=now)
    apply_plan(plan, pk, run_id=None, now=now, db=store.db)


def sync(env: Any, *, now: datetime, **kw: Any) -> Any:
    # The feed is a four-provider subset of the real one, so it is taken on purpose (--accept-shrink).
    kw.setdefault("accept_shrink", True)
    return PricingRun(env.settings, env.store, now=now, **kw).run()


def stored(model_id: str, provider: str) -> ModelDetail:
    d = get_model(model_id, provider)
    assert d is not None, f"{provider}/{model_id} not stored"
    return d


def periods(provider: str, model_id: str) -> list[Any]:
    d = get_model(model_id, provider)
    assert d is not None
    return sorted(d.history, key=lambda p: p.effective_from)


def test_ledger_periods_across_three_syncs(env, real_litellm):
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o"), RemoteModel("openai", "o3"), RemoteModel("openai", "my-finetune")])
    s1 = sync(env, now=T1)
    openai = next(o for o in s1.outcomes if o.provider == "openai")
    assert {i.model_id: i.status for i in openai.plan.items} == {"gpt-4o": "updated", "o3": "updated", "my-finetune": "unmatched"}
    (first,) = periods("openai", "gpt-4o")
    assert first.price.input == Decimal("0.0000025") and first.effective_until is None and first.source == "litellm"
    # genai-prices dates o3's current price: $2/$8 since 2025-06-10, not "first seen by us".
    (o3,) = periods("openai", "o3")
    assert o3.effective_from == datetime(2025, 6, 10, tzinfo=timezone.utc)
    assert stored("my-finetune", "openai").price is None, "no match keeps an unknown price"
    rows_after_first = PriceTable.select().count()

    s2 = sync(env, now=T1 + timedelta(days=1))
    assert PriceTable.select().count() == rows_after_first, "an unchanged price writes nothing"
    openai = next(o for o in s2.outcomes if o.provider == "openai")
    assert openai.plan.counts()["updated"] == 0 and openai.plan.counts()["unchanged"] == 2

    changed = subset(real_litellm)
    changed["gpt-4o"] = dict(changed["gpt-4o"], input_cost_per_token=2e-06)
    env.feed.write_text(json.dumps(changed))
    t3 = T1 + timedelta(days=2)
    s3 = sync(env, now=t3)
    openai = next(o for o in s3.outcomes if o.provider == "openai")
    assert [i.model_id for i in openai.plan.by_status("updated")] == ["gpt-4o"]
    old, new = periods("openai", "gpt-4o")
    assert old.price.input == Decimal("0.0000025") and old.effective_until == t3
    assert new.price.input == Decimal("0.000002") and new.effective_from == t3 and new.effective_until is None
    change = ModelChange.select().where(ModelChange.field == "pricing").order_by(ModelChange.id.desc()).first()
    assert '"input": "0.0000025"' in change.old and '"input": "0.000002"' in change.new
    runs = list(SyncRun.select().where(SyncRun.kind == "pricing", SyncRun.provider == "openai"))
    assert len(runs) == 3 and all(r.status == "ok" for r in runs)
    assert [r.prices_changed for r in runs] == [2, 0, 1]


@pytest.mark.parametrize(
    "bad, reason",
    [
        (lambda real: dict(list(subset(real).items())[:10]), "only 10 models"),
        (lambda real: list(subset(real).values()), "not a JSON object"),
        (lambda real: dict(list(subset(real).items())[:60]), "under half"),
        (lambda real: "{not json", "not valid JSON"),
    ],
)
def test_a_bad_feed_is_rejected_and_the_last_good_copy_stays(env, real_litellm, bad, reason):
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o")])
    sync(env, now=T1)
    revision = env.store.meta_get("pricing.litellm.revision")
    payload = bad(real_litellm)
    if isinstance(payload, str):
        env.feed.write_text(payload)
    else:
        # the bad copy also carries a different gpt-4o price: it must not reach the ledger
        if isinstance(payload, dict) and "gpt-4o" in payload:
            payload["gpt-4o"] = dict(payload["gpt-4o"], input_cost_per_token=9e-06)
        env.feed.write_text(json.dumps(payload))
    s = sync(env, now=T1 + timedelta(hours=1), accept_shrink=False)
    (warning,) = [w for w in s.extra["warnings"] if "LiteLLM" in w]
    assert reason in warning and "keeping the last good copy" in warning
    assert env.store.meta_get("pricing.litellm.revision") == revision
    assert [p.price.input for p in periods("openai", "gpt-4o")] == [Decimal("0.0000025")]
    assert s.exit_code == 0


def test_missing_feed_file_on_first_run_falls_back_to_the_bundled_snapshot(env):
    env.feed.unlink()
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o")])
    s = sync(env, now=T1)
    assert any("cannot read the LiteLLM feed" in w and "bundled snapshot" in w for w in s.extra["warnings"])
    assert any("bundled price snapshot from" in n for n in s.extra["notices"])
    (p,) = periods("openai", "gpt-4o")
    assert p.source == "snapshot" and p.price.input == Decimal("0.0000025")


def test_provider_published_price_wins_over_the_feed(env):
    own = Price(input=Decimal("0.0000031"), output=Decimal("0.0000151"))
    list_models(env.store, "xai", [RemoteModel("xai", "grok-4.20", type="chat", price=own)])
    s = sync(env, now=T1)
    xai = next(o for o in s.outcomes if o.provider == "xai")
    assert [(i.model_id, i.status) for i in xai.plan.items] == [("grok-4.20", "kept")]
    (p,) = periods("xai", "grok-4.20")
    assert p.source == "provider" and p.price.input == Decimal("0.0000031")


def test_genai_prices_alone_prices_a_model_litellm_lacks_from_its_dated_start(env, real_litellm):
    feed = subset(real_litellm)
    del feed["claude-sonnet-5"]
    env.feed.write_text(json.dumps(feed))
    list_models(env.store, "anthropic", [RemoteModel("anthropic", "claude-sonnet-5")])
    sync(env, now=T1)
    (p,) = periods("anthropic", "claude-sonnet-5")
    assert p.source == "genai-prices"
    assert p.effective_from == datetime(2026, 9, 1, tzinfo=timezone.utc)
    assert (p.price.input, p.price.output) == (Decimal("0.000003"), Decimal("0.000015"))


def test_feed_fills_what_the_provider_lacks_and_the_provider_value_wins(env):
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o", type="chat", capabilities=frozenset({"chat"}))])
    list_models(env.store, "gemini", [RemoteModel("gemini", "gemini-2.5-pro", type="chat", context_length=1_000_000)])
    sync(env, now=T1)
    gpt = stored("gpt-4o", "openai")
    # models.dev is trusted before LiteLLM for limits (both say 128,000 here).
    assert gpt.context_length == 128000 and gpt.field_sources["context_length"] == "models.dev"
    assert gpt.max_output_tokens == 16384
    assert {"chat", "vision", "caching"} <= set(gpt.capabilities)
    pro = stored("gemini-2.5-pro", "gemini")
    assert pro.context_length == 1_000_000 and pro.field_sources["context_length"] == "provider"
    assert pro.max_output_tokens == 65536 and pro.field_sources["max_output_tokens"] == "models.dev"
    # A later model sync keeps the feed's capabilities (the field_sources contract).
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o", type="chat", capabilities=frozenset({"chat"}))], now=T1 + timedelta(hours=2))
    assert {"vision", "caching"} <= set(stored("gpt-4o", "openai").capabilities)
    # ...also when that sync updates the model: the feed's fields keep their origin.
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o", type="chat", capabilities=frozenset({"chat"}), owned_by="system")], now=T1 + timedelta(hours=4))
    gpt = stored("gpt-4o", "openai")
    assert gpt.owned_by == "system" and gpt.field_sources["owned_by"] == "provider"
    assert gpt.field_sources["context_length"] == "models.dev" and {"vision", "caching"} <= set(gpt.capabilities)


def test_feed_models_nobody_listed_are_kept_as_catalog_and_become_available_when_listed(env):
    sync(env, now=T1)
    row = Model.get(Model.model_id == "gpt-4o")
    assert (row.status, row.available, row.in_catalog) == ("catalog", False, True)
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o", type="chat")], now=T1 + timedelta(hours=1))
    row = Model.get(Model.model_id == "gpt-4o")
    assert (row.status, row.available, row.in_catalog) == ("active", True, True)
    assert periods("openai", "gpt-4o")[0].price.input == Decimal("0.0000025")


def test_dry_run_changes_no_row(env):
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o")])
    before = (Model.select().count(), PriceTable.select().count(), SyncRun.select().count(), Meta.select().count())
    s = sync(env, now=T1, dry_run=True)
    assert s.outcomes and all(o.status == "dry_run" for o in s.outcomes)
    assert next(o for o in s.outcomes if o.provider == "openai").plan.counts()["updated"] == 1
    assert (Model.select().count(), PriceTable.select().count(), SyncRun.select().count(), Meta.select().count()) == before


def test_first_run_seeds_thousands_of_catalog_models_once(tmp_path):
    store = open_store(str(tmp_path / "fresh.db"))
    try:
        assert ensure_seeded(store) is True
        count = Model.select().where(Model.status == "catalog").count()
        assert count > 4000
        assert PriceTable.select().where(PriceTable.source == "snapshot").count() > 4000
        assert ensure_seeded(store) is False
        assert Model.select().count() == count
    finally:
        store.close()


def test_catalog_model_gone_from_the_feed_is_marked_retired_but_unpriced_feed_models_stay(env, real_litellm):
    sync(env, now=T1)
    unpriced = next(k for k, v in subset(real_litellm).items() if "input_cost_per_token" not in v and "alias_of" not in v and "/" not in k)
    from aisync_tui.pricing.feeds import parse_genai
    from aisync_tui.pricing.match import Matcher

    genai_only = Matcher([], parse_genai(json.loads(snapshot_bytes("genai"))))
    feed = subset(real_litellm)
    # an OpenAI model no genai-prices rule knows either: once LiteLLM drops it, no feed has it
    victim = next(k for k, v in feed.items() if v.get("litellm_provider") == "openai" and "/" not in k
                  and "input_cost_per_token" in v and genai_only.genai_for("openai", k) is None)
    del feed[victim]
    env.feed.write_text(json.dumps(feed))
    s = sync(env, now=T1 + timedelta(days=1))
    catalog = next(o for o in s.outcomes if o.provider == "catalog")
    assert catalog.plan.counts()["missing"] == 1
    gone = Model.get(Model.model_id == victim)
    assert (gone.status, gone.in_catalog) == ("retired", False)
    assert periods("openai", victim), "price history is kept"
    assert Model.get(Model.model_id == unpriced).status == "catalog"
