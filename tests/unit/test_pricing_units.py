"""Every price in its own unit: per-second input and output, per character, per image, per video second,
and the prices aisync has no component for, kept and shown as such (never as free)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

import peewee as pw
import pytest

from aisync_tui.domain import Price, cost_tier
from aisync_tui.pricing.feeds import parse_litellm
from aisync_tui.pricing.sources import snapshot_bytes
from aisync_tui.render.model_text import price_lines
from aisync_tui.store import migrations
from aisync_tui.store.db import open_store
from aisync_tui.store.ledger import PriceLedger
from aisync_tui.store.models import Model, Provider
from aisync_tui.usage.cost import compute_cost

REAL = "/work/shared/data/litellm/model_prices_and_context_window_backup.json"


@pytest.fixture(scope="module")
def entries():
    feed = parse_litellm(json.loads(snapshot_bytes("litellm")))
    return {e.key: e for e in feed.entries}


def test_whisper_has_an_input_and_an_output_price_per_second_not_zero(entries):
    price = entries["whisper-1"].price
    assert price.input_per_second == Decimal("0.0001") and price.output_per_second == Decimal("0.0001")
    assert "Input (seconds): $0.0001 per second" in price_lines(price, "1m")


def test_a_zero_output_second_never_hides_the_paid_input_second(entries):
    price = entries["groq/whisper-large-v3"].price
    assert price.input_per_second == Decimal("0.00003083") and price.output_per_second == 0
    assert cost_tier(price.input, price.output) is None  # not "Free"
    lines = price_lines(price, "1m")
    assert "Input (seconds): $0.00003083 per second" in lines and "Output (seconds): $0.00 per second" in lines


def test_tts_is_priced_per_character_and_shown_per_million_characters(entries):
    price = entries["tts-1"].price
    assert price.input_per_character == Decimal("0.000015")
    assert price_lines(price, "1m") == ["Input (characters): $15.00 per 1M characters"]


def test_image_input_and_generated_image_are_two_components():
    feed = parse_litellm({
        "gen": {"litellm_provider": "openai", "mode": "image_generation", "output_cost_per_image": 0.04},
        "see": {"litellm_provider": "gemini", "mode": "chat", "input_cost_per_image": 0.0025, "input_cost_per_token": 1e-07},
    })
    got = {e.key: e.price for e in feed.entries if e.price is not None}
    assert got["gen"].per_image == Decimal("0.04") and got["gen"].input_per_image is None
    assert got["see"].input_per_image == Decimal("0.0025") and got["see"].per_image is None


def test_a_video_model_is_priced_per_video_second():
    feed = parse_litellm({
        "sora": {"litellm_provider": "openai", "mode": "video_generation", "output_cost_per_second": 0.1},
        "veo": {"litellm_provider": "gemini", "mode": "chat", "input_cost_per_video_per_second": 0.0003, "output_cost_per_video_per_second": 0.5},
    })
    got = {e.key: e.price for e in feed.entries if e.price is not None}
    assert got["sora"].output_per_video_second == Decimal("0.1") and got["sora"].output_per_second is None
    assert got["veo"].input_per_video_second == Decimal("0.0003") and got["veo"].output_per_video_second == Decimal("0.5")
    assert "Video generated: $0.50 per video second" in price_lines(got["veo"], "1m")


def test_a_price_aisync_cannot_represent_is_kept_and_shown_as_such(entries):
    price = entries["gpt-4o"].price
    assert price is not None
    assert dict(price.other)["input_cost_per_token_batches"] == Decimal("0.00000125")
    lines = price_lines(price, "1m")
    assert "Other prices the source states (not used in costs):" in lines
    assert "  input_cost_per_token_batches: $1.25 per 1M tokens" in lines


def test_a_model_charged_per_query_is_not_free(entries):
    price = entries["rerank-english-v3.0"].price
    assert price is not None
    assert price.input is None and price.output is None and dict(price.other)["input_cost_per_query"] == Decimal("0.002")
    assert cost_tier(price.input, price.output) is None


def test_every_price_component_of_the_real_feed_is_parsed_or_kept(entries):
    real = json.loads(open(REAL).read())
    for key in ("whisper-1", "tts-1", "gpt-4o"):
        if key not in real:
            continue
        stated = {k for k, v in real[key].items() if "cost" in k and isinstance(v, (int, float))}
        price = parse_litellm({key: real[key]}).entries[0].price
        assert price is not None
        kept = set(dict(price.other))
        assert stated - kept <= {
            "input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost", "input_cost_per_second",
            "output_cost_per_second", "input_cost_per_character",
        }, key


def test_usage_cost_with_per_second_prices_is_unknown_not_zero():
    whisper = Price(input_per_second=Decimal("0.0001"), output_per_second=Decimal(0))
    assert compute_cost(whisper, requests=1, input_tokens=1000, output_tokens=50) is None
    gpt = Price(input=Decimal("0.0000025"), output=Decimal("0.00001"), other=(("input_cost_per_token_batches", Decimal("0.00000125")),))
    assert compute_cost(gpt, requests=1, input_tokens=1000, output_tokens=100) == Decimal("0.0035")


def test_the_ledger_stores_and_reads_back_every_component(tmp_path):
    store = open_store(str(tmp_path / "a.db"))
    try:
        pk = Provider.insert(slug="openai", name="OpenAI", kind="openai").execute()
        model = Model.insert(provider=pk, model_id="x").execute()
        price = Price(
            input_per_second=Decimal("0.0001"), output_per_second=Decimal(0), input_per_character=Decimal("0.000015"),
            input_per_image=Decimal("0.002"), output_per_video_second=Decimal("0.5"),
            other=(("input_cost_per_token_batches", Decimal("0.00000125")),),
        )
        assert PriceLedger.record(model, price, "litellm")
        stored = PriceLedger.current(model)
        assert stored is not None and stored.same_as(price)
        assert not PriceLedger.record(model, price, "litellm")  # the same price writes nothing
    finally:
        store.close()


def test_a_schema_2_per_second_price_is_kept_under_other_after_the_upgrade(tmp_path):
    path = tmp_path / "old.db"
    db = pw.SqliteDatabase(str(path))
    from aisync_tui.store.models import database_proxy

    database_proxy.initialize(db)
    db.connect()
    migrations.upgrade(db, str(path), target=2)
    columns = {c.name for c in db.get_columns("price")}
    assert "per_second" in columns and "input_per_second" not in columns
    pk = Provider.insert(slug="openai", name="OpenAI", kind="openai").execute()
    model = Model.insert(provider=pk, model_id="whisper-1").execute()
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    db.execute_sql(
        "INSERT INTO price (model_id, per_second, currency, effective_from, source, recorded_at) VALUES (?, ?, 'USD', ?, 'litellm', ?)",
        (model, "0.0001", now.replace(tzinfo=None).isoformat(" "), now.replace(tzinfo=None).isoformat(" ")),
    )
    migrations.upgrade(db, str(path))
    price = PriceLedger.current(model)
    assert price is not None
    assert price.other == (("per_second", Decimal("0.0001")),) and price.input_per_second is None
    assert not price.is_empty()
    db.close()
