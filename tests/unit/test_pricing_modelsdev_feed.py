"""models.dev as the third feed of a pricing sync, against a real SQLite store (feeds from local files)."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from aisync_tui.domain import RemoteModel
from aisync_tui.jsonvalue import as_object, objects
from aisync_tui.pricing.sources import snapshot_bytes
from aisync_tui.store.models import Meta, Model
from tests.unit.test_pricing_sync import T1, list_models, periods, sync


@pytest.fixture
def env(pricing_env: Any) -> Any:
    return pricing_env


def _modelsdev() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(snapshot_bytes("modelsdev"))
    return data


def _write(env: Any, data: dict[str, Any]) -> None:
    env.modelsdev.write_text(json.dumps(data))


def test_models_dev_prices_a_model_no_other_feed_prices_under_its_own_name(env):
    data = _modelsdev()
    data["openai"]["models"]["house-model-1"] = {**copy.deepcopy(data["openai"]["models"]["gpt-4o"]), "id": "house-model-1",
                                                 "cost": {"input": 7, "output": 21}}
    _write(env, data)
    list_models(env.store, "openai", [RemoteModel("openai", "house-model-1"), RemoteModel("openai", "gpt-4o")])
    s = sync(env, now=T1)
    (p,) = periods("openai", "house-model-1")
    assert p.source == "models.dev" and (p.price.input, p.price.output) == (Decimal("0.000007"), Decimal("0.000021"))
    # LiteLLM states gpt-4o's price: models.dev never replaces it.
    (g,) = periods("openai", "gpt-4o")
    assert g.source == "litellm"
    assert {f["feed"]: f["origin"] for f in s.extra["feeds"]}["modelsdev"] == "file"
    # The accepted copy is kept in the store like the other feeds'.
    assert Meta.get_or_none(Meta.key == "pricing.modelsdev.copy") is not None


def test_models_dev_matches_a_provider_stated_alias_but_never_another_provider(env):
    data = _modelsdev()
    data["openai"]["models"]["house-model-2"] = {"id": "house-model-2", "cost": {"input": 1, "output": 2}}
    data["anthropic"]["models"]["house-model-3"] = {"id": "house-model-3", "cost": {"input": 1, "output": 2}}
    _write(env, data)
    list_models(env.store, "openai", [RemoteModel("openai", "house-model-2-latest", aliases=("house-model-2",)),
                                      RemoteModel("openai", "house-model-3")])
    sync(env, now=T1)
    (p,) = periods("openai", "house-model-2-latest")
    assert p.source == "models.dev" and p.price.input == Decimal("0.000001")
    assert periods("openai", "house-model-3") == []


def test_a_tiny_models_dev_file_is_rejected_and_the_bundled_copy_is_used(env):
    _write(env, {"openai": {"id": "openai", "models": {"gpt-4o": {"id": "gpt-4o"}}}})
    s = sync(env, now=T1)
    assert any("models.dev feed" in w and "rejected" in w and "bundled snapshot" in w for w in s.extra["warnings"])
    assert {f["feed"]: f["origin"] for f in s.extra["feeds"]}["modelsdev"] == "snapshot"


def test_sync_fills_cutoff_release_update_and_open_weights_naming_models_dev(env):
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o")])
    sync(env, now=T1)
    row = Model.get(Model.model_id == "gpt-4o")
    assert (row.knowledge_cutoff, row.released_at, row.last_updated, row.open_weights) == ("2023-09", "2024-05-13", "2024-08-06", False)
    assert all(row.field_sources[f] == "models.dev" for f in ("knowledge_cutoff", "released_at", "last_updated", "open_weights"))
    # A catalog model added from LiteLLM gets models.dev's facts too.
    sonnet = Model.get(Model.model_id == "claude-sonnet-4-5")
    assert sonnet.released_at is not None and sonnet.field_sources["released_at"] == "models.dev"


def test_models_dev_limits_come_before_litellm_but_never_before_the_provider(env):
    data = _modelsdev()
    data["openai"]["models"]["gpt-4o"]["limit"] = {"context": 64000, "output": 8000}
    _write(env, data)
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o"), RemoteModel("openai", "o3", context_length=150_000)])
    sync(env, now=T1)
    gpt = Model.get(Model.model_id == "gpt-4o")
    assert (gpt.context_length, gpt.max_output_tokens) == (64000, 8000) and gpt.field_sources["context_length"] == "models.dev"
    o3 = Model.get(Model.model_id == "o3", Model.available == True)  # noqa: E712
    assert o3.context_length == 150_000 and o3.field_sources["context_length"] == "provider"
    # A second sync with the same feeds changes nothing (no flip-flop between the two sources).
    s = sync(env, now=T1 + timedelta(hours=1))
    assert sum(o.plan.counts()["enriched"] for o in s.outcomes) == 0


def test_models_list_filters_open_weights_and_release_date_and_sorts_by_release(env):
    sync(env, now=T1)
    from aisync_tui.store.queries import get_model
    from aisync_tui.store.queries import list_models as rows

    newest = rows(released_after="2025-06-01", sort="released", limit=50)
    released = [r.released_at for r in newest]
    assert newest and all(d is not None and d > "2025-06-01" for d in released)
    assert released == sorted((d for d in released if d is not None), reverse=True)
    opened = rows(open_weights=True, limit=50)
    assert opened and all(r.open_weights is True for r in opened)
    assert not any(r.model_id == "gpt-4o" and r.provider == "openai" for r in rows(open_weights=True))
    d = get_model("gpt-4o", "openai")
    assert d is not None
    assert (d.knowledge_cutoff, d.released_at, d.open_weights) == ("2023-09", "2024-05-13", False)


def test_sources_that_disagree_on_a_price_are_recorded_while_the_order_of_trust_decides(env):
    data = _modelsdev()
    data["openai"]["models"]["gpt-4o"]["cost"]["input"] = 3.0
    _write(env, data)
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o")])
    s = sync(env, now=T1)
    openai = next(o for o in s.outcomes if o.provider == "openai")
    assert openai.plan.disputed == ["gpt-4o"]
    (p,) = periods("openai", "gpt-4o")
    assert p.source == "litellm" and p.price.input == Decimal("0.0000025")
    from aisync_tui.store.queries import get_model
    from aisync_tui.store.queries import list_models as rows

    detail = get_model("gpt-4o", "openai")
    assert detail is not None
    recorded = objects(detail.field_sources["disputes"])
    input_dispute = next(d for d in recorded if d["field"] == "input")
    values = as_object(input_dispute["values"])
    assert values["LiteLLM"] == "0.0000025" and values["models.dev"] == "0.000003"
    assert ("openai", "gpt-4o") in {(r.provider, r.model_id) for r in rows(disputed=True)}
    # Once the sources agree again, the record goes.
    data["openai"]["models"]["gpt-4o"]["cost"]["input"] = 2.5
    _write(env, data)
    sync(env, now=T1 + timedelta(hours=1))
    detail = get_model("gpt-4o", "openai")
    assert detail is not None
    assert not any(d["field"] == "input" for d in objects(detail.field_sources.get("disputes")))


def test_models_dev_capabilities_come_before_litellm_but_never_before_the_provider(env):
    data = _modelsdev()
    data["openai"]["models"]["gpt-4o"]["tool_call"] = False  # LiteLLM says it calls functions
    data["openai"]["models"]["o3"]["reasoning"] = False
    _write(env, data)
    list_models(env.store, "openai", [RemoteModel("openai", "gpt-4o"),
                                      RemoteModel("openai", "o3", capabilities=frozenset({"chat", "reasoning"}),
                                                  stated=frozenset({"chat", "reasoning"}))])
    sync(env, now=T1)
    gpt = Model.get(Model.model_id == "gpt-4o", Model.available == True)  # noqa: E712
    assert "functions" not in gpt.capabilities and "vision" in gpt.capabilities
    assert gpt.field_sources["capability:vision"] == "models.dev"
    o3 = Model.get(Model.model_id == "o3", Model.available == True)  # noqa: E712
    assert "reasoning" in o3.capabilities


def test_offline_a_price_only_the_bundled_models_dev_states_names_models_dev(env):
    list_models(env.store, "azure", [RemoteModel("azure", "gpt-4-32k")])
    s = sync(env, now=T1, offline=True)
    assert {f["feed"]: f["origin"] for f in s.extra["feeds"]}["modelsdev"] == "snapshot"
    (p,) = periods("azure", "gpt-4-32k")
    assert p.source == "snapshot:models.dev"


def test_verbose_report_says_what_models_dev_gave(env):
    from aisync_tui.commands.sync_pricing import print_report
    from aisync_tui.pricing.runner import PricingRun

    run = PricingRun(env.settings, env.store, now=T1, accept_shrink=True)
    summary = run.run()
    lines: list[str] = []
    print_report(lines.append, summary, per="1m", verbose=True, dry_run=False, reports=[*run.reports, run.modelsdev_report])
    said = next(x for x in lines if x.startswith("models.dev: "))
    from aisync_tui.pricing.modelsdev import MODELSDEV_PROVIDERS

    assert f"{len(MODELSDEV_PROVIDERS)} providers mapped to ours" in said and run.modelsdev_report.models > 500
