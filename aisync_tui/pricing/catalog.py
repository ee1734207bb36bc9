"""The catalog: metadata enrichment from the feeds (seeding from the bundled snapshot is in seed.py).

Enrichment fills what a provider's own list lacks (OpenAI: context length, max output,
capabilities) from the feed entry matched to the model. Each filled field records its origin in
`field_sources`; a field the provider set itself (`field_sources[f] == "provider"`) is never
touched, and a feed value that contradicts the provider's own numbers (a max output above the
provider's context length) is not applied. A capability the provider stated, true or false
(`field_sources["capability:X"] == "provider"`), is the provider's word: the feed adds only the
capabilities the provider is silent on, and records a feed's stated no (`supports_vision: false`)
the same way: `capability:X` names the feed for a capability the model lacks. Feed capabilities live in
`field_sources["feed_capabilities"]`, which the model sync merges by the same rule (see
sync/plan.py), so they survive a model sync.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Mapping, Sequence

from ..domain import capability_source_key, feed_capabilities, stored_utc
from .disputes import DisputeJSON
from .feeds import FeedEntry
from .modelsdev import ModelsDevEntry

#: Fields a feed may fill, besides capabilities.
ENRICH_FIELDS: tuple[str, ...] = ("type", "context_length", "max_output_tokens", "input_modalities", "output_modalities", "deprecated_at")
#: Facts only a catalog source states (models.dev): never a provider's list, never LiteLLM.
FACT_FIELDS: tuple[str, ...] = ("knowledge_cutoff", "released_at", "last_updated", "open_weights")
#: Fields where models.dev is trusted before LiteLLM (the provider's own word still comes first).
MODELSDEV_FIELDS: tuple[str, ...] = ("context_length", "max_output_tokens", "input_modalities", "output_modalities")
#: Every stored field a pricing sync reads to decide its enrichment.
STATE_FIELDS: tuple[str, ...] = ENRICH_FIELDS + FACT_FIELDS
SEEDED_KEY = "pricing.seeded"

#: One field's change: (field, old, new), each normalised as `_norm` compares them.
Change = tuple[str, object, object]


def _norm(name: str, value: object) -> object:
    """A stored or feed value in the one form both compare in (modalities as a tuple, dates as
    text, times as whole seconds of aware UTC)."""
    if name in ("input_modalities", "output_modalities"):
        return tuple(value) if isinstance(value, (list, tuple)) else ()
    if name == "open_weights":
        return None if value is None else bool(value)
    if isinstance(value, datetime):
        return stored_utc(value).replace(microsecond=0)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _capability_statements(sources: Mapping[str, object]) -> tuple[frozenset[str], frozenset[str]]:
    """(capabilities the provider stated, true or false; capabilities another source is recorded
    for), from the `capability:X` entries of `field_sources`, in one pass."""
    provider: list[str] = []
    other: list[str] = []
    for k, v in sources.items():
        if k.startswith("capability:"):
            if v == "provider":
                provider.append(k[11:])
            elif isinstance(v, str):
                other.append(k[11:])
    return frozenset(provider), frozenset(other)


def enrich(
    values: Mapping[str, object], capabilities: Sequence[str], sources: Mapping[str, object], entry: FeedEntry, source: str
) -> tuple[dict[str, object], dict[str, object], list[Change]]:
    """(column updates, new field_sources, [(field, old, new)]) for one stored model and its feed entry.

    Empty results mean nothing to write. `values` holds the stored ENRICH_FIELDS.
    """
    updates: dict[str, object] = {}
    new_sources = dict(sources)
    changes: list[Change] = []
    for name in ENRICH_FIELDS:
        new = _norm(name, getattr(entry, name))
        if new in (None, ()):
            continue
        old = _norm(name, values.get(name))
        if sources.get(name) == "provider" and old not in (None, ()):
            continue  # the provider's own value always wins
        if name == "max_output_tokens" and _exceeds_provider_context(new, values, sources):
            if old is not None and sources.get(name) != "provider" and _exceeds_provider_context(old, values, sources):
                # An earlier feed value that the provider's own context contradicts goes too.
                updates[name] = None
                new_sources.pop(name, None)
                changes.append((name, old, None))
            continue
        if old != new:
            updates[name] = list(new) if isinstance(new, tuple) else new
            new_sources[name] = source
            changes.append((name, old, new))
    old_feed = feed_capabilities(sources)
    new_feed = entry.capabilities
    current = frozenset(capabilities or ())
    said, recorded = _capability_statements(sources)
    added = new_feed - said
    caps = frozenset(c for c in current if c in said or c not in old_feed) | added
    # A feed's no is recorded like its yes (the feed as the source) where the provider is silent:
    # a source other than the provider for a capability the model lacks and no feed gave.
    # A capability the model has from a source nobody recorded stays as it is.
    old_denied = recorded - old_feed - current
    denied = entry.denied_capabilities - said - caps
    if new_feed != old_feed or caps != current or denied != old_denied:
        new_sources["feed_capabilities"] = sorted(new_feed)
        for cap in (old_feed | old_denied) - said:
            new_sources.pop(capability_source_key(cap), None)
        for cap in added | denied:
            new_sources[capability_source_key(cap)] = source
        if caps != current:
            updates["capabilities"] = sorted(caps)
            changes.append(("capabilities", current, caps))
    if new_sources != dict(sources):
        updates["field_sources"] = new_sources
    return updates, new_sources, changes


def modelsdev_value(md: ModelsDevEntry, name: str) -> object:
    """models.dev's value for one of MODELSDEV_FIELDS / FACT_FIELDS, normalised as stored."""
    return _norm(name, getattr(md, name))


def enrich_all(
    values: Mapping[str, object], capabilities: Sequence[str], sources: Mapping[str, object],
    entry: FeedEntry | None, source: str, md: ModelsDevEntry | None, md_source: str,
) -> tuple[dict[str, object], dict[str, object], list[Change]]:
    """(column updates, field_sources after them, [(field, old, new)]) from the LiteLLM entry and the models.dev entry together.

    Order of trust per field: the provider's own value; then for limits, modalities and the facts
    (dates, open weights) and the capabilities it states (true or false) models.dev before LiteLLM;
    type from LiteLLM (`enrich`).
    Each value written names its source in `field_sources`. Empty results mean nothing to write.
    """
    base = entry
    if md is not None and md.stated_capabilities:
        # Capabilities: what models.dev states (true or false) before what LiteLLM states.
        merged, denied = _merged_capabilities(entry, md)
        base = (
            replace(entry, capabilities=merged, denied_capabilities=denied) if entry is not None
            else FeedEntry(md.provider, md.model_id, md.model_id, "", None, capabilities=merged, denied_capabilities=denied)
        )
    capability_changes: list[Change] = []
    if base is not None:
        updates, new_sources, base_changes = enrich(values, capabilities, sources, base, source)
        capability_changes = [c for c in base_changes if c[0] == "capabilities"]
        if md is not None:
            # `enrich` named LiteLLM's source for all it recorded; what models.dev stated is its.
            # The provider's entries are the same in `new_sources` as in `sources`.
            for cap in md.capabilities:
                key = capability_source_key(cap)
                if new_sources.get(key) != "provider":
                    new_sources[key] = md_source
            md_denied = md.denied_capabilities
            if md_denied:
                written = updates.get("capabilities")
                has = written if isinstance(written, list) else capabilities
                for cap in md_denied:
                    key = capability_source_key(cap)
                    if new_sources.get(key) not in (None, "provider") and cap not in has:  # recorded as a no by `enrich`
                        new_sources[key] = md_source
    else:
        updates, new_sources = {}, dict(sources)
    current = {name: updates.get(name, values.get(name)) for name in STATE_FIELDS}
    if md is not None:
        for name in MODELSDEV_FIELDS + FACT_FIELDS:
            new = modelsdev_value(md, name)
            if new in (None, ()):
                continue
            if sources.get(name) == "provider" and _norm(name, values.get(name)) not in (None, ()):
                continue  # the provider's own value always wins
            if name == "max_output_tokens" and _exceeds_provider_context(new, current, sources):
                continue
            current[name] = list(new) if isinstance(new, tuple) else new
            new_sources[name] = md_source
    out: dict[str, object] = {}
    changes: list[Change] = []
    for name in STATE_FIELDS:
        old, new = _norm(name, values.get(name)), _norm(name, current[name])
        if old != new:
            out[name] = current[name]
            changes.append((name, old, new))
    if "capabilities" in updates:
        out["capabilities"] = updates["capabilities"]
        changes.extend(capability_changes)
    if new_sources != dict(sources):
        out["field_sources"] = new_sources
    return out, new_sources, changes


def _merged_capabilities(entry: FeedEntry | None, md: ModelsDevEntry) -> tuple[frozenset[str], frozenset[str]]:
    """(yes, no) from models.dev and LiteLLM together: models.dev's statement, true or false,
    before LiteLLM's; a capability models.dev says nothing about keeps LiteLLM's word."""
    stated = md.stated_capabilities
    litellm_yes = entry.capabilities if entry is not None else frozenset()
    litellm_no = entry.denied_capabilities if entry is not None else frozenset()
    return (litellm_yes - stated) | md.capabilities, (litellm_no - stated) | md.denied_capabilities


def _exceeds_provider_context(max_output: object, values: Mapping[str, object], sources: Mapping[str, object]) -> bool:
    """A feed's max output above the context length the provider itself states cannot be right."""
    context = values.get("context_length")
    return sources.get("context_length") == "provider" and isinstance(context, int) and isinstance(max_output, int) and max_output > context


def new_model_values(
    entry: FeedEntry, source: str, md: ModelsDevEntry | None = None, md_source: str = "models.dev",
    disputes: Sequence[DisputeJSON] = (),
) -> dict[str, object]:
    """Column values of a catalog-only model created from a feed entry (and models.dev's entry of
    the same provider and id, trusted first for capabilities, limits, modalities and the facts).
    `disputes` are where the feeds disagree on it (`pricing.plan`), kept in its `field_sources`."""
    if md is not None and md.stated_capabilities:
        merged, denied = _merged_capabilities(entry, md)
        entry = replace(entry, capabilities=merged, denied_capabilities=denied)
    sources: dict[str, object] = {name: source for name in ENRICH_FIELDS if getattr(entry, name) not in (None, ())}
    sources["feed_capabilities"] = sorted(entry.capabilities)
    for cap in entry.capabilities | (entry.denied_capabilities - entry.capabilities):
        sources[capability_source_key(cap)] = md_source if md is not None and cap in md.stated_capabilities else source
    row: dict[str, object] = {
        "model_id": entry.model_id,
        "type": entry.type or "other",
        "status": "catalog",
        "context_length": entry.context_length,
        "max_output_tokens": entry.max_output_tokens,
        "capabilities": sorted(entry.capabilities),
        "input_modalities": list(entry.input_modalities),
        "output_modalities": list(entry.output_modalities),
        "deprecated_at": entry.deprecated_at,
        # The feed's `alias_of` names the entry it copies, not an id of this model.
        "aliases": [],
        "available": False,
        "in_catalog": True,
        "field_sources": sources,
        **{name: None for name in FACT_FIELDS},
    }
    if md is not None:
        for name in MODELSDEV_FIELDS + FACT_FIELDS:
            value = modelsdev_value(md, name)
            if value not in (None, ()):
                row[name] = list(value) if isinstance(value, tuple) else value
                sources[name] = md_source
    if disputes:
        sources["disputes"] = list(disputes)
    return row
