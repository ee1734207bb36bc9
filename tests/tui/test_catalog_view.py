"""The fast CatalogView shows exactly the rows of the straightforward version: filter the
whole catalog from scratch, then sort it with SORT_KEYS, whatever the user typed, toggled or sorted
before (narrowing a previous result, reusing a cached one, the C-level sorter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aisync_tui.tui.catalog import (
    AVAILABLE,
    CAPS,
    DISPUTED,
    MODEL_ID,
    NAME,
    OPEN_WEIGHTS,
    PROVIDER,
    SEARCH_WORDS,
    SORT_KEYS,
    STATUS,
    TYPE,
    CatalogView,
    Filters,
    Row,
    SortValue,
    sort_order,
    squash,
)


def known_key(sort: str) -> Callable[[Row], SortValue]:
    key = SORT_KEYS[sort][1]

    def known(row: Row) -> SortValue:
        value = key(row)
        assert value is not None
        return value

    return known


def has_flag(row: Row, flag: str) -> bool:
    weights = row[OPEN_WEIGHTS]
    return {"disputed": bool(row[DISPUTED]), "open_weights": weights is not None and bool(weights),
            "closed_weights": weights is not None and not weights}[flag]


def reference_rows(rows: list[Row], f: Filters, sort: str, descending: bool) -> list[Row]:
    """The specification: every filter over every row, then a stable sort with unknowns last. An
    `is:` word of the search is a flag; the start of one (being typed) is no filter at all."""
    key = SORT_KEYS[sort][1]
    words = []
    flags = set(f.flags)
    for word in f.search.strip().lower().split():
        if word in SEARCH_WORDS:
            flags.add(SEARCH_WORDS[word][0])
        elif not (word.startswith("is:") and any(w.startswith(word) for w in SEARCH_WORDS)):
            words.append(word)
    text = " ".join(words)
    out = []
    for r in rows:
        if f.provider is not None and r[PROVIDER] != f.provider:
            continue
        if f.type is not None and r[TYPE] != f.type:
            continue
        if f.active and r[STATUS] != "active":
            continue
        if f.available is not None and bool(r[AVAILABLE]) is not f.available:
            continue
        caps = str(r[CAPS] or "")
        if any(f'"{cap}"' not in caps for cap in f.capabilities):
            continue
        if not all(has_flag(r, flag) for flag in flags):
            continue
        if text and not all(any(w in part or squash(w) in squash(part) for part in (str(r[MODEL_ID]).lower(), str(r[NAME] or "").lower()))
                            for w in text.split()):
            continue
        out.append(r)
    known = sorted((r for r in out if key(r) is not None), key=known_key(sort))
    unknown = [r for r in out if key(r) is None]
    ordered = (known[::-1] if descending else known) + unknown
    return [r for r in ordered if r[AVAILABLE]] + [r for r in ordered if not r[AVAILABLE]]


ids = st.sampled_from(["gpt-4o", "gpt-4o-mini", "GPT-4.1", "gemini-2.5-flash", "grok-3", "o3", "Émile-7b", "claude-3-5"])
prices = st.sampled_from([None, "0.0000025", "0.00001", "2.5E-6", "0", "not-a-number", "0.0000025000"])
row_strategy = st.tuples(
    st.sampled_from(["openai", "gemini", "xai"]),  # provider
    ids,  # model id
    st.sampled_from([None, "", "GPT 4o", "Flash", "Grok Three"]),  # name
    st.sampled_from(["chat", "embedding", "image"]),  # type
    st.sampled_from(["active", "missing", "catalog"]),  # status
    st.sampled_from([None, 8192, 128000, 1_000_000]),  # context
    st.sampled_from([None, 4096, 16384]),  # max output
    st.sampled_from([None, "[]", '["vision"]', '["functions", "vision"]', '["reasoning"]']),  # capabilities
    prices,  # input
    prices,  # output
    st.sampled_from([None, "2025-06-01 11:48:00", "2025-06-01 11:48:00.250000", "2024-01-02"]),  # synced
    st.booleans(),  # available
    st.booleans(),  # in catalog
    st.sampled_from([None, "[]"]),  # aliases (searching them: test_search_finds_a_model_by_an_alias_its_provider_states)
    st.sampled_from([None, "", "2024-05-13", "2025-04-14", "2025-04-14"]),  # released
    st.sampled_from([None, "2023-10", "2024-10-01", "2024-06"]),  # knowledge cutoff
    st.sampled_from([None, 0, 1, True, False]),  # open weights (SQLite 0/1, PostgreSQL booleans)
    st.sampled_from([0, 1]),  # sources disagree
    st.just(None),  # field sources (the view never reads them)
)


def catalog(raw: list[tuple[Any, ...]]) -> list[Row]:
    # The store has one row per (provider, model id), ordered by id then provider.
    unique = {(r[PROVIDER], r[MODEL_ID]): r for r in raw}
    return sorted(unique.values(), key=lambda r: (r[MODEL_ID], r[PROVIDER]))


filters = st.builds(
    Filters,
    provider=st.sampled_from([None, "openai", "gemini"]),
    type=st.sampled_from([None, "chat", "image"]),
    active=st.booleans(),
    available=st.sampled_from([None, True, False]),
    capabilities=st.frozensets(st.sampled_from(["vision", "functions", "reasoning"]), max_size=2),
    flags=st.frozensets(st.sampled_from(["disputed", "open_weights", "closed_weights"]), max_size=2),
)
# What a user does: type or delete one character, replace the text, change a filter or the sort.
steps = st.one_of(
    st.tuples(st.just("type"), st.sampled_from(list("gpt-4oEmILfash ."))),
    st.tuples(st.just("backspace"), st.none()),
    st.tuples(st.just("text"), st.sampled_from(["", "gpt", " GPT-4O ", "flash", "émile", "o", "is:disputed", "gpt is:open-weights",
                                                "is:closed-weights flash", "is:dis", "is:bogus", "is:DISPUTED o", "Is:Open-Weights"])),
    st.tuples(st.just("word"), st.sampled_from([" is:disputed", " is:open-weights", " is:closed-weights", " is:", "is:open"])),
    st.tuples(st.just("filters"), filters),
    st.tuples(st.just("sort"), st.tuples(st.sampled_from(list(SORT_KEYS)), st.sampled_from([None, True, False]))),
    st.tuples(st.just("reload"), st.none()),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(row_strategy, max_size=40), st.lists(steps, max_size=25))
def test_every_sequence_of_typing_filters_and_sorts_shows_the_rows_a_full_filter_would(raw: list[Any], actions: list[Any]) -> None:
    rows = catalog(raw)
    view = CatalogView()
    view.load(rows)
    for action, arg in actions:
        f = view.filters
        if action == "type":
            view.set_filters(f.with_(search=f.search + arg))
        elif action == "backspace":
            view.set_filters(f.with_(search=f.search[:-1]))
        elif action in ("text", "word"):
            view.set_filters(f.with_(search=arg if action == "text" else f.search + arg))
        elif action == "filters":
            view.set_filters(arg.with_(search=f.search))
        elif action == "sort":
            view.set_sort(*arg)
        else:
            view.load(list(rows))  # a reload after a sync: same models, new tuples
        assert view.rows == reference_rows(rows, view.filters, view.sort, view.descending), (action, arg)


@settings(max_examples=200, deadline=None)
@given(st.lists(row_strategy, max_size=60), st.sampled_from(list(SORT_KEYS)))
def test_the_fast_sorter_orders_rows_like_sort_keys_with_unknown_values_last(raw: list[Any], key: str) -> None:
    rows = catalog(raw)
    known, unknown = sort_order(rows, key)
    fn = SORT_KEYS[key][1]
    assert known == sorted((r for r in rows if fn(r) is not None), key=known_key(key))
    assert unknown == [r for r in rows if fn(r) is None]


def test_narrowing_a_search_does_not_rescan_the_whole_catalog() -> None:
    rows = catalog([("openai", f"model-{i:05d}", None, "chat", "active", None, None, None, None, None, None, True, False) for i in range(2000)])
    view = CatalogView()
    view.load(rows)
    view.set_filters(view.filters.with_(search="model-0001"))
    assert len(view.rows) == 10
    # Rows outside the previous result are never looked at again: drop their haystacks.
    kept = {id(r) for r in view.rows}
    view._hay = {k: v for k, v in view._hay.items() if k in kept}
    view.set_filters(view.filters.with_(search="model-00012"))
    assert [r[MODEL_ID] for r in view.rows] == ["model-00012"]
    view.set_filters(view.filters.with_(search="model-0001"))  # backspace: the cached result
    assert len(view.rows) == 10


def test_search_finds_a_model_by_an_alias_its_provider_states() -> None:
    from aisync_tui.tui.catalog import haystack, matches, search_terms

    row = ("mistral", "codestral-2501", "Codestral", "chat", "active", 256000, None, "[]", None, None, None, 1, 0, '["codestral-latest", "codestral-2412"]')
    plain = row[:13] + ("[]",)
    for typed in ("codestral-latest", "codestrallatest", "2412"):
        assert matches(haystack(row), search_terms(typed)), typed
        assert not matches(haystack(plain), search_terms(typed)), typed
    # A row without the aliases column (an older tuple) is still searchable by id and name.
    assert matches(haystack(row[:13]), search_terms("codestral 2501"))


def test_an_open_weights_value_edited_into_the_store_as_text_is_unknown_not_open() -> None:
    from aisync_tui.tui.catalog import OPEN_WEIGHTS, weights_word

    assert (weights_word(1), weights_word(False), weights_word("no"), weights_word("false")) == ("open", "closed", None, None)
    row: Row = tuple("no" if i == OPEN_WEIGHTS else None for i in range(OPEN_WEIGHTS + 3))
    assert not has_flag_of(row, "open_weights") and not has_flag_of(row, "closed_weights")


def has_flag_of(row: Row, flag: str) -> bool:
    view = CatalogView()
    view.load([row])
    view.set_filters(Filters(flags=frozenset({flag}), active=False))
    return bool(view.rows)


def test_a_context_length_edited_into_the_store_as_text_sorts_as_unknown_instead_of_stopping_the_sort() -> None:
    from aisync_tui.tui.catalog import CONTEXT

    def row(model_id: str, context: object) -> Row:
        return tuple(model_id if i == MODEL_ID else context if i == CONTEXT else None for i in range(CONTEXT + 12))

    rows = [row("a", 8192), row("b", "128k"), row("c", 4096), row("d", None)]
    known, unknown = sort_order(rows, "context")
    assert [r[MODEL_ID] for r in known] == ["c", "a"] and [r[MODEL_ID] for r in unknown] == ["b", "d"]
