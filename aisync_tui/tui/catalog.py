"""The model table's data: the whole catalog as plain tuples, filtered and sorted in Python.

No Textual here. The virtual table asks `CatalogView.rows` for the rows on screen only, so a
filter keystroke costs one pass over the tuples (a few ms at 50,000 models) and a sort one
`list.sort` (about 25 ms). The current sort order is kept for the whole catalog, and filtering a
sorted list keeps it sorted, so typing never re-sorts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from operator import itemgetter
from typing import TypeAlias, TypedDict, Unpack, cast

from ..config import UI_COLUMNS
from ..domain import stored_flag
from ..jsonvalue import JSON, as_list, as_object, decode
from ..pricing.disputes import Dispute
from ..render import money
from ..render.inert import inert

# Positions in a row from store.queries.model_table_tuples().
PROVIDER, MODEL_ID, NAME, TYPE, STATUS, CONTEXT, MAX_OUT, CAPS, INPUT, OUTPUT, SYNCED, AVAILABLE, IN_CATALOG, ALIASES = range(14)
RELEASED, KNOWLEDGE, OPEN_WEIGHTS, DISPUTED, SOURCES = range(14, 19)
"""Release date and knowledge cutoff (ISO text), open weights (true, false or NULL), whether the
sources disagree, and the model's field_sources JSON text when it has one of those (else NULL)."""

Row: TypeAlias = tuple[object, ...]
"""One model as the database returns it: text, numbers, booleans (0/1 on SQLite), NULLs. Nothing
is converted until a cell is shown, and every reader narrows what it takes out."""
RowKey = tuple[str, str]
"""(provider, model_id): what survives a reload, so the cursor stays on its model."""

SortValue: TypeAlias = str | int | float
"""What a column sorts by; None (unknown) sorts last in both directions."""
SortConvert: TypeAlias = Callable[..., SortValue | None]
"""A function of the row values a column sorts by (as many arguments as positions)."""

UNKNOWN = "—"
"""What a cell shows when no source states the value (never a guess)."""

#: Capability filters offered in the UI: label -> capability stored on the model.
CAPABILITY_FILTERS: dict[str, str] = {"vision": "vision", "tools": "functions", "reasoning": "reasoning"}

#: Type filter cycle (None = every type).
TYPE_CYCLE: tuple[str | None, ...] = (None, "chat", "embedding", "image", "audio", "tts", "transcription", "completion", "other")

#: Availability cycle: None = both, True = listed by your providers, False = catalog only.
AVAILABILITY_CYCLE: tuple[bool | None, ...] = (None, True, False)


def at(row: Row, position: int) -> object:
    """The value at `position`, or None for an older, shorter tuple."""
    return row[position] if len(row) > position else None


def count_at(row: Row, position: int) -> int | None:
    """A whole number of the row (a context length), or None."""
    value = at(row, position)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: object) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _blended_prices(input_value: object, output_value: object) -> float | None:
    i, o = _float(input_value), _float(output_value)
    if i is None and o is None:
        return None
    i = o if i is None else i
    o = i if o is None else o
    assert i is not None and o is not None
    return 3 * i + o


def _same_text(value: object) -> str | None:
    """A text column's stored value itself as the sort key; any other kind is unknown."""
    return value if isinstance(value, str) else None


def _same_number(value: object) -> int | float | None:
    """A number column's stored value itself as the sort key; any other kind (text a hand edit
    left in it, which would not compare with the numbers) is unknown."""
    return value if type(value) is int or type(value) is float else None


#: The sort keys that are the stored value itself, and the kinds each keeps: a column whose
#: distinct values are all of those kinds (or NULL) is sorted without a conversion.
_SAME: dict[SortConvert, tuple[type, ...]] = {_same_text: (str,), _same_number: (int, float)}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _lower(value: object) -> str | None:
    return None if value is None else str(value).lower()


def _fact(value: object) -> str | None:
    """A stated date (release, cutoff: ISO text, so it sorts as text); empty or missing is unknown."""
    return value if isinstance(value, str) and value else None


def _weights_order(value: object) -> int | None:
    """Open weights first (ascending), then closed; unknown last."""
    stated = stored_flag(value)
    return None if stated is None else (0 if stated else 1)


def weights_word(value: object) -> str | None:
    """"open" or "closed" for a stated open-weights flag, None when no source states it."""
    stated = stored_flag(value)
    return None if stated is None else ("open" if stated else "closed")


@dataclass(frozen=True)
class Column:
    """One column of the model table, defined once: its header, width, and how it sorts."""

    key: str
    label: str
    width: int
    sort_label: str
    sort_source: tuple[tuple[int, ...], SortConvert]
    """The row positions the sort reads and a function of their values to the sort key."""
    right: bool = False
    priority: int = 0
    """Higher stays longer when the terminal is narrow."""
    cell: Callable[[Row], str] | None = None
    """The cell's text, for the columns the user turns on (the table formats the others itself);
    such a column shows UNKNOWN, dimmed, where no source states the value."""

    def sort_key(self, row: Row) -> SortValue | None:
        positions, convert = self.sort_source
        return convert(*(at(row, i) for i in positions))


def _fact_cell(position: int) -> Callable[[Row], str]:
    def cell(row: Row) -> str:
        value = _fact(at(row, position))
        return UNKNOWN if value is None else inert(value, 20)

    return cell


def _weights_cell(row: Row) -> str:
    return weights_word(at(row, OPEN_WEIGHTS)) or UNKNOWN


#: Every column, in display order. "model" takes the width the others leave.
COLUMNS: tuple[Column, ...] = (
    Column("model", "Model", 18, "model id", ((MODEL_ID,), _lower), priority=100),
    Column("provider", "Provider", 10, "provider", ((PROVIDER,), _same_text), priority=90),
    Column("type", "Type", 10, "type", ((TYPE,), _same_text), priority=60),
    Column("status", "Status", 9, "status", ((STATUS,), _same_text), priority=70),
    Column("context", "Context", 8, "context length", ((CONTEXT,), _same_number), right=True, priority=50),
    Column("max_output", "Max out", 8, "max output", ((MAX_OUT,), _same_number), right=True, priority=30),
    Column("input", "In/1M", 8, "input price", ((INPUT,), _float), right=True, priority=80),
    Column("output", "Out/1M", 8, "output price", ((OUTPUT,), _float), right=True, priority=75),
    Column("tier", "Cost", 6, "cost tier", ((INPUT, OUTPUT), _blended_prices), priority=40),
    Column("synced", "Synced", 12, "last synced", ((SYNCED,), _text), priority=20),
)

#: Columns the user turns on (palette: "column: show …"); off by default. Placed before Synced; when
#: the terminal is narrow they stay longer than the default columns but the model and provider
#: (and a workload's cost): the user asked for them.
OPTIONAL_COLUMNS: tuple[Column, ...] = (
    Column("released", "Released", 10, "release date", ((RELEASED,), _fact), priority=84, cell=_fact_cell(RELEASED)),
    Column("knowledge", "Cutoff", 10, "knowledge cutoff", ((KNOWLEDGE,), _fact), priority=83, cell=_fact_cell(KNOWLEDGE)),
    Column("open_weights", "Weights", 7, "open weights", ((OPEN_WEIGHTS,), _weights_order), priority=82, cell=_weights_cell),
)
OPTIONAL_KEYS: frozenset[str] = frozenset(c.key for c in OPTIONAL_COLUMNS)
#: The config's names of the optional columns (`[ui] columns`, as `models list --columns` names
#: them) -> the table's keys.
CONFIG_COLUMNS: dict[str, str] = dict(zip(UI_COLUMNS, ("released", "knowledge", "open_weights"), strict=True))


def optional_keys(names: Iterable[str]) -> frozenset[str]:
    """The table's keys of the optional columns the config names."""
    return frozenset(CONFIG_COLUMNS[n] for n in names if n in CONFIG_COLUMNS)


def config_names(keys: Iterable[str]) -> tuple[str, ...]:
    """The config's names of these optional columns, in the table's order."""
    wanted = set(keys)
    return tuple(name for name, key in CONFIG_COLUMNS.items() if key in wanted)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS + OPTIONAL_COLUMNS}

WORKLOAD = "workload"
"""Key of the column a session workload adds (not in COLUMNS: it shows only while one is set)."""


def workload_cost(input_tokens: int, output_tokens: int, requests: int) -> Callable[[object, object], float | None]:
    """(input price, output price) -> requests × (input tokens × input price + output tokens × output
    price) in USD, from the floats as the price columns sort (exact Decimal arithmetic is `aisync cost`).
    None when a price the workload needs is unknown: never a $0 for a model whose price is missing."""

    def cost(input_value: object, output_value: object) -> float | None:
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
    from .format import workload_usd

    cost = workload_cost(input_tokens, output_tokens, requests)
    return Column(WORKLOAD, "Workload $", 11, "workload cost", ((INPUT, OUTPUT), cost), right=True, priority=85,
                  cell=lambda row: workload_usd(cost(at(row, INPUT), at(row, OUTPUT))))


def table_columns(workload: Column | None = None, shown: frozenset[str] = frozenset()) -> tuple[Column, ...]:
    """The table's columns in display order: COLUMNS, the workload column after the output price
    when one is set, and the optional columns in `shown` before Synced."""
    out = list(COLUMNS)
    if workload is not None:
        out.insert(next(i for i, c in enumerate(out) if c.key == "output") + 1, workload)
    at_synced = next(i for i, c in enumerate(out) if c.key == "synced")
    out[at_synced:at_synced] = [c for c in OPTIONAL_COLUMNS if c.key in shown]
    return tuple(out)


#: column key -> (label, sort key); a key returning None sorts last in both directions. The
#: optional columns sort too (sorting by one shows it).
SORT_KEYS: dict[str, tuple[str, Callable[[Row], SortValue | None]]] = {c.key: (c.sort_label, c.sort_key) for c in COLUMNS + OPTIONAL_COLUMNS}
SORT_CYCLE: tuple[str, ...] = tuple(c.key for c in COLUMNS)

#: Words of the search box that filter by a fact instead of matching text: word -> (flag, what it keeps).
SEARCH_WORDS: dict[str, tuple[str, str]] = {
    "is:disputed": ("disputed", "Models whose price feeds disagree on a price or limit (≠ after the id)."),
    "is:open-weights": ("open_weights", "Models whose weights are published (as models.dev states)."),
    "is:closed-weights": ("closed_weights", "Models whose weights are not published (as models.dev states)."),
}
FLAG_LABELS: dict[str, str] = {"disputed": "sources disagree", "open_weights": "open weights", "closed_weights": "closed weights"}


def split_search(text: str) -> tuple[str, frozenset[str]]:
    """(the words matched as text, the flags the `is:` words ask for), from lower-cased text. A
    word that is only the start of one (`is:disp`, while typing) is left out, so the table does not
    empty on the way; any other `is:` word is matched as text (a typo finds nothing)."""
    words: list[str] = []
    flags: set[str] = set()
    for word in text.split():
        known = SEARCH_WORDS.get(word)
        if known is not None:
            flags.add(known[0])
        elif not (word.startswith("is:") and any(w.startswith(word) for w in SEARCH_WORDS)):
            words.append(word)
    return " ".join(words), frozenset(flags)


def _has_flag(row: Row, flag: str) -> bool:
    if flag == "disputed":
        return is_disputed(row)
    weights = stored_flag(at(row, OPEN_WEIGHTS))
    if flag == "open_weights":
        return weights is True
    if flag == "closed_weights":
        return weights is False
    return False


class FilterChanges(TypedDict, total=False):
    """Fields of Filters to change (see Filters.with_)."""

    provider: str | None
    type: str | None
    active: bool
    available: bool | None
    capabilities: frozenset[str]
    search: str
    flags: frozenset[str]


@dataclass(frozen=True)
class Filters:
    provider: str | None = None
    type: str | None = None
    active: bool = False
    available: bool | None = None
    capabilities: frozenset[str] = frozenset()
    search: str = ""
    flags: frozenset[str] = frozenset()
    """Facts a model must have (FLAG_LABELS); the search box's `is:` words add to them."""

    def with_(self, **changes: Unpack[FilterChanges]) -> Filters:
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
        out.extend(FLAG_LABELS[flag] for flag in sorted(self.flags) if flag in FLAG_LABELS)
        return out


#: How each sort key reads a row, for the fast sorter (the same as SORT_KEYS: tested).
_SORT_SOURCES: dict[str, tuple[tuple[int, ...], SortConvert]] = {c.key: c.sort_source for c in COLUMNS + OPTIONAL_COLUMNS}

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
    raw_aliases = at(row, ALIASES)
    if raw_aliases and raw_aliases != "[]":
        decoded: object = raw_aliases
        if isinstance(raw_aliases, str):
            try:
                decoded = decode(raw_aliases)
            except ValueError:
                decoded = None
        parts += [a.lower() for a in as_list(decoded) if isinstance(a, str)]
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
               source: tuple[tuple[int, ...], SortConvert] | None = None) -> tuple[list[Row], list[Row]]:
    """(rows with a value, ascending by it; rows without, in their order): a stable sort by
    SORT_KEYS[key], done with C-level key lookups. Each distinct value is converted once (prices
    and times repeat across thousands of rows), then the row indices are sorted by the keys."""
    columns, convert = source if source is not None else _SORT_SOURCES[key]
    raw: list[object] = list(map(itemgetter(*columns), rows))
    distinct = set(raw)
    values: list[SortValue | None]
    kinds = _SAME.get(convert)
    if kinds is not None and all(v is None or type(v) in kinds for v in distinct):
        values = cast("list[SortValue | None]", raw)  # the value itself, every distinct one checked just above
    else:
        if len(columns) == 1:
            mapping = {v: convert(v) for v in distinct}
        else:
            mapping = {v: convert(*v) for v in distinct if isinstance(v, tuple)}
        values = list(map(mapping.__getitem__, raw))
    if None in values:
        # `in` compares with == too; only the identity test matters for None.
        known_idx = [i for i, v in enumerate(values) if v is not None]
        unknown = [rows[i] for i, v in enumerate(values) if v is None]
        keys = [v for v in values if v is not None]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        return [rows[known_idx[j]] for j in order], unknown
    known = cast("list[SortValue]", values)  # no None among them: checked just above
    order = sorted(range(len(known)), key=known.__getitem__)
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
            rows = [r for r in rows if isinstance(caps := r[CAPS], str) and needle in caps]
        for flag in sorted(f.flags):
            rows = [r for r in rows if _has_flag(r, flag)]
        return rows

    def _refilter(self) -> None:
        # The `is:` words become flags: results are cached and narrowed per flags, by the other words.
        text, flags = split_search(self.filters.search.strip().lower())
        f = self.filters.with_(search=text, flags=self.filters.flags | flags)
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
    return (str(row[PROVIDER]), str(row[MODEL_ID]))


# ---------------------------------------------------------------------- facts and disagreements

#: The facts a row carries beyond the default columns, in the order the app shows them:
#: (field_sources key, label).
FACT_LABELS: tuple[tuple[str, str], ...] = (
    ("released_at", "Released"),
    ("knowledge_cutoff", "Knowledge cutoff"),
    ("open_weights", "Open weights"),
)

#: What each field the price feeds are compared on is called (pricing.disputes compares them).
DISPUTE_LABELS: dict[str, str] = {
    "input": "input price", "output": "output price", "cached_input": "cached input price", "cache_write": "cache write price",
    "context_length": "context length", "max_output_tokens": "max output",
}

DISPUTE_MARK = "≠"
"""After a model's id in the table when its sources disagree (a glyph, so it reads without colour)."""


@dataclass(frozen=True)
class Fact:
    """One stated fact, as shown: its field, label, value and the source that states it (inert text)."""

    name: str
    label: str
    value: str
    source: str | None

    @property
    def said(self) -> str:
        """"2024-05-13 (models.dev)": the value followed by its source, when one is recorded."""
        return self.value + (f" ({self.source})" if self.source else "")


@dataclass(frozen=True)
class RowFacts:
    """What a row states beyond the table's default columns, for the preview pane."""

    facts: tuple[Fact, ...]
    disputes: tuple[Dispute, ...]


def fact_source(sources: Mapping[str, object], name: str) -> str | None:
    """The source field_sources names for `name`, inert; None when it names none."""
    said = sources.get(name)
    return inert(said, 40) if isinstance(said, str) and said else None


def facts_of(released: object, knowledge_cutoff: object, open_weights: object, sources: Mapping[str, object]) -> tuple[Fact, ...]:
    """The facts some source states (an unknown one is left out, never guessed), each with its source."""
    values = {"released_at": _fact(released), "knowledge_cutoff": _fact(knowledge_cutoff), "open_weights": weights_word(open_weights)}
    out = []
    for name, label in FACT_LABELS:
        value = values[name]
        if value is not None:
            shown = ("yes" if value == "open" else "no") if name == "open_weights" else inert(value, 20)
            out.append(Fact(name, label, shown, fact_source(sources, name)))
    return tuple(out)


def recorded_disputes(recorded: object) -> tuple[Dispute, ...]:
    """The disagreements field_sources["disputes"] records; a damaged record is skipped (not shown
    rather than shown wrong), as in `models info`."""
    out = []
    for item in as_list(recorded):
        if not isinstance(item, dict):
            continue
        try:
            dispute = Dispute.from_json(item)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            continue
        if dispute.values:
            out.append(dispute)
    return tuple(out)


def dispute_label(dispute: Dispute) -> str:
    return DISPUTE_LABELS.get(dispute.field) or inert(dispute.field, 40)


def dispute_values(dispute: Dispute, per: str) -> list[tuple[str, str]]:
    """(source, value as the app shows it) for each source, in the order of trust; inert."""
    out = []
    for source, value in dispute.values:
        shown = f"{value:,}" if isinstance(value, int) else money.token_price(value, per)
        out.append((inert(source, 40), shown))
    return out


def row_sources(row: Row) -> dict[str, JSON]:
    """The row's field_sources (only rows with a fact or a disagreement carry them); {} if unreadable."""
    text = at(row, SOURCES)
    if not isinstance(text, str) or not text:
        return {}
    try:
        return as_object(decode(text))
    except ValueError:
        return {}


def row_facts(row: Row) -> RowFacts:
    """The release date, knowledge cutoff, open weights and disagreements of a row, each with its source."""
    sources = row_sources(row)
    facts = facts_of(at(row, RELEASED), at(row, KNOWLEDGE), at(row, OPEN_WEIGHTS), sources)
    return RowFacts(facts, recorded_disputes(sources.get("disputes")) if at(row, DISPUTED) else ())


def is_disputed(row: Row) -> bool:
    return bool(at(row, DISPUTED))
