"""`models info` tells a capability a source denied from one nobody stated: ✓ yes, ✗ no, and
"unknown" (null in JSON) where no source said either, never shown as a no."""

from __future__ import annotations

import json
from typing import Any

from aisync_tui.render.model_text import capability_states, info_json, print_info
from aisync_tui.store.queries import ModelDetail
from aisync_tui.usage.stats import ModelUsage


def _detail(capabilities: tuple[str, ...], field_sources: dict[str, Any]) -> ModelDetail:
    return ModelDetail(
        provider="mistral", provider_name="Mistral", model_id="mistral-large", name="Mistral Large", type="chat",
        status="active", context_length=128_000, max_output_tokens=None, capabilities=capabilities,
        input_modalities=(), output_modalities=(), created_at=None, deprecated_at=None, description=None,
        owned_by=None, aliases=(), first_seen_at=None, last_synced_at=None, missing_since=None, available=True,
        in_catalog=False, field_sources=field_sources, raw=None, price=None,
    )


#: The provider says chat yes and vision no; the feed adds reasoning; nobody speaks of the rest.
SOURCES = {"capability:chat": "provider", "capability:vision": "provider", "capability:reasoning": "litellm", "name": "provider"}
DETAIL = _detail(("chat", "reasoning"), SOURCES)


def _text(d: ModelDetail) -> list[str]:
    lines: list[str] = []
    print_info(lines.append, d, per="1m", history=False, usage=ModelUsage(), days=30)
    return lines


def test_models_info_shows_stated_yes_stated_no_and_unknown_apart() -> None:
    lines = _text(DETAIL)
    assert "  ✓ Chat completion (provider)" in lines
    assert "  ✓ Reasoning (litellm)" in lines
    assert "  ✗ Vision (provider)" in lines
    assert "  ? Function calling: unknown" in lines
    assert not any(line.startswith("  ✗ Function calling") for line in lines)


def test_an_unknown_capability_is_null_in_json_and_a_denied_one_false() -> None:
    data = json.loads(json.dumps(info_json(DETAIL, usage=ModelUsage(), days=30, history=False)))
    states = data["capability_states"]
    assert states["chat"] is True and states["reasoning"] is True
    assert states["vision"] is False
    assert states["functions"] is None and states["fim"] is None
    assert data["capabilities"] == ["chat", "reasoning"]
    assert data["field_sources"]["capability:vision"] == "provider"


def test_a_capability_stored_without_a_source_is_still_a_yes() -> None:
    (chat, *rest) = capability_states(("chat",), {})
    assert (chat.name, chat.stated, chat.source) == ("chat", True, None)
    assert all(state.stated is None for state in rest)
    assert "  ✓ Chat completion" in _text(_detail(("chat",), {}))


def test_a_damaged_source_record_reads_as_unknown_not_as_no() -> None:
    states = {s.name: s.stated for s in capability_states((), {"capability:vision": ["provider"]})}
    assert states["vision"] is None


def test_a_recorded_limit_dispute_that_is_not_a_whole_number_is_not_shown_rather_than_shown_rounded() -> None:
    from aisync_tui.render.model_text import dispute_lines

    good = {"field": "context_length", "values": {"LiteLLM": 128000, "models.dev": "131072"}}
    assert dispute_lines([good], "1m") == ["Sources disagree on context length: LiteLLM 128,000, models.dev 131,072"]
    for damaged in (True, 128000.5, "128k"):
        assert dispute_lines([{"field": "context_length", "values": {"LiteLLM": damaged}}, good], "1m") == dispute_lines([good], "1m")


def test_a_damaged_disagreement_record_is_unknown_in_models_info_not_an_agreement() -> None:
    damaged = _detail(("chat",), {"disputes": "input"})
    assert info_json(damaged, usage=ModelUsage(), days=30, history=False)["disputes"] is None
    assert info_json(_detail(("chat",), {}), usage=ModelUsage(), days=30, history=False)["disputes"] == []
    assert any("the record cannot be read" in line for line in _text(damaged))
