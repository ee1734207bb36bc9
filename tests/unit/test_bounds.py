"""`aisync_tui.bounds`: every value from outside is checked before anything else touches it."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from aisync_tui import bounds
from aisync_tui.domain import Price, PriceTier, RemoteModel, to_decimal
from aisync_tui.providers.http import _parse_retry_after


@pytest.mark.parametrize(
    "value",
    ["1e+999999999", "1e+99999999999", "1_000", "0x10", "NaN", "-Infinity", "1e308", "1e-400", "1" * 5000, 10**400, float("nan"), True, [1], {"x": 1}],
)
def test_a_price_bomb_or_odd_number_is_unknown_and_costs_no_time_or_memory(value: object) -> None:
    start = time.perf_counter()
    assert to_decimal(value) is None
    assert time.perf_counter() - start < 0.05


@pytest.mark.parametrize(
    "value, expected",
    [("0.0000025", Decimal("0.0000025")), (2.5e-06, Decimal("0.0000025")), ("  3.5 ", Decimal("3.5")), (0, Decimal(0)), ("-0.5", Decimal("-0.5")), ("1e-12", Decimal("1e-12"))],
)
def test_ordinary_amounts_stay_exact(value: object, expected: Decimal) -> None:
    assert to_decimal(value) == expected


@pytest.mark.parametrize("value", [10**30, 2**63, 1e300, 1e25, "99999999999999999999", -5, 0, True, "12abc", 1.5, float("inf")])
def test_a_token_limit_out_of_range_or_malformed_is_unknown(value: object) -> None:
    assert bounds.token_limit(value) is None


@pytest.mark.parametrize("value, expected", [(128_000, 128_000), (128000.0, 128_000), ("200000", 200_000), (" 8192 ", 8192)])
def test_a_plain_token_limit_is_read(value: object, expected: int) -> None:
    assert bounds.token_limit(value) == expected


def test_refused_values_are_collected_with_a_short_preview() -> None:
    with bounds.collect() as refused:
        bounds.token_limit(10**30, field="context_length")
        bounds.decimal("9" * 60 + "x", field="pricing.prompt")
    assert [r.field for r in refused] == ["context_length", "pricing.prompt"]
    assert refused[0].line() == "context_length (31-digit number) is out of range (1 to 10,000,000,000); shown as unknown"
    assert len(refused[1].value) < 60
    # Outside a collect() block nothing is kept.
    assert bounds.token_limit(10**30) is None


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2150-01-01", "1960-05-05T00:00:00Z", "x" * 10_000, 17],
)
def test_an_extreme_date_is_unknown_never_an_overflow(value: object) -> None:
    assert bounds.iso_time(value) is None


@pytest.mark.parametrize("value", [1e20, 10**400, -1, "9" * 400, float("nan"), True])
def test_an_extreme_unix_time_is_unknown_never_an_overflow(value: object) -> None:
    assert bounds.unix_time(value) is None


def test_ollama_nanosecond_times_and_dates_with_trailing_text_are_read() -> None:
    assert bounds.iso_time("2024-05-01T10:00:00.123456789Z") == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=timezone.utc)
    assert bounds.iso_time("2025-06-30 (approx)") == datetime(2025, 6, 30, tzinfo=timezone.utc)


def test_a_model_with_an_over_long_id_is_skipped_and_long_text_is_cut() -> None:
    with bounds.collect() as refused:
        assert bounds.check_model(RemoteModel("p", "x" * (bounds.MAX_ID_CHARS + 1))) is None
        m = bounds.check_model(
            RemoteModel(
                "p", "ok", name="n" * 5000, description="d" * 100_000, context_length=10**30,
                input_modalities=tuple(f"m{i}" for i in range(500)), aliases=("a", "b" * 2000),
                created_at=datetime(1, 1, 1, tzinfo=timezone.utc),
                price=Price(input=Decimal("1e40"), output=Decimal("0.000002")),
            )
        )
    assert m is not None and m.name is not None and m.description is not None and m.price is not None
    assert len(m.name) == bounds.MAX_NAME_CHARS and m.name.endswith("…")
    assert len(m.description) == bounds.MAX_DESCRIPTION_CHARS
    assert m.context_length is None and m.created_at is None
    assert len(m.input_modalities) == bounds.MAX_LIST_ITEMS
    assert m.aliases == ("a",)
    assert m.price.input is None and m.price.output == Decimal("0.000002")
    assert any("the model was skipped" in r.line() for r in refused)


def test_a_model_inside_every_bound_is_returned_unchanged() -> None:
    m = RemoteModel("p", "gpt-4o", name="GPT-4o", context_length=128_000, price=Price(input=Decimal("0.0000025")))
    assert bounds.check_model(m) is m


@pytest.mark.parametrize(
    "headers, body",
    [({"retry-after": "soon"}, None), ({"retry-after-ms": "1e400"}, None), ({"retry-after": "inf"}, None), ({}, {"error": {"details": [{"retryDelay": ".s"}]}})],
)
def test_a_garbage_retry_after_is_ignored_not_a_crash(headers: dict, body: object) -> None:
    assert _parse_retry_after(httpx.Headers(headers), body) is None


def test_a_litellm_entry_with_absurd_numbers_keeps_its_sane_fields_and_loses_the_rest() -> None:
    from aisync_tui.pricing.feeds import parse_litellm

    data = {
        "gpt-4o": {
            "litellm_provider": "openai", "mode": "chat", "max_input_tokens": 1e30, "max_output_tokens": 16384,
            "input_cost_per_token": "1e+999999999", "output_cost_per_token": 1e-05, "deprecation_date": "0001-01-01",
            "input_cost_per_token_above_99999999999999999999k_tokens": 1e-06,
        },
        "x" * 100_000: {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06},
    }
    start = time.perf_counter()
    feed = parse_litellm(data)
    assert time.perf_counter() - start < 0.5
    (entry,) = feed.entries
    assert entry.model_id == "gpt-4o"
    assert entry.context_length is None and entry.max_output_tokens == 16384
    # An unreadable stated price refuses the entry's whole price (the model keeps its previous one).
    assert entry.price is None and "input_cost_per_token" in (entry.price_problem or "")
    assert entry.deprecated_at is None
    sane = parse_litellm({"gpt-4o": dict(data["gpt-4o"], input_cost_per_token=2.5e-06)}).entries[0]
    assert sane.price is not None and sane.price.output == Decimal("0.00001") and sane.price.tiers == ()


REAL_BODIES = sorted(
    p for p in (Path(__file__).resolve().parents[1] / "fixtures").glob("*__*.json") if p.name.split("__")[0] in {
        "anthropic", "deepseek", "gemini", "groq", "mistral", "openai", "openrouter", "cloudflare-ai-gateway"}
)


@pytest.mark.parametrize("path", REAL_BODIES, ids=lambda p: p.name)
def test_no_value_of_a_real_provider_answer_is_refused(path: Path) -> None:
    from tests.unit.test_fuzz_parsers import _adapter

    prefix = path.name.split("__")[0]
    adapter = _adapter("openai-compatible" if prefix == "cloudflare-ai-gateway" else prefix)
    with bounds.collect() as refused:
        models = [bounds.check_model(m) for m in adapter.parse(json.loads(path.read_text()))]
    assert models and None not in models
    assert [r.line() for r in refused] == []


def test_no_value_of_the_bundled_price_feeds_is_refused() -> None:
    import gzip
    from importlib.resources import files

    from aisync_tui.pricing.feeds import parse_genai, parse_litellm

    data = files("aisync_tui.pricing") / "data"
    with bounds.collect() as refused:
        litellm = parse_litellm(json.loads(gzip.decompress((data / "litellm.json.gz").read_bytes())))
        genai = parse_genai(json.loads(gzip.decompress((data / "genai-prices-v2.json.gz").read_bytes())))
    assert len(litellm.entries) > 4000 and genai.report.parsed > 1000
    assert [r.line() for r in refused] == []


def test_a_refused_value_names_the_model_it_came_from() -> None:
    from tests.unit.test_fuzz_parsers import _adapter

    body = {"data": [{"id": "acme/big", "context_length": 10**30, "pricing": {"prompt": "1e+999999999"}}, {"id": "acme/long", "name": "x" * 600}]}
    with bounds.collect() as refused:
        models = [bounds.check_model(m) for m in _adapter("openrouter").parse(body)]
    assert [m.model_id if m else None for m in models] == ["acme/big", "acme/long"]
    assert [r.line() for r in refused] == [
        "'acme/big': pricing.prompt '1e+999999999' is not a plain decimal number; shown as unknown",
        "'acme/big': context_length (31-digit number) is out of range (1 to 10,000,000,000); shown as unknown",
        "'acme/long': name 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'… is longer than 512 characters; cut",
    ]


def test_an_azure_model_list_with_an_absurd_creation_time_still_lists_every_model() -> None:
    from aisync_tui.providers.azure import parse_models

    body = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "azure__models-france-central-2023.json").read_text())
    expected = len(parse_models("azure", body))
    body["data"][0]["created_at"] = 10**400  # no float holds it: unknown, not an OverflowError
    body["data"][1]["created_at"] = float("nan")
    assert len(parse_models("azure", body)) == expected


def test_a_model_whose_fields_hold_the_wrong_kind_keeps_them_unknown() -> None:
    wrong: object = ["not", "text"]
    m = RemoteModel("p", "odd", name=wrong, context_length="128000", max_output_tokens=True)  # type: ignore[arg-type]
    with bounds.collect() as refused:
        checked = bounds.check_model(m)
    assert checked is not None
    assert checked.name is None and checked.context_length == 128_000 and checked.max_output_tokens is None
    assert any("max_output_tokens" in r.line() for r in refused)


def test_a_price_with_a_component_out_of_range_keeps_its_tiers_and_other_prices() -> None:
    price = Price(
        input=Decimal("1e40"), output=Decimal("0.000002"),
        tiers=(PriceTier(200_000, Decimal("0.000004")),), other=(("per_page", Decimal("0.01")),),
    )
    checked = bounds.check_price(price)
    assert checked.input is None and checked.output == Decimal("0.000002")
    assert checked.tiers == price.tiers and checked.other == price.other
