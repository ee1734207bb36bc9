"""`models deprecations`: soonest first, past dates included, recent usage marked (by id or alias)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from aisync_tui.choose.deprecations import deprecations
from aisync_tui.store.models import Model, Provider, UsageRecord

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


def _model(provider: str, model_id: str, days: int | None, aliases: list[str] | None = None) -> None:
    prov, _ = Provider.get_or_create(slug=provider, defaults={"name": provider})
    Model.create(provider=prov, model_id=model_id, deprecated_at=None if days is None else NOW + timedelta(days=days), aliases=aliases or [])


def _use(provider: str, model_id: str, days_ago: int) -> None:
    UsageRecord.create(ts=NOW - timedelta(days=days_ago), provider=provider, model_id=model_id, requests=1, source="test",
                       source_ref=f"{provider}/{model_id}/{days_ago}", imported_at=NOW)


def test_soonest_first_with_past_dates_and_recent_use_marked(store):
    _model("openai", "later", 90)
    _model("openai", "soon", 5, aliases=["soon-latest"])
    _model("openai", "gone", -3)
    _model("openai", "forever", None)
    _model("anthropic", "soon", 6)
    _use("openai", "soon-latest", 2)   # used under an alias its provider stated
    _use("anthropic", "soon", 45)      # too long ago
    _use("openai", "later", 1)
    found = deprecations(now=NOW)
    assert [(d.provider, d.model_id) for d in found] == [("openai", "gone"), ("openai", "soon"), ("anthropic", "soon"), ("openai", "later")]
    assert [d.used for d in found] == [False, True, False, True]
    assert [d.days_left(NOW) for d in found] == [-3, 5, 6, 90]
    # --within: only what is coming, from today on.
    assert [d.model_id for d in deprecations(within=30, now=NOW)] == ["soon", "soon"]
    used = deprecations(within=30, used_only=True, now=NOW)
    assert [(d.provider, d.model_id) for d in used] == [("openai", "soon")]
    assert used[0].to_json(NOW)["deprecation_date"] == "2026-06-06" and used[0].to_json(NOW)["used_recently"] is True


def test_the_command_lists_used_models_in_json_and_a_table(sandbox):
    from aisync_tui.domain import utcnow
    from aisync_tui.store.db import open_store

    s = open_store(str(sandbox.db))
    try:
        prov = Provider.create(slug="openai", name="OpenAI")
        Model.create(provider=prov, model_id="gpt-old", deprecated_at=utcnow() + timedelta(days=10))
        UsageRecord.create(ts=utcnow() - timedelta(days=1), provider="openai", model_id="gpt-old", requests=1, source="t", source_ref="r", imported_at=utcnow())
    finally:
        s.close()
    r = sandbox.run("models", "deprecations", "--used", "--format", "json")
    assert r.returncode == 0, r.stderr
    (only,) = json.loads(r.stdout)
    assert (only["id"], only["days_left"], only["used_recently"]) == ("gpt-old", 10, True)
    text = sandbox.run("models", "deprecations", "--used", "--within", "30").stdout
    assert "| gpt-old" in text and "in 10 days" in text and "1 model, 1 of them used in the last 30 days" in text
