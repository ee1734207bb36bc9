"""Every real captured model-list body in tests/fixtures (provenance: tests/fixtures/SOURCES.md),
synced into a real SQLite store: each model the body holds is stored with the body's exact id,
name, limits, capabilities (the falses it states too) and prices, and every id it lists finds
its model. A price feed that claims more (every capability, a max output above the provider's
context) changes none of what the provider stated.

The expected values are read from the raw JSON here, field by field as each provider documents
them, not from the adapter's output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest

from aisync_tui.domain import CAPABILITIES
from aisync_tui.pricing.catalog import enrich
from aisync_tui.pricing.feeds import FeedEntry
from aisync_tui.store.db import open_store
from aisync_tui.store.models import Model, Provider
from aisync_tui.store.queries import ModelDetail, get_model, resolve_model
from aisync_tui.sync.apply import apply_plan, ensure_provider, load_stored
from aisync_tui.sync.plan import compute_plan
from tests.unit.provider_helpers import make

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


@dataclass
class Expected:
    """What the body says about one model."""

    model_id: str
    name: str | None = None
    context_length: int | None = None
    max_output_tokens: int | None = None
    true_caps: set[str] = field(default_factory=set)
    false_caps: set[str] = field(default_factory=set)
    input_price: Decimal | None = None
    output_price: Decimal | None = None
    other_ids: tuple[str, ...] = ()
    """Other ids the body lists for this model (Mistral's alias entries)."""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _name(name: Any, model_id: str) -> str | None:
    return name if isinstance(name, str) and name and name != model_id else None


def openai_like(body: Any) -> list[Expected]:
    items = body["data"] if isinstance(body, dict) else body
    return [Expected(i["id"]) for i in items]


def gemini(body: Any) -> list[Expected]:
    out = []
    for i in body["models"]:
        mid = i["name"].removeprefix("models/")
        e = Expected(mid, _name(i.get("displayName"), mid), _int(i.get("inputTokenLimit")), _int(i.get("outputTokenLimit")))
        if isinstance(i.get("thinking"), bool):
            (e.true_caps if i["thinking"] else e.false_caps).add("reasoning")
        out.append(e)
    return out


def anthropic(body: Any) -> list[Expected]:
    leaves = {"image_input": "vision", "structured_outputs": "structured_output", "thinking": "reasoning", "batch": "batch"}
    out = []
    for i in body["data"]:
        e = Expected(i["id"], _name(i.get("display_name"), i["id"]), _int(i.get("max_input_tokens")), _int(i.get("max_tokens")))
        caps = i.get("capabilities") or {}
        for leaf, cap in leaves.items():
            if isinstance(caps.get(leaf), dict):
                (e.true_caps if caps[leaf]["supported"] else e.false_caps).add(cap)
        out.append(e)
    return out


def openrouter(body: Any) -> list[Expected]:
    out = []
    for i in body["data"]:
        top = i.get("top_provider") or {}
        pricing = i.get("pricing") or {}

        def price(key: str, pricing: dict = pricing) -> Decimal | None:
            text = pricing.get(key)
            return None if text in (None, "-1") else Decimal(text)

        discount = Decimal(str(i.get("discount") or 0))
        factor = 1 - discount
        inp, outp = price("prompt"), price("completion")
        out.append(
            Expected(
                i["id"], _name(i.get("name"), i["id"]), _int(i.get("context_length")) or _int(top.get("context_length")),
                _int(top.get("max_completion_tokens")),
                input_price=None if inp is None else inp * factor, output_price=None if outp is None else outp * factor,
            )
        )
    return out


def mistral(body: Any) -> list[Expected]:
    flags = {"vision": "vision", "function_calling": "functions", "completion_fim": "fim", "completion_chat": "chat"}
    entries = body["data"]
    own = {i["id"]: i for i in entries if i.get("name") in (None, i["id"])}
    # An alias entry belongs to the model its `name` gives. The live list names two owners for
    # `voxtral-mini-latest` (two entries): the first one listed is taken.
    owner: dict[str, str] = {}
    for i in entries:
        if i["id"] not in own:
            owner.setdefault(i["id"], i["name"])
    out = []
    for mid, i in own.items():
        caps = i["capabilities"]
        e = Expected(mid, None, _int(i.get("max_context_length")))
        for key, cap in flags.items():
            (e.true_caps if caps.get(key) is True else e.false_caps).add(cap)
        if caps.get("completion_chat") is not True:
            e.true_caps.discard("chat")
            e.false_caps.discard("chat")  # embedding, OCR and moderation models are typed by what they do
        if not mid.startswith("magistral"):
            e.false_caps.add("reasoning")  # no model in this list has a `reasoning` key: not marked true is false
        e.other_ids = tuple(alias for alias, model in owner.items() if model == mid)
        out.append(e)
    return out


def groq(body: Any) -> list[Expected]:
    features = {"tools": "functions", "json_mode": "json_mode", "structured_outputs": "structured_output", "reasoning": "reasoning"}
    items = body["data"] if isinstance(body, dict) else body
    out = []
    for i in items:
        if i.get("active") is False:
            continue
        e = Expected(i["id"], _name(i.get("name"), i["id"]), _int(i.get("context_window")), _int(i.get("max_completion_tokens")))
        if "input_modalities" in i:
            named = {features[f] for f in i.get("supported_features") or () if f in features}
            e.true_caps |= named
            e.false_caps |= set(features.values()) - named
            (e.true_caps if "image" in i["input_modalities"] else e.false_caps).add("vision")
        out.append(e)
    return out


def cohere(body: Any) -> list[Expected]:
    return [Expected(m["name"], None, _int(m.get("context_length"))) for m in body["models"]]


def bedrock(body: Any) -> list[Expected]:
    return [Expected(m["modelId"], _name(m.get("modelName"), m["modelId"])) for m in body["modelSummaries"]]


#: fixture -> (provider slug, how the body states each model)
CASES: dict[str, tuple[str, Callable[[Any], list[Expected]]]] = {
    "openai__chatgpt-export-curl-2025-06-09.json": ("openai", openai_like),
    "openai__lobe-chat.json": ("openai", openai_like),
    "openai__verity-rs-proof-fixture-2025-02-10.json": ("openai", openai_like),
    "deepseek__terminal-log-flintx-2025-12-30.json": ("deepseek", openai_like),
    "gemini__llm-gemini__2025-04-17.json": ("gemini", gemini),
    "gemini__llm-gemini__2025-05-20.json": ("gemini", gemini),
    "gemini__llm-gemini__2026-03-10.json": ("gemini", gemini),
    "gemini__llm-gemini__2026-08-05.json": ("gemini", gemini),
    "anthropic__model-registry-test-sample-2025-05.json": ("anthropic", anthropic),
    "anthropic__swift-decode-test-2026-07-16.json": ("anthropic", anthropic),
    "openrouter__cline__2025-04-24.json": ("openrouter", openrouter),
    "openrouter__cline__2025-05-12.json": ("openrouter", openrouter),
    "openrouter__cline__2025-05-23.json": ("openrouter", openrouter),
    "mistral__terminal-log-flintx-2025-12-30.json": ("mistral", mistral),
    "groq__neurorouter-fallback-list.json": ("groq", groq),
    "groq__live-list-rust-test-2026.json": ("groq", groq),
    # An OpenAI-compatible gateway: ids are kept; its `cost_in`/`cost_out` are not read (units differ between servers).
    "cloudflare-ai-gateway__models.dev.json": ("cf-gateway", openai_like),
    "cerebras__terminal-paste-2026.json": ("cerebras", openai_like),
    "cohere__ts-restatement-2026.json": ("cohere", cohere),
    "bedrock__boto3-list-foundation-models-2023-10-07.json": ("bedrock", bedrock),
}


def test_every_real_model_list_in_the_fixtures_is_in_the_table():
    """A capture added to tests/fixtures without a row here would go unchecked."""
    listed = {p.name for p in FIXTURES.glob("*.json")}
    # An error body, and a list whose origin tests/fixtures/SOURCES.md does not record.
    not_model_lists = {"error-openai-401__gptstudio-R-snapshot.json", "openai_models.json"}
    # Ids these adapters compose themselves (Azure deployments over its model catalog, the Hugging
    # Face router's `model:provider` routes): their own tests check them against these bodies.
    composed_ids = {"azure__deployments-docs-tutorial-2022.json", "azure__models-france-central-2023.json",
                    "huggingface__hub-docs-router-models.json"}
    assert listed - not_model_lists - composed_ids == set(CASES)


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "aisync.db"))
    yield s
    s.close()


def _stored(model_id: str, slug: str) -> ModelDetail:
    d = get_model(model_id, slug)
    assert d is not None, f"{slug}/{model_id} not stored"
    return d


def _sync(store: Any, slug: str, body: Any) -> int:
    adapter = make(slug)
    remote = adapter.parse(body)
    pk = ensure_provider(slug, slug, adapter.kind)
    plan = compute_plan(slug, remote, load_stored(pk), now=NOW, accept_shrink=True)
    apply_plan(plan, pk, run_id=None, now=NOW, db=store.db)
    return pk


def _greedy_feed(model_id: str, slug: str, context: int | None) -> FeedEntry:
    """A feed entry that claims every capability and a max output far above any context."""
    return FeedEntry(
        provider=slug, model_id=model_id, key=model_id, feed_provider=slug, price=None,
        context_length=None, max_output_tokens=(context or 1000) * 4, capabilities=frozenset(CAPABILITIES),
    )


def _enrich_all(provider_pk: int, slug: str) -> None:
    for m in Model.select().where(Model.provider == provider_pk):
        values = {"type": m.type, "context_length": m.context_length, "max_output_tokens": m.max_output_tokens,
                  "input_modalities": m.input_modalities, "output_modalities": m.output_modalities, "deprecated_at": m.deprecated_at}
        updates, _, _ = enrich(values, m.capabilities, m.field_sources, _greedy_feed(m.model_id, slug, m.context_length), "litellm")
        if updates:
            Model.update(**updates).where(Model.id == m.id).execute()


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_each_model_of_a_real_body_is_stored_as_the_provider_states_it(store, fixture: str):
    slug, expect = CASES[fixture]
    body = json.loads((FIXTURES / fixture).read_text())
    expected = expect(body)
    assert expected, fixture
    pk = _sync(store, slug, body)
    # A feed that claims everything, then the provider's list again: the provider's word stands.
    _enrich_all(pk, slug)
    _sync(store, slug, body)
    for e in expected:
        d = get_model(e.model_id, slug)
        assert d is not None, f"{fixture}: {e.model_id} not stored"
        assert (d.model_id, d.name) == (e.model_id, e.name), fixture
        assert d.context_length == e.context_length, f"{fixture}: {e.model_id} context"
        if e.max_output_tokens is not None or d.field_sources.get("max_output_tokens") == "provider":
            assert d.max_output_tokens == e.max_output_tokens, f"{fixture}: {e.model_id} max output"
        elif d.max_output_tokens is not None and d.context_length is not None:
            assert d.max_output_tokens <= d.context_length, f"{fixture}: {e.model_id} a feed's max output above the provider's context"
        caps = set(d.capabilities)
        assert e.true_caps <= caps, f"{fixture}: {e.model_id} lost {e.true_caps - caps}"
        assert not (e.false_caps & caps), f"{fixture}: {e.model_id} shows {e.false_caps & caps}, which the provider states false"
        for cap in e.true_caps | e.false_caps:
            assert d.field_sources.get(f"capability:{cap}") == "provider", f"{fixture}: {e.model_id} {cap} source"
        if e.input_price is not None or e.output_price is not None:
            assert d.price is not None and (d.price.price.input, d.price.price.output) == (e.input_price, e.output_price), e.model_id
        for other in e.other_ids:
            found = resolve_model(other, slug)
            assert found is not None and found.model_id == e.model_id and found.available, f"{fixture}: {other} does not resolve"
    assert Model.select().join(Provider).where(Provider.slug == slug).count() == len({e.model_id for e in expected})


def test_a_max_output_openrouter_stopped_sending_is_cleared_with_a_change_log_entry(store):
    """Two real captures of one provider: what the newer one no longer states is not kept as its word."""
    older = json.loads((FIXTURES / "openrouter__cline__2025-04-24.json").read_text())
    newer = json.loads((FIXTURES / "openrouter__cline__2025-05-12.json").read_text())
    before = {m["id"]: (m.get("top_provider") or {}).get("max_completion_tokens") for m in older["data"]}
    after = {m["id"]: (m.get("top_provider") or {}).get("max_completion_tokens") for m in newer["data"]}
    dropped = sorted(k for k in before if k in after and before[k] and not after[k])
    assert len(dropped) == 8  # what the captures hold; the test is about each of them
    _sync(store, "openrouter", older)
    assert all(_stored(k, "openrouter").max_output_tokens == before[k] for k in dropped)
    _sync(store, "openrouter", newer)
    for k in dropped:
        d = _stored(k, "openrouter")
        assert d.max_output_tokens is None, k
        assert "max_output_tokens" not in d.field_sources, k
        assert any(c.field == "max_output_tokens" and c.old == str(before[k]) and c.new is None for c in d.changes), k
    kept = [k for k in before if k in after and before[k] and after[k]]
    assert kept and all(_stored(k, "openrouter").max_output_tokens == after[k] for k in kept)
    # A model the newer list leaves out is missing (dated), its values kept: that is not a withdrawal.
    gone = sorted(k for k in before if k not in after)
    assert gone
    d = _stored(gone[0], "openrouter")
    assert d.status == "missing" and d.context_length is not None
