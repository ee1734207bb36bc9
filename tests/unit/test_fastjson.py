"""`models list --format json` writes its JSON with render.fastjson: the exact text json.dumps(indent=2) gives."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from aisync_tui.render.fastjson import dumps_indent2

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text())
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(), inner, max_size=4)), max_leaves=30)


@settings(max_examples=300)
@given(documents)
def test_the_json_is_the_same_text_as_the_standard_library_writes(doc):
    assert dumps_indent2(doc) == json.dumps(doc, indent=2, ensure_ascii=False)


def test_values_json_writes_differently_are_left_to_json_itself():
    for doc in ({1: "int key"}, {"t": (1, 2)}, [True, {None: 1}], {"big": 10**30, "uni": "é\u2028\"\\"}):
        assert dumps_indent2(doc) == json.dumps(doc, indent=2, ensure_ascii=False)
