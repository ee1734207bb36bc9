"""The model table's data: the whole catalog as plain tuples, filtered and sorted in Python.

No Textual here. The virtual table asks `CatalogView.rows` for the rows on screen only, so a
filter keystroke costs one pass over the tuples (a few ms at 50,000 models) and a sort one
`list.sort` (about 25 ms). The current sort order is kept for the whole catalog, and filtering a
sorted list keeps it sorted, so typing never re-sorts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

# Positions in a row from store.queries.model_table_tuples().
PROVIDER, MODEL_ID, NAME, TYPE, STATUS, CONTEXT, MAX_OUT, CAPS, INPUT, OUTPUT, SYNCED, AVAILABLE, IN_CATALOG = range(13)

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
    i, o = _float(row[INPUT]), _float(row[OUTPUT])
    if i is None and o is None:
        return None
    i = o if i is None else i
    o = i if o is None else o
    assert i is not None and o is not None
    return 3 * i + o


def _synced_key(row: Row) -> Any:
    value = row[SYNCED]
    return None if value is None else str(value)


#: column key -> (label, sort key); a key returning None sorts last in both directions.
SORT_KEYS: dict[str, tuple[str, Callable[[Row], Any]]] = {
    "model": ("model id", lambda r: r[MODEL_ID]),
    "provider": ("provider", lambda r: r[PROVIDER]),
    "type": ("type", lambda r: r[TYPE]),
    "status": ("status", lambda r: r[STATUS]),
    "context": ("context length", lambda r: r[CONTEXT]),
    "max_output": ("max output", lambda r: r[MAX_OUT]),
    "input": ("input price", lambda r: _float(r[INPUT])),
    "output": ("output price", lambda r: _float(r[OUTPUT])),
    "tier": ("cost tier", _blended),
    "synced": ("last synced", _synced_key),
}
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


@dataclass
class CatalogView:
    """All rows, the current sort and filters, and the visible result."""

    all_rows: list[Row] = field(default_factory=list)
    sort: str = "model"
    descending: bool = False
    filters: Filters = field(default_factory=Filters)
    rows: list[Row] = field(default_factory=list)
    _sorted: list[Row] = field(default_factory=list)
    _hay: dict[int, str] = field(default_factory=dict)
    _orders: dict[str, tuple[list[Row], list[Row]]] = field(default_factory=dict)
    """sort key -> (rows with a value, ascending; rows without), computed once per load."""

    def load(self, rows: Sequence[Row]) -> None:
        """New data (start-up, after a sync). Rows come ordered by model id, then provider."""
        self.all_rows = list(rows)
        self._hay = {}
        self._orders = {}
        self._resort()

    @property
    def total(self) -> int:
        return len(self.all_rows)

    def set_sort(self, key: str, descending: bool | None = None) -> None:
        if key not in SORT_KEYS:
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
            key = SORT_KEYS[self.sort][1]
            # Rows come in (model id, provider) order; Python's sort is stable, so ties keep it.
            known: list[tuple[Any, Row]] = []
            unknown: list[Row] = []
            for row in self.all_rows:
                value = key(row)
                if value is None:
                    unknown.append(row)
                else:
                    known.append((value, row))
            known.sort(key=lambda pair: pair[0])
            order = ([row for _, row in known], unknown)
            self._orders[self.sort] = order
        known_rows, unknown_rows = order
        # Unknown values (no price, no limit) stay last in both directions.
        self._sorted = (known_rows[::-1] if self.descending else known_rows) + unknown_rows
        self._refilter()

    def _haystack(self, row: Row) -> str:
        # Lower-cased "id name", built on first search and kept until the next load.
        ident = id(row)
        hay = self._hay.get(ident)
        if hay is None:
            hay = f"{row[MODEL_ID]}\x00{row[NAME] or ''}".lower()
            self._hay[ident] = hay
        return hay

    def _refilter(self) -> None:
        f = self.filters
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
        text = f.search.strip().lower()
        if text:
            hay = self._haystack
            rows = [r for r in rows if text in hay(r)]
        self.rows = rows if rows is not self._sorted else list(rows)

    def index_of(self, key: RowKey | None) -> int | None:
        if key is None:
            return None
        for i, row in enumerate(self.rows):
            if row[MODEL_ID] == key[1] and row[PROVIDER] == key[0]:
                return i
        return None


def row_key(row: Row) -> RowKey:
    return (row[PROVIDER], row[MODEL_ID])
