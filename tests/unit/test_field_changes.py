"""The fast `field_changes` reports exactly the changes of the straightforward version:
normalise both sides of every tracked field, then compare."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aisync_tui.domain import TRACKED_FIELDS, RemoteModel
from aisync_tui.sync.plan import FieldChange, StoredModel, _normalise, field_changes


def reference_field_changes(remote: RemoteModel, stored: StoredModel) -> list[FieldChange]:
    """The implementation before the optimisation, kept as the specification."""
    changes = []
    stated_feed = stored.field_sources.get("feed_capabilities")
    feed_caps = frozenset(stated_feed if isinstance(stated_feed, list) else ())
    for name in TRACKED_FIELDS:
        new = _normalise(name, getattr(remote, name))
        old = _normalise(name, stored.values.get(name))
        if name == "capabilities":
            assert isinstance(new, frozenset)
            new = new | feed_caps
            if not getattr(remote, name):
                continue
        if new in (None, (), frozenset()) or (name == "type" and new == "other"):
            continue  # unknown from the provider ("other" = the adapter could not tell)
        if new != old:
            changes.append(FieldChange(name, old if old not in ((), frozenset()) else None, new))
    return changes


BASE = datetime(2024, 5, 1, 10, 0, 0, tzinfo=timezone.utc)
texts = st.sampled_from([None, "", "gpt-4o", "GPT-4o", "chat", "other"])
ints = st.sampled_from([None, 0, 8192, 128000])
caps = st.frozensets(st.sampled_from(["chat", "vision", "functions"]), max_size=3)
mods = st.lists(st.sampled_from(["text", "image", "audio"]), max_size=3, unique=True)
times = st.sampled_from(
    [None, BASE, BASE.replace(microsecond=250000), BASE.replace(tzinfo=None), BASE.astimezone(timezone(timedelta(hours=2))), BASE + timedelta(days=1)]
)


@st.composite
def pairs(draw: Any) -> tuple[RemoteModel, StoredModel]:
    remote = RemoteModel(
        provider="p", model_id="m", name=draw(texts), type=draw(st.sampled_from(["chat", "other", ""])),
        context_length=draw(ints), max_output_tokens=draw(ints), capabilities=draw(caps),
        input_modalities=tuple(draw(mods)), output_modalities=tuple(draw(mods)), created_at=draw(times),
        deprecated_at=draw(times), description=draw(texts), owned_by=draw(texts),
    )
    values = {
        "name": draw(texts), "type": draw(st.sampled_from(["chat", "other", None])), "context_length": draw(ints),
        "max_output_tokens": draw(ints), "capabilities": sorted(draw(caps)), "input_modalities": draw(mods),
        "output_modalities": draw(st.one_of(mods, st.none())), "created_at": draw(times), "deprecated_at": draw(times),
        "description": draw(texts), "owned_by": draw(texts),
    }
    sources = draw(st.sampled_from([{}, {"feed_capabilities": ["vision"]}, {"feed_capabilities": None}]))
    stored = StoredModel(1, "m", values, "active", True, False, sources, None, None)
    return remote, stored


@settings(max_examples=400, deadline=None)
@given(pairs())
def test_sync_reports_the_same_field_changes_as_a_full_comparison(pair: tuple[RemoteModel, StoredModel]) -> None:
    remote, stored = pair
    assert field_changes(remote, stored) == reference_field_changes(remote, stored)


def test_an_identical_model_reports_no_change() -> None:
    remote = RemoteModel("p", "m", name="M", type="chat", context_length=10, capabilities=frozenset({"chat"}),
                         input_modalities=("text",), created_at=BASE)
    values = {"name": "M", "type": "chat", "context_length": 10, "capabilities": ["chat"], "input_modalities": ["text"],
              "created_at": BASE}
    assert field_changes(remote, StoredModel(1, "m", values, "active", True, False, {}, None, None)) == []
