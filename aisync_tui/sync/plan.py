"""fetch -> **plan** -> apply. A plan is pure data: computing it writes nothing.

`compute_plan` compares what a provider listed with what the store holds for that provider:
Added (new, or known only from a price feed until now), Updated (with each `FieldChange`),
Unchanged, Missing (stored as available, absent from the list). The provider's own values win:
- a capability the provider states (true or false) beats a feed's; a feed keeps only the
  capabilities the provider is silent on (`RemoteModel.stated`);
- a value the provider stated before and no longer sends is cleared (`CLEARABLE_FIELDS`);
- an unknown (None) from the provider never erases a value another source gave.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Mapping, Sequence

from ..domain import CLEARABLE_FIELDS, TRACKED_FIELDS, Price, RemoteModel, feed_capabilities, stored_utc

#: A list that loses more than this share of the active models is suspicious.
SHRINK_GUARD = 0.5


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: object
    new: object

    def old_text(self) -> str | None:
        return format_value(self.old)

    def new_text(self) -> str | None:
        return format_value(self.new)


def format_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return stored_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(sorted(str(v) for v in value)) if isinstance(value, (set, frozenset)) else ", ".join(str(v) for v in value)
    if isinstance(value, Price):
        return json.dumps(value.to_json(), sort_keys=True)
    return str(value)


@dataclass(frozen=True, slots=True)
class StoredModel:
    """What the plan needs to know of a stored model."""

    pk: int
    model_id: str
    values: Mapping[str, object]
    """The TRACKED_FIELDS as the store holds them (lists as decoded from their JSON columns)."""
    status: str
    available: bool
    in_catalog: bool
    field_sources: Mapping[str, object]
    price: Price | None
    price_source: str | None
    raw: tuple[object, ...] | None = field(default=None, compare=False)
    """The model's row as the store returned it, when read for a plan: the check before applying
    compares it with the row then (equal text, equal values) and decodes only rows that differ."""


@dataclass(frozen=True, slots=True)
class Added:
    remote: RemoteModel
    pk: int | None = None
    """Set when the model was already in the store as a catalog entry."""
    changes: tuple[FieldChange, ...] = ()
    sources: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)
    """The stored field_sources (apply keeps them and marks the provider's fields)."""


@dataclass(frozen=True, slots=True)
class Updated:
    remote: RemoteModel
    pk: int
    changes: tuple[FieldChange, ...]
    new_status: str
    sources: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Missing:
    model_id: str
    pk: int
    old_status: str


@dataclass
class ProviderPlan:
    provider: str
    found: int
    added: list[Added] = field(default_factory=list)
    updated: list[Updated] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    guard: str | None = None
    """Why missing models were NOT marked (empty or shrunken list), when the guard held."""
    held_back: int = 0
    """Models the guard kept from being marked missing."""
    price_changes: int = 0
    fetch_seconds: float = 0.0
    unchanged_pks: list[int] = field(default_factory=list)
    base: dict[int, StoredModel] = field(default_factory=dict, repr=False)
    """The stored state each Added-over-a-catalog-entry, Updated and Missing model was planned
    from: applying checks the store still holds exactly this (a plan over a changed store is
    refused, never applied over the newer data)."""

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.updated or self.missing)

    def counts(self) -> dict[str, int]:
        return {
            "found": self.found,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "missing": len(self.missing),
            "prices_changed": self.price_changes,
        }


def _listed(value: object) -> tuple[object, ...]:
    """A stored list column (or the provider's tuple) as a tuple; anything else is no items."""
    return tuple(value) if isinstance(value, (list, tuple, frozenset)) else ()


def _normalise(name: str, value: object) -> object:
    if name == "capabilities":
        return frozenset(_listed(value))
    if name in ("input_modalities", "output_modalities"):
        return _listed(value)
    if isinstance(value, datetime):
        return stored_utc(value).replace(microsecond=0)
    if value == "":
        return None
    return value


def desired_status(remote: RemoteModel, now: datetime) -> str:
    if remote.deprecated:
        return "deprecated"
    if remote.deprecated_at is not None and stored_utc(remote.deprecated_at) <= now:
        return "deprecated"
    return "active"


_MODALITIES = ("input_modalities", "output_modalities")


def merged_capabilities(remote: RemoteModel, sources: Mapping[str, object]) -> frozenset[str]:
    """The provider's true capabilities plus the feed's, minus every one the provider stated."""
    feed = feed_capabilities(sources)
    if not feed:
        return frozenset(remote.capabilities)
    return remote.capabilities | (feed - remote.stated)


def field_changes(remote: RemoteModel, stored: StoredModel) -> list[FieldChange]:
    # Runs once per listed model (10,000+ on a large account), so each field takes the shortest
    # path to "unchanged"; the outcome is the same as normalising both sides of every field.
    # Stored list columns are lists (decoded JSON); None or anything else reads as no items.
    changes = []
    values = stored.values
    sources = stored.field_sources
    for name in TRACKED_FIELDS:
        raw_new = getattr(remote, name)
        raw_old = values.get(name)
        if name == "capabilities":
            if not raw_new and not remote.stated:
                continue  # the provider says nothing about capabilities: keep what we know
            new: object = merged_capabilities(remote, sources)
            old: object = frozenset(raw_old) if isinstance(raw_old, list) else frozenset()
            if new != old:
                changes.append(FieldChange(name, old or None, new or None))
            continue
        if name == "aliases":
            # The provider's own list of its other ids: an empty list is a statement too.
            stated_before = tuple(raw_old) if isinstance(raw_old, list) else ()
            if tuple(raw_new) != stated_before:
                changes.append(FieldChange(name, stated_before or None, tuple(raw_new) or None))
            continue
        if name in _MODALITIES:
            new = tuple(raw_new or ())
            old = tuple(raw_old) if isinstance(raw_old, list) else ()
        else:
            if raw_new is None or raw_new == "":
                if raw_old is not None and name in CLEARABLE_FIELDS and sources.get(name) == "provider" and name not in remote.unread:
                    # The provider stated it before and no longer does: its word is withdrawn.
                    changes.append(FieldChange(name, _normalise(name, raw_old), None))
                continue
            if raw_new == raw_old:
                continue
            new = _normalise(name, raw_new)
            old = _normalise(name, raw_old)
        if new in (None, (), frozenset()) or (name == "type" and new == "other"):
            # "other" is the adapters' "could not tell": a feed's type must not flip-flop with it.
            continue  # unknown from the provider: keep what we know
        if new != old:
            changes.append(FieldChange(name, old if old not in ((), frozenset()) else None, new))
    if remote.price is not None and not remote.price.same_as(stored.price):
        changes.append(FieldChange("pricing", stored.price, remote.price))
    return changes


def compute_plan(
    provider: str,
    remote_models: Sequence[RemoteModel],
    stored: Iterable[StoredModel],
    *,
    now: datetime,
    accept_shrink: bool = False,
    unidentified: int = 0,
) -> ProviderPlan:
    """`unidentified`: items of the provider's list that named no model and were skipped. Any of
    them may be a stored model, so then no model is marked missing unless the shrink is accepted."""
    by_id = {s.model_id: s for s in stored}
    plan = ProviderPlan(provider=provider, found=len(remote_models))
    seen: set[str] = set()
    for remote in remote_models:
        if remote.model_id in seen:
            continue
        seen.add(remote.model_id)
        existing = by_id.get(remote.model_id)
        status = desired_status(remote, now)
        if existing is None:
            plan.added.append(Added(remote))
            if remote.price is not None:
                plan.price_changes += 1
            continue
        changes = field_changes(remote, existing)
        if any(c.field == "pricing" for c in changes):
            plan.price_changes += 1
        if not existing.available and existing.status in ("catalog",):
            plan.added.append(Added(remote, pk=existing.pk, changes=tuple(changes), sources=existing.field_sources))
            plan.base[existing.pk] = existing
            continue
        if existing.status != status:
            changes.append(FieldChange("status", existing.status, status))
        if changes or not existing.available:
            plan.updated.append(Updated(remote, existing.pk, tuple(changes), status, existing.field_sources))
            plan.base[existing.pk] = existing
        else:
            plan.unchanged.append(remote.model_id)
            plan.unchanged_pks.append(existing.pk)

    gone = [s for s in by_id.values() if s.model_id not in seen and s.available and s.status != "missing"]
    active_before = sum(1 for s in by_id.values() if s.available and s.status != "missing")
    if gone:
        if unidentified:
            plan.guard = (
                f"the list had {unidentified} item{'s' if unidentified != 1 else ''} naming no model; kept the {len(gone)} models "
                "it did not name (use --accept-shrink to mark them missing)"
            )
        elif not remote_models:
            plan.guard = f"the provider returned an empty list; kept all {active_before} models (use --accept-shrink to mark them missing)"
        elif len(gone) > active_before * SHRINK_GUARD:
            plan.guard = (
                f"the list dropped {len(gone)} of {active_before} models; kept them (use --accept-shrink to mark them missing)"
            )
        if plan.guard and not accept_shrink:
            plan.held_back = len(gone)
        else:
            plan.guard = None
            plan.missing = [Missing(s.model_id, s.pk, s.status) for s in sorted(gone, key=lambda s: s.model_id)]
            plan.base.update((s.pk, s) for s in gone)
    return plan
