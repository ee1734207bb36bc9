"""The model table's data: the whole catalog as plain tuples, filtered and sorted in Python.

No Textual here. The virtual table asks `CatalogView.rows` for the rows on screen only, so a
filter keystroke costs one pass over the tuples (a few ms at 50,000 models) and a sort one
`list.sort` (about 25 ms). The current sort order is kept for the whole catalog, and filtering a
sorted list keeps it sorted, so typing never re-sorts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any

# Positions in a row from store.queries.model_table_tuples().
PROVIDER, MODEL_ID, NAME, TYPE, STATUS, CONTEXT, MAX_OUT, CAPS, INPUT, OUTPUT, SYNCED, AVAILABLE, IN_CATALOG, ALIASES = range(14)

Row = tuple[Any, ...]
RowKey = tuple[str, str]
"""(provider, model_id): what survives a reload, so the cursor stays on its model."""

#: Capability filters offered in the UI: label -> capability stored on the model.
CAPABILITY_FILTERS: dict[str, str] = {"vision": "vision", "tools": "functions", "reasoning": "reasoning"}

#: Type filter cycle (None = every type).
TYPE_CYCLE: tuple[str | None, ...] = (None, "chat", "embedding", "image", "audio", "tts", "transcription", "completion", "other")

#: Availability cycle: None = both, True = listed by your providers, False = catalog only.
AVAILABILITY_CYCLE: tuple[bool | None, ...] = (None, True, False)


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _blended(row: Row) -> float | None:
    return _blended_prices(row[INPUT], row[OUTPUT])


def _blended_prices(input_value: Any, output_value: Any) -> float | None:
    i, o = _float(input_value), _float(output_value)
    if i is None and o is None:
        return None
    i = o if i is None else i
    o = i if o is None else o
    assert i is not None and o is not None
    return 3 * i + o


def _synced_key(row: Row) -> Any:
    value = row[SYNCED]
    return None if value is None else str(value)


def _lower(value: Any) -> Any:
    return None if value is None else str(value).lower()


@dataclass(frozen=True)
class Column:
    """One column of the model table, defined once: its header, width, and how it sorts."""

    key: str
    label: str
    width: int
    sort_label: str
    sort_source: tuple[tuple[int, ...], Callable[..., Any] | None]
    """The row positions the sort reads and a function of their values (None: the value itself)."""
    right: bool = False
    priority: int = 0
    """Higher stays longer when the terminal is narrow."""

    def sort_key(self, row: Row) -> Any:
        positions, convert = self.sort_source
        values = [row[i] for i in positions]
        return values[0] if convert is None else convert(*values)


#: Every column, in display order. "model" takes the width the others leave.
COLUMNS: tuple[Column, ...] = (
    Column("model", "Model", 18, "model id", ((MODEL_ID,), _lower), priority=100),
    Column("provider", "Provider", 10, "provider", ((PROVIDER,), None), priority=90),
    Column("type", "Type", 10, "type", ((TYPE,), None), priority=60),
    Column("status", "Status", 9, "status", ((STATUS,), None), priority=70),
    Column("context", "Context", 8, "context length", ((CONTEXT,), None), right=True, priority=50),
    Column("max_output", "Max out", 8, "max output", ((MAX_OUT,), None), right=True, priority=30),
    Column("input", "In/1M", 8, "input price", ((INPUT,), _float), right=True, priority=80),
    Column("output", "Out/1M", 8, "output price", ((OUTPUT,), _float), right=True, priority=75),
    Column("tier", "Cost", 6, "cost tier", ((INPUT, OUTPUT), _blended_prices), priority=40),
    Column("synced", "Synced", 12, "last synced", ((SYNCED,), lambda v: None if v is None else str(v)), priority=20),
)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}

WORKLOAD = "workload"
"""Key of the column a session workload adds (not in COLUMNS: it shows only while one is set)."""


def workload_cost(input_tokens: int, output_tokens: int, requests: int) -> Callable[[Any, Any], float | None]:
    """(input price, output price) -> requests × (input tokens × input price + output tokens × output
    price) in USD, from the floats as the price columns sort (exact Decimal arithmetic is `aisync cost`).
    None when a price the workload needs is unknown: never a $0 for a model whose price is missing."""

    def cost(input_value: Any, output_value: Any) -> float | None:
        total = 0.0
        if input_tokens:
            i = _float(input_value)
            if i is None:
                return None
            total += input_tokens * i
        if output_tokens:
            o = _float(output_value)
            if o is None:
                return None
            total += output_tokens * o
        return requests * total

    return cost


def workload_column(input_tokens: int, output_tokens: int, requests: int) -> Column:
    """The "Workload $" column for this workload; it sorts like the price columns, unknown last."""
    return Column(WORKLOAD, "Workload $", 11, "workload cost",
                  ((INPUT, OUTPUT), workload_cost(input_tokens, output_tokens, requests)), right=True, priority=85)


def with_workload(column: Column | None) -> tuple[Column, ...]:
    """COLUMNS with the workload column (after the output price) when one is set."""
    if column is None:
        return COLUMNS
    at = next(i for i, c in enumerate(COLUMNS) if c.key == "output") + 1
    return COLUMNS[:at] + (column,) + COLUMNS[at:]


#: column key -> (label, sort key); a key returning None sorts last in both directions.
SORT_KEYS: dict[str, tuple[str, Callable[[Row], Any]]] = {c.key: (c.sort_label, c.sort_key) for c in COLUMNS}
SORT_CYCLE: tuple[str, ...] = tuple(SORT_KEYS)


@dataclass(frozen=True)
class Filters:
    provider: str | None = None
    type: str | None = None
    active: bool = False
    available: bool | None = None
    capabilities: frozenset[str] = frozenset()
    search: str = ""

    def with_(self, **changes: Any) -> Filters:
        return replace(self, **changes)

    def describe(self) -> list[str]:
        """Short labels of the active filters, for the filter bar."""
        out = []
        if self.type:
            out.append(f"type: {self.type}")
        if self.active:
            out.append("active only")
        if self.available is True:
            out.append("available")
        elif self.available is False:
            out.append("catalog only")
        out.extend(sorted(label for label, cap in CAPABILITY_FILTERS.items() if cap in self.capabilities))
        return out


#: How each sort key reads a row, for the fast sorter (the same as SORT_KEYS: tested).
_SORT_SOURCES: dict[str, tuple[tuple[int, ...], Callable[..., Any] | None]] = {c.key: c.sort_source for c in COLUMNS}

_RESULT_CACHE = 32
"""Filter results kept per load (typing back and forth reuses them); each is a list of references."""


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def squash(text: str) -> str:
    """Lower case without punctuation or spaces: "GPT-4o" → "gpt4o", so `gpt4o` finds gpt-4o."""
    return _NOT_ALNUM.sub("", text.lower())


def haystack(row: Row) -> str:
    """What the search box matches: lower-cased id, name and the aliases the provider states
    (`codestral-latest` finds codestral-2501), each also squashed, NUL-separated so a match never
    spans two of them."""
    parts = [str(row[MODEL_ID]).lower(), str(row[NAME] or "").lower()]
    raw_aliases = row[ALIASES] if len(row) > ALIASES else None
    if raw_aliases and raw_aliases != "[]":
        try:
            decoded = json.loads(raw_aliases) if isinstance(raw_aliases, str) else raw_aliases
        except ValueError:
            decoded = ()
        parts += [str(a).lower() for a in decoded if isinstance(a, str)] if isinstance(decoded, list) else []
    return "\x00".join(parts + [squash(p) for p in parts])


def search_terms(text: str) -> list[tuple[str, str]]:
    """Each word of the search box, as typed and squashed. A row matches when every word is in
    its haystack either way: `sonnet 4` finds claude-sonnet-4-5, `gpt4o` finds gpt-4o."""
    return [(word, squash(word)) for word in text.lower().split()]


def matches(hay: str, terms: list[tuple[str, str]]) -> bool:
    for word, squashed in terms:
        # A word of punctuation only ("-") squashes to "" and matches every row: so typing more
        # only ever narrows the result (the view narrows its previous result as you type).
        if word not in hay and squashed not in hay:
            return False
    return True


def sort_order(rows: Sequence[Row], key: str,
               source: tuple[tuple[int, ...], Callable[..., Any] | None] | None = None) -> tuple[list[Row], list[Row]]:
    """(rows with a value, ascending by it; rows without, in their order): a stable sort by
    SORT_KEYS[key], done with C-level key lookups. Each distinct value is converted once (prices
    and times repeat across thousands of rows), then the row indices are sorted by the keys."""
    columns, convert = source if source is not None else _SORT_SOURCES[key]
    if len(columns) == 1:
        values: list[Any] = list(map(itemgetter(columns[0]), rows))
    else:
        values = list(map(itemgetter(*columns), rows))
    if convert is not None:
        mapping = {v: (convert(*v) if len(columns) > 1 else convert(v)) for v in set(values)}
        values = list(map(mapping.__getitem__, values))
    if None in values:
        # `in` compares with == too; only the identity test matters for None.
        known_idx = [i for i, v in enumerate(values) if v is not None]
        unknown = [rows[i] for i, v in enumerate(values) if v is None]
        keys = [values[i] for i in known_idx]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        return [rows[known_idx[j]] for j in order], unknown
    order = sorted(range(len(values)), key=values.__getitem__)
    return list(map(rows.__getitem__, order)), []


@dataclass
class CatalogView:
    """All rows, the current sort and filters, and the visible result.

    A filter keystroke usually extends the text before it ("gp" -> "gpt"), and every row matching
    the longer text matches the shorter one, so the new result is the previous one narrowed; on a
    backspace the shorter text's result is still cached. Results are kept per (filters, sort) until
    the next load, and the lower-cased search haystacks are built once per load.
    """

    all_rows: list[Row] = field(default_factory=list)
    sort: str = "model"
    descending: bool = False
    filters: Filters = field(default_factory=Filters)
    rows: list[Row] = field(default_factory=list)
    _sorted: list[Row] = field(default_factory=list)
    _hay: dict[int, str] = field(default_factory=dict)
    """id(row) -> haystack(row), for every row of the current load."""
    _orders: dict[str, tuple[list[Row], list[Row]]] = field(default_factory=dict)
    """sort key -> (rows with a value, ascending; rows without), computed once per load."""
    _results: dict[tuple[Filters, str, bool], list[Row]] = field(default_factory=dict)
    workload: Column | None = None
    """The session workload's column (sortable as WORKLOAD), or None."""

    def load(self, rows: Sequence[Row], hay: dict[int, str] | None = None) -> None:
        """New data (start-up, after a sync). Rows come ordered by model id, then provider.
        `hay` is `haystacks(rows)` when the caller built it already (off the UI thread)."""
        self.all_rows = list(rows)
        self._hay = hay if hay is not None else haystacks(self.all_rows)
        self._orders = {}
        self._results = {}
        self._resort()

    @property
    def total(self) -> int:
        return len(self.all_rows)

    def set_workload(self, column: Column | None) -> None:
        """A new workload column (or none): its order is computed again; sorting by it without one
        falls back to the model id."""
        self.workload = column
        self._orders.pop(WORKLOAD, None)
        self._results = {k: v for k, v in self._results.items() if k[1] != WORKLOAD}
        if self.sort == WORKLOAD:
            if column is None:
                self.sort, self.descending = "model", False
            self._resort()

    def set_sort(self, key: str, descending: bool | None = None) -> None:
        if key not in SORT_KEYS and not (key == WORKLOAD and self.workload is not None):
            raise KeyError(key)
        if descending is None:
            descending = not self.descending if key == self.sort else False
        self.sort, self.descending = key, descending
        self._resort()

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self._refilter()

    def _resort(self) -> None:
        order = self._orders.get(self.sort)
        if order is None:
            # Rows come in (model id, provider) order; the sort is stable, so ties keep it.
            source = self.workload.sort_source if self.sort == WORKLOAD and self.workload is not None else None
            order = self._orders[self.sort] = sort_order(self.all_rows, self.sort, source)
        known_rows, unknown_rows = order
        # Unknown values (no price, no limit) stay last in both directions.
        ordered = (known_rows[::-1] if self.descending else known_rows) + unknown_rows
        # The user's own models (listed by their providers) before catalog entries, each in the chosen order.
        self._sorted = [r for r in ordered if r[AVAILABLE]] + [r for r in ordered if not r[AVAILABLE]]
        self._refilter()

    def _base(self, f: Filters) -> list[Row]:
        """The sorted rows through every filter but the search text."""
        rows: list[Row] = self._sorted
        if f.provider is not None:
            rows = [r for r in rows if r[PROVIDER] == f.provider]
        if f.type is not None:
            rows = [r for r in rows if r[TYPE] == f.type]
        if f.active:
            rows = [r for r in rows if r[STATUS] == "active"]
        if f.available is not None:
            rows = [r for r in rows if bool(r[AVAILABLE]) is f.available]
        for cap in sorted(f.capabilities):
            needle = f'"{cap}"'
            rows = [r for r in rows if r[CAPS] and needle in r[CAPS]]
        return rows

    def _refilter(self) -> None:
        text = self.filters.search.strip().lower()
        f = self.filters.with_(search=text)
        key = (f, self.sort, self.descending)
        rows = self._results.get(key)
        if rows is None:
            rows = self._filter(f)
            if len(self._results) >= _RESULT_CACHE:
                del self._results[next(iter(self._results))]
            self._results[key] = rows
        # A fresh list when nothing filtered, so the table never holds the cached sort order itself.
        self.rows = list(rows) if rows is self._sorted else rows

    def _filter(self, f: Filters) -> list[Row]:
        text = f.search
        base_key = (f.with_(search=""), self.sort, self.descending)
        if not text:
            return self._results.get(base_key) or self._base(f)
        # Narrow the longest cached result whose text is part of this one ("gp" for "gpt").
        start: list[Row] | None = None
        best = -1
        for (cf, sort, desc), cached in self._results.items():
            if sort == self.sort and desc == self.descending and len(cf.search) > best and cf.search in text \
                    and cf.with_(search="") == base_key[0]:
                start, best = cached, len(cf.search)
        if start is None:
            start = self._base(f)
        hay = self._hay
        terms = search_terms(text)
        if len(terms) == 1 and terms[0][0] == terms[0][1]:
            return [r for r in start if text in hay[id(r)]]  # one plain word: the fast path
        return [r for r in start if matches(hay[id(r)], terms)]

    def index_of(self, key: RowKey | None) -> int | None:
        if key is None:
            return None
        for i, row in enumerate(self.rows):
            if row[MODEL_ID] == key[1] and row[PROVIDER] == key[0]:
                return i
        return None


def haystacks(rows: Sequence[Row]) -> dict[int, str]:
    """id(row) -> haystack(row) for `rows` (valid while the rows are alive: CatalogView keeps them)."""
    return {id(r): haystack(r) for r in rows}


def row_key(row: Row) -> RowKey:
    return (row[PROVIDER], row[MODEL_ID])
