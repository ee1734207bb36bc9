"""The app's catalog rows carry the release facts and the disagreement flag alike on SQLite and
PostgreSQL (booleans are 0/1 on one and true/false on the other): what the table, the filter and
the preview read from them is the same on both."""

from __future__ import annotations

from typing import Any

from aisync_tui.store import queries
from aisync_tui.store.models import Model, Provider
from aisync_tui.tui.catalog import (
    KNOWLEDGE,
    MODEL_ID,
    OPEN_WEIGHTS,
    RELEASED,
    SOURCES,
    CatalogView,
    Filters,
    is_disputed,
    row_facts,
    weights_word,
)


def test_catalog_rows_read_release_facts_and_disagreements_the_same_on_every_backend(opened: Any) -> None:
    openai = Provider.create(slug="openai", name="OpenAI", kind="openai").id
    common = {"provider": openai, "type": "chat", "status": "active", "capabilities": [], "available": True}
    Model.create(model_id="gpt-4o", released_at="2024-05-13", knowledge_cutoff="2023-10", open_weights=False, **common, field_sources={
        "released_at": "models.dev", "disputes": [{"field": "input", "values": {"LiteLLM": "0.0000025", "models.dev": "0.000003"}}],
    })
    Model.create(model_id="gpt-oss-120b", released_at="2025-08-05", open_weights=True, field_sources={"open_weights": "models.dev"}, **common)
    Model.create(model_id="whisper-1", field_sources={"context_length": "provider"}, **common)

    rows = {str(r[MODEL_ID]): r for r in queries.model_table_tuples()}
    assert queries.model_table_tuples(limit=2) == [rows["gpt-4o"], rows["gpt-oss-120b"]]
    gpt4o, oss, whisper = rows["gpt-4o"], rows["gpt-oss-120b"], rows["whisper-1"]
    assert (gpt4o[RELEASED], gpt4o[KNOWLEDGE], weights_word(gpt4o[OPEN_WEIGHTS])) == ("2024-05-13", "2023-10", "closed")
    assert weights_word(oss[OPEN_WEIGHTS]) == "open" and weights_word(whisper[OPEN_WEIGHTS]) is None
    assert [is_disputed(r) for r in (gpt4o, oss, whisper)] == [True, False, False]
    assert whisper[SOURCES] is None  # no fact, no disagreement: its field_sources are not read
    facts = row_facts(gpt4o)
    assert [(f.label, f.value, f.source) for f in facts.facts] == [
        ("Released", "2024-05-13", "models.dev"), ("Knowledge cutoff", "2023-10", None), ("Open weights", "no", None),
    ]
    assert [(d.field, [s for s, _ in d.values]) for d in facts.disputes] == [("input", ["LiteLLM", "models.dev"])]

    view = CatalogView()
    view.load(list(rows.values()))
    for search, expected in (("is:disputed", ["gpt-4o"]), ("is:open-weights", ["gpt-oss-120b"]), ("is:closed-weights", ["gpt-4o"])):
        view.set_filters(Filters(search=search))
        assert [r[MODEL_ID] for r in view.rows] == expected, search
    view.set_filters(Filters())
    view.set_sort("released", descending=True)
    assert [r[MODEL_ID] for r in view.rows] == ["gpt-oss-120b", "gpt-4o", "whisper-1"]
