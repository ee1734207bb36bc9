"""A price feed's stated no (`supports_vision: false`, models.dev `tool_call: false`) shows in
`models info` as a no with that feed as its source, in the order of trust: the provider's own word
first, then models.dev, then LiteLLM. A feed that says nothing leaves the capability unknown."""

from __future__ import annotations

from typing import Mapping

from aisync_tui.domain import RemoteModel
from aisync_tui.jsonvalue import JSON
from aisync_tui.pricing.catalog import enrich, enrich_all, new_model_values
from aisync_tui.pricing.feeds import FeedEntry, parse_litellm
from aisync_tui.pricing.modelsdev import ModelsDevEntry, parse_entry
from aisync_tui.render.model_text import capability_states
from aisync_tui.sync.apply import _capability_sources


def _litellm(**flags: JSON) -> FeedEntry:
    body: dict[str, JSON] = {"litellm_provider": "openai", "mode": "chat", **flags}
    (entry,) = parse_litellm({"m": body}).entries
    return entry


def _modelsdev(**flags: JSON) -> ModelsDevEntry:
    entry = parse_entry("openai", "m", {"modalities": {"input": ["text"], "output": ["text"]}, **flags})
    assert entry is not None
    return entry


def _states(capabilities: object, sources: Mapping[str, object]) -> dict[str, tuple[bool | None, str | None]]:
    caps = [c for c in capabilities if isinstance(c, str)] if isinstance(capabilities, list) else []
    return {s.name: (s.stated, s.source) for s in capability_states(caps, sources)}


def test_a_litellm_flag_stated_false_is_read_as_a_no_and_a_missing_flag_as_nothing() -> None:
    entry = _litellm(supports_vision=False, supports_function_calling=True, supports_web_search="no")
    assert entry.denied_capabilities == frozenset({"vision"})
    assert "functions" in entry.capabilities and "web_search" not in entry.capabilities | entry.denied_capabilities


def test_a_litellm_no_shows_as_a_no_from_litellm_where_the_provider_is_silent() -> None:
    updates, sources, _ = enrich({}, ["chat"], {"capability:chat": "provider"}, _litellm(supports_vision=False), "litellm")
    assert sources["capability:vision"] == "litellm"
    states = _states(updates.get("capabilities", ["chat"]), sources)
    assert states["vision"] == (False, "litellm")
    assert states["web_search"] == (None, None)
    assert states["chat"] == (True, "provider")


def test_the_provider_s_own_yes_or_no_is_never_overridden_by_a_feed() -> None:
    sources: dict[str, object] = {"capability:chat": "provider", "capability:vision": "provider", "capability:reasoning": "provider"}
    entry = _litellm(supports_vision=False, supports_reasoning=True)
    updates, new_sources, _ = enrich({}, ["chat", "vision"], sources, entry, "litellm")
    states = _states(updates.get("capabilities", ["chat", "vision"]), new_sources)
    assert states["vision"] == (True, "provider")
    assert states["reasoning"] == (False, "provider")


def test_models_dev_s_word_wins_over_litellm_s_both_ways() -> None:
    entry = _litellm(supports_function_calling=True, supports_reasoning=False, supports_prompt_caching=False)
    md = _modelsdev(tool_call=False, reasoning=True)
    updates, sources, _ = enrich_all({}, ["chat"], {}, entry, "litellm", md, "models.dev")
    states = _states(updates["capabilities"], sources)
    assert states["functions"] == (False, "models.dev")
    assert states["reasoning"] == (True, "models.dev")
    # models.dev says nothing of caching: LiteLLM's no stands, under its own name.
    assert states["caching"] == (False, "litellm")
    # No image in models.dev's input modalities: vision is its stated no.
    assert states["vision"] == (False, "models.dev")
    assert states["fim"] == (None, None)


def test_a_no_the_feed_withdraws_goes_back_to_unknown_and_a_yes_replaces_it() -> None:
    _, sources, _ = enrich({}, [], {}, _litellm(supports_vision=False, supports_web_search=False), "litellm")
    updates, after, _ = enrich({}, [], sources, _litellm(supports_vision=True), "litellm")
    states = _states(updates["capabilities"], after)
    assert states["vision"] == (True, "litellm")
    assert states["web_search"] == (None, None)


def test_a_capability_stored_without_a_recorded_source_is_not_turned_into_a_no() -> None:
    updates, sources, _ = enrich({}, ["vision"], {}, _litellm(supports_vision=False), "litellm")
    assert _states(updates["capabilities"], sources)["vision"] == (True, None)


def test_the_same_feed_no_again_writes_nothing() -> None:
    entry = _litellm(supports_vision=False)
    first, sources, _ = enrich({}, ["chat"], {}, entry, "litellm")
    updates, _, changes = enrich({"type": first["type"]}, ["chat"], sources, entry, "litellm")
    assert updates == {} and changes == []


def test_a_catalog_model_added_from_the_feeds_keeps_their_stated_no() -> None:
    row = new_model_values(_litellm(supports_vision=False, supports_prompt_caching=False), "litellm", _modelsdev(tool_call=False))
    sources = row["field_sources"]
    assert isinstance(sources, dict)
    states = _states(row["capabilities"], sources)
    assert states["vision"] == (False, "models.dev")
    assert states["caching"] == (False, "litellm")
    assert states["functions"] == (False, "models.dev")
    assert states["web_search"] == (None, None)


def test_a_model_sync_keeps_a_feed_s_no_where_the_provider_says_nothing() -> None:
    sources: dict[str, object] = {"feed_capabilities": ["reasoning"], "capability:reasoning": "litellm", "capability:vision": "litellm",
                                  "capability:functions": "models.dev", "capability:fim": "provider"}
    remote = RemoteModel("openai", "m", type="chat", capabilities=frozenset({"chat"}), stated=frozenset({"chat", "functions"}))
    _capability_sources(remote, sources)
    assert sources["capability:vision"] == "litellm"
    assert sources["capability:reasoning"] == "litellm"
    # The provider's own statement replaces the feed's; one it no longer makes is withdrawn.
    assert sources["capability:functions"] == "provider"
    assert "capability:fim" not in sources
