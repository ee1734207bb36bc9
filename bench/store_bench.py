"""A store of about 5,000 models, built the way a user gets one: the bundled catalog (seeded by
the first `models list`) plus real syncs of OpenAI-, Gemini- and xAI-style lists from the loopback
server, a second xAI sync with new prices (so `--history` has periods), and usage records.
Then `models list --format json` and `models info M P --history` are timed on it.

`bench_facts_list` times `models list` on the same store once a `sync-pricing` from local feed
files has given every model models.dev facts (knowledge cutoff, release and update dates, open
weights): the bundled copy states them for the catalog, and a models.dev file made from it states
them for every listed OpenAI-, Gemini- and xAI-style model too.

    python -m bench.store_bench [RUNS]
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from .common import FakeProviderServer, Result, Run, Sandbox, aisync, cleanup, keys_env, new_sandbox, time_commands
from .synth import gemini_models, openai_models, xai_language_models, xai_models_list

INFO_MODEL = ("grok-3", "xai")


def _config(server: FakeProviderServer) -> str:
    parts = ["[model_sync]\ncache_ttl = 0\n", "[pricing]\nremote = false\n"]
    for slug in ("openai", "gemini", "xai"):
        parts.append(f'[providers.{slug}]\nbase_url = "{server.base_url(slug)}"\n')
    return "\n".join(parts)


def count_models(sb: Sandbox) -> int:
    r = aisync(sb, "models", "list", "--format", "json")
    return len(json.loads(r.stdout))


def build_store(total: int = 5000, price_changes: int = 2) -> tuple[Sandbox, str]:
    """A sandbox whose store holds about `total` models. Returns it and a description."""
    sb = new_sandbox("aisync-bench-store-")
    catalog = count_models(sb)  # seeds the bundled catalog, if this build has one
    n = max(0, total - catalog)
    n_openai, n_gemini = int(n * 0.4), int(n * 0.3)
    n_xai = n - n_openai - n_gemini
    with FakeProviderServer() as server:
        lang = xai_language_models(n_xai)
        server.add("openai", models=openai_models(n_openai))
        server.add("gemini", models=gemini_models(n_gemini))
        server.add("xai", models=xai_models_list(lang), language=lang, image=[])
        sb.write_config(_config(server))
        aisync(sb, "sync-models", env=keys_env())
        for shift in range(1, price_changes + 1):  # each changes every xAI price: a new dated period
            server.providers["xai"].extra["language"] = xai_language_models(n_xai, price_shift=shift)
            aisync(sb, "sync-models", "--provider", "xai", env=keys_env())
    _add_usage(sb.db)
    stored = count_models(sb)
    desc = f"{stored:,} models ({catalog:,} catalog, {n_openai:,} OpenAI, {n_gemini:,} Gemini, {n_xai:,} xAI with {price_changes + 1} price periods)"
    return sb, desc


def _add_usage(db_path: Path) -> None:
    """90 days of usage for the info model and a few others (what `usage import` would write)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from aisync_tui.domain import utcnow
    from aisync_tui.store.db import open_store
    from aisync_tui.store.models import UsageRecord

    store = open_store(str(db_path))
    now = utcnow()
    rows = []
    for day in range(90):
        for j, model in enumerate((INFO_MODEL[0], "grok-3-mini", "gpt-4o")):
            provider = "openai" if model.startswith("gpt") else "xai"
            for h in range(4):
                ts = (now - timedelta(days=day, hours=h * 5)).replace(microsecond=0)
                rows.append(
                    dict(
                        ts=ts, provider=provider, model_id=model, requests=10 + h, input_tokens=12000 * (h + 1),
                        output_tokens=3000 * (j + 1), cached_tokens=0, cost_usd=None, cost_source=None,
                        source="bench", source_ref=f"bench:{model}:{day}:{h}", imported_at=now,
                    )
                )
    with store.db.atomic():
        for i in range(0, len(rows), 200):
            UsageRecord.insert_many(rows[i : i + 200]).execute()
    store.close()


def _modelsdev_entry(i: int, model_id: str) -> dict[str, Any]:
    """Facts for one model models.dev does not list, varied so the column values are not all alike.
    No limits or prices: those would make up disagreements with the other feeds."""
    year, month = 2023 + i % 3, 1 + i % 12
    return {
        "id": model_id,
        "name": model_id,
        "knowledge": f"{year - 1}-{month:02d}",
        "release_date": f"{year}-{month:02d}-{1 + i % 28:02d}",
        "last_updated": f"{year + 1}-{month:02d}-{1 + i % 28:02d}",
        "open_weights": i % 4 == 0,
    }


def fill_modelsdev_facts(sb: Sandbox) -> str:
    """Run a real `sync-pricing` from local copies of the bundled feeds, with a models.dev file
    that states facts for every model of the store whose provider models.dev knows (the bundled
    entries as they are, made-up dates for the rest). Returns a note for the results table."""
    from aisync_tui.pricing.modelsdev import MODELSDEV_PROVIDERS
    from aisync_tui.pricing.sources import snapshot_bytes

    ours = {slug: mid for mid, slug in MODELSDEV_PROVIDERS.items()}
    api = json.loads(snapshot_bytes("modelsdev"))
    stored = json.loads(aisync(sb, "models", "list", "--format", "json").stdout)
    for i, m in enumerate(stored):
        mid = ours.get(m["provider"])
        if mid is not None:
            provider = api.setdefault(mid, {"id": mid, "name": mid, "models": {}})
            provider["models"].setdefault(m["id"], _modelsdev_entry(i, m["id"]))
    feeds = sb.root / "feeds"
    feeds.mkdir(exist_ok=True)
    (feeds / "litellm.json").write_bytes(snapshot_bytes("litellm"))
    (feeds / "genai-prices.json").write_bytes(snapshot_bytes("genai"))
    (feeds / "modelsdev.json").write_text(json.dumps(api))
    sb.write_config(sb.config.read_text().replace(
        "[pricing]\nremote = false\n",
        f'[pricing]\nfeed_url = "{feeds / "litellm.json"}"\ngenai_prices_url = "{feeds / "genai-prices.json"}"\n'
        f'modelsdev_url = "{feeds / "modelsdev.json"}"\ncache_ttl = 0\n',
    ))
    aisync(sb, "sync-pricing", "--force")
    models = json.loads(aisync(sb, "models", "list", "--format", "json").stdout)
    dated = sum(1 for m in models if m["released_at"])
    disputed = sum(1 for m in models if m["disputed"])
    return f"{len(models):,} models, {dated:,} with a models.dev release date, {disputed:,} with sources that disagree"


def bench_facts_list(runs: int) -> list[Result]:
    """`models list --format json` and the table with every fact column, on a store whose models
    carry models.dev facts."""
    sb, _ = build_store()
    note = fill_modelsdev_facts(sb)
    lst = Result("models list --format json, ~5,000-model store with models.dev facts", 0.35, note=note)
    # Informative: no target for a 5,000-row table; most of its time is the table's cell widths.
    table = Result("models list --columns all (table), same store", None)

    def check(done: list[Run]) -> None:
        r, r2 = done
        assert all("knowledge_cutoff" in m for m in json.loads(r.stdout)), r.stdout[:300]
        assert "Knowledge Cutoff" in r2.stdout, r2.stdout[:800]

    time_commands(sb, runs, [(lst, ("models", "list", "--format", "json")), (table, ("models", "list", "--columns", "all"))], check=check)
    cleanup([sb.root])
    return [lst, table]


def bench_read_commands(runs: int) -> list[Result]:
    sb, desc = build_store()
    model, provider = INFO_MODEL
    lst = Result("models list --format json, ~5,000-model store", 0.35, note=desc)
    info = Result(f"models info {model} {provider} --history", 0.25)

    def check(done: list[Run]) -> None:
        r, r2 = done
        assert len(json.loads(r.stdout)) > 4000, r.stdout[:300]
        assert "Pricing History:" in r2.stdout, r2.stdout[-800:]

    time_commands(sb, runs, [(lst, ("models", "list", "--format", "json")), (info, ("models", "info", model, provider, "--history"))], check=check)
    cleanup([sb.root])
    return [lst, info]


if __name__ == "__main__":
    from .report import print_table

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    print_table(bench_read_commands(runs) + bench_facts_list(runs))
