"""The plan: pure data computed from what a provider listed and what the store holds."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from aisync_tui.domain import Price, RemoteModel
from aisync_tui.sync.plan import StoredModel, compute_plan

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def stored(pk, model_id, **values):
    base = dict(name=None, type="chat", context_length=None, max_output_tokens=None, capabilities=["chat"],
                input_modalities=[], output_modalities=[], created_at=None, deprecated_at=None, description=None, owned_by=None)
    base.update(values)
    return StoredModel(pk, model_id, base, values.get("status", "active"), True, False, {}, None, None)


def remote(model_id, **kw):
    kw.setdefault("capabilities", frozenset({"chat"}))
    kw.setdefault("type", "chat")
    return RemoteModel("p", model_id, **kw)


def test_new_changed_unchanged_and_missing_models_are_told_apart():
    plan = compute_plan(
        "p",
        [remote("a"), remote("b", context_length=8192), remote("new")],
        [stored(1, "a"), stored(2, "b", context_length=4096), stored(3, "gone")],
        now=NOW,
    )
    assert [a.remote.model_id for a in plan.added] == ["new"]
    assert [(u.remote.model_id, [(c.field, c.old, c.new) for c in u.changes]) for u in plan.updated] == [("b", [("context_length", 4096, 8192)])]
    assert plan.unchanged == ["a"]
    assert [m.model_id for m in plan.missing] == ["gone"]


def test_unknown_from_the_provider_never_erases_a_known_value():
    plan = compute_plan("p", [remote("a", context_length=None)], [stored(1, "a", context_length=128000)], now=NOW)
    assert plan.unchanged == ["a"] and not plan.updated


def test_a_list_that_drops_most_models_is_held_back_unless_the_shrink_is_accepted():
    stored_models = [stored(i, f"m{i}") for i in range(10)]
    plan = compute_plan("p", [remote("m0"), remote("m1")], stored_models, now=NOW)
    assert plan.missing == [] and plan.held_back == 8 and "dropped 8 of 10" in (plan.guard or "")
    assert "--accept-shrink" in (plan.guard or "")
    forced = compute_plan("p", [remote("m0"), remote("m1")], stored_models, now=NOW, accept_shrink=True)
    assert len(forced.missing) == 8 and forced.guard is None


def test_a_provider_price_change_is_a_field_change():
    old = Price(input=Decimal("0.000003"), output=Decimal("0.000015"))
    s = StoredModel(1, "a", stored(1, "a").values, "active", True, False, {}, old, "provider")
    new = Price(input=Decimal("0.0000030"), output=Decimal("0.00001"))
    plan = compute_plan("p", [remote("a", price=new)], [s], now=NOW)
    assert [c.field for c in plan.updated[0].changes] == ["pricing"]
    same = compute_plan("p", [remote("a", price=Price(input=Decimal("0.0000030"), output=Decimal("0.000015")))], [s], now=NOW)
    assert same.unchanged == ["a"]


def test_a_past_deprecation_date_makes_the_model_deprecated():
    past = datetime(2026, 1, 1, tzinfo=timezone.utc)
    plan = compute_plan("p", [remote("a", deprecated_at=past)], [stored(1, "a")], now=NOW)
    fields = {c.field: (c.old, c.new) for c in plan.updated[0].changes}
    assert fields["status"] == ("active", "deprecated")


def test_feed_capabilities_survive_a_model_sync():
    s = StoredModel(1, "a", stored(1, "a", capabilities=["chat", "vision"]).values, "active", True, True, {"feed_capabilities": ["vision"]}, None, None)
    plan = compute_plan("p", [remote("a")], [s], now=NOW)
    assert plan.unchanged == ["a"]


def test_type_other_from_the_provider_does_not_overwrite_a_known_type():
    plan = compute_plan("p", [remote("a", type="other")], [stored(1, "a", type="embedding")], now=NOW)
    assert plan.unchanged == ["a"]
