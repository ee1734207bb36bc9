"""The preview pane under the table: the highlighted model's essentials, from the row itself
(no query), so moving the cursor through 50,000 models costs nothing."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from ...jsonvalue import as_list, decode
from ...render.inert import inert
from .. import format as fmt
from ..catalog import (
    AVAILABLE,
    CAPS,
    CONTEXT,
    DISPUTE_MARK,
    INPUT,
    MAX_OUT,
    MODEL_ID,
    NAME,
    OUTPUT,
    PROVIDER,
    STATUS,
    SYNCED,
    TYPE,
    Fact,
    Row,
    count_at,
    dispute_label,
    dispute_values,
    is_disputed,
    row_facts,
)

Part = str | tuple[str, str]
"""A piece of the pane's text: plain, or (text, style)."""

#: Labels that fit the details column's 11-cell label width.
_SHORT = {"knowledge_cutoff": "Cutoff", "open_weights": "Weights"}


def details_text(row: Row | None, per: str = "1m") -> Content:
    """The third column on wide terminals: one fact per line, capabilities listed in full."""
    if row is None:
        return Content.styled("No model highlighted.", "italic")
    unit = "1K" if per == "1k" else "1M"
    parts: list[Part] = [(inert(row[MODEL_ID], 200) + "\n", "bold")]
    if row[NAME] and row[NAME] != row[MODEL_ID]:
        parts.append(inert(row[NAME], 200) + "\n")
    parts.append("\n")
    for label, value in (
        ("Provider", inert(row[PROVIDER], 60)),
        ("Type", inert(row[TYPE], 40)),
        ("Status", inert(row[STATUS], 40)),
        ("Listed", "by the provider, for you" if row[AVAILABLE] else "no: a catalog entry"),
        ("Context", fmt.tokens(count_at(row, CONTEXT))),
        ("Max output", fmt.tokens(count_at(row, MAX_OUT))),
        (f"Input/{unit}", fmt.price(row[INPUT], per)),
        (f"Output/{unit}", fmt.price(row[OUTPUT], per)),
        ("Cost tier", fmt.tier(row[INPUT], row[OUTPUT])),
        ("Synced", fmt.ago(row[SYNCED])),
    ):
        parts += [(f"{label:<11}", "bold"), f"{value}\n"]
    facts = row_facts(row)
    for fact in facts.facts:
        label, value = _SHORT.get(fact.name, fact.label), fact.value
        if fact.name == "open_weights":
            value = "open" if value == "yes" else "closed"
        parts += [(f"{label:<11}", "bold"), value + (f" ({fact.source})" if fact.source else "") + "\n"]
    if is_disputed(row):
        parts.append((f"\n{DISPUTE_MARK} Sources disagree\n", "bold"))
        for dispute in facts.disputes:  # one source a line: the column is narrow
            parts.append(f"  {dispute_label(dispute)}\n")
            parts += [f"    {source:<11} {value}\n" for source, value in dispute_values(dispute, per)]
    caps = _caps(row[CAPS])
    parts += [("\nCapabilities\n", "bold"), ("\n".join(f"  {c}" for c in caps) or "  unknown") + "\n",
              ("\nenter: details · c: copy id", "italic")]
    return Content.assemble(*parts)


def facts_words(facts: tuple[Fact, ...]) -> str:
    """"released 2025-04-14, knowledge cutoff 2024-10, open weights: yes (models.dev)": facts in a
    row, each run of facts from one source followed by that source."""
    out: list[str] = []
    run: list[str] = []
    for i, fact in enumerate(facts):
        run.append(f"{fact.label.lower()}{':' if fact.name == 'open_weights' else ''} {fact.value}")
        if i + 1 == len(facts) or facts[i + 1].source != fact.source:
            out.append(", ".join(run) + (f" ({fact.source})" if fact.source else ""))
            run = []
    return " · ".join(out)


def preview_text(row: Row | None, per: str = "1m") -> Content:
    if row is None:
        return Content.styled("No model highlighted.", "italic")
    unit = "1K" if per == "1k" else "1M"
    caps = ", ".join(_caps(row[CAPS])) or "unknown"
    facts = row_facts(row)
    parts: list[Part] = [(inert(row[MODEL_ID], 200), "bold")]
    if row[NAME] and row[NAME] != row[MODEL_ID]:
        parts.append(f"  {inert(row[NAME], 200)}")
    if is_disputed(row):
        fields = ", ".join(dispute_label(d) for d in facts.disputes)
        parts.append((f"  {DISPUTE_MARK} sources disagree" + (f" on {fields}" if fields else ""), "bold"))
    parts.append(f"\n{inert(row[PROVIDER], 60)} · {inert(row[TYPE], 40)} · {inert(row[STATUS], 40)}")
    parts.append(" · listed by the provider" if row[AVAILABLE] else " · catalog entry (not verified for you)")
    parts.append(f"\nContext {fmt.tokens(count_at(row, CONTEXT))} · max output {fmt.tokens(count_at(row, MAX_OUT))}")
    parts.append(
        f" · input {fmt.price(row[INPUT], per)} / output {fmt.price(row[OUTPUT], per)} per {unit} tokens"
        f" · cost {fmt.tier(row[INPUT], row[OUTPUT])}"
    )
    parts.append(f"\nCapabilities: {caps}")
    parts.append(f"\nLast synced: {fmt.ago(row[SYNCED])}")
    if facts.facts:
        parts.append(" · " + facts_words(facts.facts))
    parts.append("  ")
    parts.append(("enter: details · c: copy id", "italic"))
    return Content.assemble(*parts)


def _caps(raw: object) -> list[str]:
    if not raw:
        return []
    if isinstance(raw, (list, tuple)):
        return [inert(c, 40) for c in raw]
    try:
        value = decode(str(raw))
    except ValueError:
        return []
    return [inert(c, 40) for c in as_list(value)]


class PreviewPane(Static):
    """Shows `preview_text` of the row the table highlights."""

    def __init__(self, *, per: str = "1m", id: str | None = None, wide: bool = False) -> None:
        super().__init__(preview_text(None, per), id=id)
        self.per = per
        self.wide = wide
        """The third column (one fact per line) rather than the strip under the table."""
        self._shown: tuple[Row | None, str] | None = None

    def show(self, row: Row | None, again: bool = False) -> None:
        """Show `row`; `again`: even when it is shown already (its relative times aged)."""
        if not again and self._shown is not None and self._shown[0] is row and self._shown[1] == self.per:
            return  # already showing it (the screen shows it with the table's frame, then the table says so)
        self._shown = (row, self.per)
        # The pane's size is fixed by the stylesheet (full width, 6 lines), so new text needs a
        # repaint of the pane only, not a layout of the screen (which repaints most of it).
        self.update((details_text if self.wide else preview_text)(row, self.per), layout=False)
