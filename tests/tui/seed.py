"""A seeded demo store for the app's tests, snapshots, screenshots and benchmarks.

Everything is written directly through the store's tables with fixed timestamps derived from one
`NOW`, so a snapshot never depends on the wall clock, the machine or random ids. `add_bulk()` adds
a catalog-sized set of generated models (50,000 for the performance target) with insert_many.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aisync_tui.store.models import Model, ModelChange, Price, Provider, SyncRun, UsageRecord, tuples

#: The frozen "now" of every seeded store and of the clock the tests install.
NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)

PROVIDERS = [
    # slug, name, kind, last_synced (minutes ago) or None, status, error
    ("openai", "OpenAI", "openai", 12, "ok", None),
    ("gemini", "Gemini", "gemini", 180, "ok", None),
    ("xai", "xAI", "xai", None, "failed", "Invalid API key (verify the API key in your environment or config file)"),
    ("anthropic", "Anthropic", "catalog", None, None, None),
]

# provider, id, name, type, status, ctx, max_out, caps, input $/1M, output $/1M, available
MODELS: list[tuple[str, str, str, str, str, int | None, int | None, list[str], str | None, str | None, bool]] = [
    ("openai", "gpt-4o", "GPT-4o", "chat", "active", 128000, 16384, ["chat", "functions", "vision", "streaming"], "2.50", "10.00", True),
    ("openai", "gpt-4o-mini", "GPT-4o mini", "chat", "active", 128000, 16384, ["chat", "functions", "vision"], "0.15", "0.60", True),
    ("openai", "gpt-4.1", "GPT-4.1", "chat", "active", 1047576, 32768, ["chat", "functions", "vision"], "2.00", "8.00", True),
    ("openai", "o3", "o3", "chat", "active", 200000, 100000, ["chat", "functions", "reasoning", "vision"], "2.00", "8.00", True),
    ("openai", "o1-preview", "o1 preview", "chat", "deprecated", 128000, 32768, ["chat", "reasoning"], "15.00", "60.00", True),
    ("openai", "text-embedding-3-small", "Text embedding 3 small", "embedding", "active", 8191, None, ["embeddings"], "0.02", None, True),
    ("openai", "dall-e-3", "DALL·E 3", "image", "active", None, None, ["image_generation"], None, None, True),
    ("openai", "gpt-3.5-turbo-0301", "GPT-3.5 Turbo 0301", "chat", "missing", 4096, 4096, ["chat"], "1.50", "2.00", False),
    ("openai", "whisper-1", "Whisper", "transcription", "active", None, None, ["audio_in"], None, None, True),
    ("gemini", "gemini-2.5-pro", "Gemini 2.5 Pro", "chat", "active", 1048576, 65536, ["chat", "functions", "reasoning", "vision"], "1.25", "10.00", True),
    ("gemini", "gemini-2.5-flash", "Gemini 2.5 Flash", "chat", "active", 1048576, 65536, ["chat", "functions", "reasoning", "vision"], "0.30", "2.50", True),
    ("gemini", "gemini-2.0-flash", "Gemini 2.0 Flash", "chat", "active", 1048576, 8192, ["chat", "functions", "vision"], "0.10", "0.40", True),
    ("gemini", "text-embedding-004", "Text Embedding 004", "embedding", "active", 2048, None, ["embeddings"], "0", "0", True),
    ("xai", "grok-3", "Grok 3", "chat", "catalog", 131072, None, ["chat", "functions"], "3.00", "15.00", False),
    ("xai", "grok-3-mini", "Grok 3 Mini", "chat", "catalog", 131072, None, ["chat", "functions", "reasoning"], "0.30", "0.50", False),
    ("anthropic", "claude-sonnet-4-20250514", "Claude Sonnet 4", "chat", "catalog", 200000, 64000, ["chat", "functions", "vision", "reasoning"], "3.00", "15.00", False),
    ("anthropic", "claude-opus-4-20250514", "Claude Opus 4", "chat", "catalog", 200000, 32000, ["chat", "functions", "vision", "reasoning"], "15.00", "75.00", False),
    ("anthropic", "claude-3-5-haiku-20241022", "Claude Haiku 3.5", "chat", "catalog", 200000, 8192, ["chat", "functions"], "0.80", "4.00", False),
]

MILLION = Decimal(1_000_000)


def _per_token(per_million: str | None) -> Decimal | None:
    return None if per_million is None else Decimal(per_million) / MILLION


def seed_store(now: datetime = NOW) -> None:
    """Write the demo providers, models, price history, change log, runs and usage."""
    slugs: dict[str, int] = {}
    for slug, name, kind, minutes, status, error in PROVIDERS:
        synced = now - timedelta(minutes=minutes) if minutes is not None else None
        attempt = synced or (now - timedelta(minutes=45) if status == "failed" else None)
        slugs[slug] = Provider.create(
            slug=slug, name=name, kind=kind, last_synced_at=synced, last_attempt_at=attempt,
            last_status=status, last_error=error, last_error_kind="invalid_api_key" if error else None,
        ).id
    first_seen = now - timedelta(days=200)
    for i, (prov, mid, name, mtype, status, ctx, max_out, caps, inp, out, available) in enumerate(MODELS):
        synced_minutes = next(p[3] for p in PROVIDERS if p[0] == prov)
        synced = now - timedelta(minutes=synced_minutes) if synced_minutes is not None and available else None
        raw = {"id": mid, "object": "model", "owned_by": prov, "created": 1_700_000_000 + i * 86_400}
        model = Model.create(
            provider=slugs[prov], model_id=mid, name=name, type=mtype, status=status, context_length=ctx,
            max_output_tokens=max_out, capabilities=caps, input_modalities=["text"], output_modalities=["text"],
            created_at=datetime(2024, 5, 13, tzinfo=UTC) + timedelta(days=7 * i), first_seen_at=first_seen,
            last_synced_at=synced, missing_since=now - timedelta(days=20) if status == "missing" else None,
            available=available, in_catalog=status == "catalog" or prov == "anthropic",
            field_sources={"context_length": "provider" if available else "litellm"}, raw=json.dumps(raw),
        )
        if inp is None and out is None:
            continue
        if mid == "gpt-4o":
            # Two closed periods before the current one: a real price history for the detail screen.
            for start, end, pin, pout in (
                (datetime(2024, 5, 13, tzinfo=UTC), datetime(2024, 8, 6, tzinfo=UTC), "5.00", "15.00"),
                (datetime(2024, 8, 6, tzinfo=UTC), datetime(2024, 10, 2, tzinfo=UTC), "3.75", "12.50"),
            ):
                Price.create(model=model.id, input=_per_token(pin), output=_per_token(pout), effective_from=start,
                             effective_until=end, source="genai-prices", recorded_at=first_seen)
            Price.create(model=model.id, input=_per_token(inp), output=_per_token(out), cached_input=_per_token("1.25"),
                         effective_from=datetime(2024, 10, 2, tzinfo=UTC), source="litellm", recorded_at=first_seen)
            continue
        Price.create(model=model.id, input=_per_token(inp), output=_per_token(out), effective_from=first_seen,
                     source="provider" if prov == "xai" else "litellm", recorded_at=first_seen)

    runs: list[tuple[str, str | None, datetime, float, str, int, int, int, int, int, str | None, str | None]] = [
        ("models", "openai", now - timedelta(minutes=12, seconds=3), 3.2, "ok", 9, 1, 2, 6, 1, None, None),
        ("models", "gemini", now - timedelta(minutes=180, seconds=5), 1.8, "ok", 4, 0, 1, 3, 0, None, None),
        ("models", "xai", now - timedelta(minutes=45), 0.4, "failed", 0, 0, 0, 0, 0,
         "Invalid API key (verify the API key in your environment or config file)", "invalid_api_key"),
        ("pricing", None, now - timedelta(days=1), 2.5, "ok", 18, 0, 3, 15, 0, None, None),
    ]
    for n, (kind, run_provider, started, secs, status, found, added, updated, unchanged, missing, run_error, ekind) in enumerate(runs):
        SyncRun.create(kind=kind, provider=run_provider, group=f"demo{n:08d}", started_at=started,
                       finished_at=started + timedelta(seconds=secs), status=status, found=found, added=added,
                       updated=updated, unchanged=unchanged, missing=missing, error=run_error, error_kind=ekind)
    gpt4o = Model.get(Model.model_id == "gpt-4o")
    ModelChange.create(model=gpt4o.id, field="context_length", old="8192", new="128000", at=now - timedelta(days=30))
    ModelChange.create(model=gpt4o.id, field="max_output_tokens", old="4096", new="16384", at=now - timedelta(minutes=12))
    for day in range(30):
        ts = now - timedelta(days=29 - day, hours=3)
        requests = 20 + (day * 7) % 23
        UsageRecord.create(
            ts=ts, provider="openai", model_id="gpt-4o", requests=requests, input_tokens=requests * 900,
            output_tokens=requests * 250, cached_tokens=0,
            cost_usd=(Decimal(requests * 900) * Decimal("0.0000025") + Decimal(requests * 250) * Decimal("0.00001")),
            cost_source="computed", source="demo", source_ref=f"demo:gpt-4o:{day}", imported_at=now,
        )


_TYPES = ("chat", "chat", "chat", "embedding", "image", "audio", "tts", "completion")
_CAPS: tuple[list[str], ...] = (["chat", "functions"], ["chat", "vision"], ["chat", "reasoning", "functions"], ["embeddings"], [])


def add_bulk(count: int, now: datetime = NOW, providers: int = 40, batch: int = 2000) -> None:
    """`count` generated catalog models over `providers` providers, each with a current price."""
    db = Model._meta.database
    pks: list[int] = []
    with db.atomic():
        for p in range(providers):
            pks.append(Provider.create(slug=f"bulk{p:02d}", name=f"Bulk {p:02d}", kind="catalog").id)
    rows: list[dict[str, Any]] = []
    synced = now - timedelta(hours=2)

    def flush() -> None:
        if not rows:
            return
        with db.atomic():
            Model.insert_many(rows).execute()
            ids = [pk for (pk,) in tuples(Model.select(Model.id).where(Model.model_id.in_([r["model_id"] for r in rows])))]
            Price.insert_many(
                [
                    {"model": pk, "input": Decimal(pk % 997 + 1) / Decimal(10_000_000), "output": Decimal(pk % 991 + 3) / Decimal(2_500_000),
                     "effective_from": synced, "source": "litellm", "recorded_at": synced}
                    for pk in ids
                ]
            ).execute()
        rows.clear()

    for i in range(count):
        rows.append(
            {
                "provider": pks[i % providers], "model_id": f"bulk-model-{i:06d}", "name": f"Bulk Model {i}",
                "type": _TYPES[i % len(_TYPES)], "status": "active" if i % 5 else "catalog",
                "context_length": 4096 * (1 + i % 64), "max_output_tokens": 1024 * (1 + i % 16),
                "capabilities": _CAPS[i % len(_CAPS)], "input_modalities": ["text"], "output_modalities": ["text"],
                "aliases": [], "field_sources": {}, "first_seen_at": synced, "last_synced_at": synced if i % 5 else None,
                "available": bool(i % 5), "in_catalog": True,
            }
        )
        if len(rows) >= batch:
            flush()
    flush()
