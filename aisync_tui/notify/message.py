"""The words of one notification: a title and a plain-text body, one section per kind of news.

Model ids come from providers and feeds: they pass through `inert()` like every other output, and
each section is cut after a few dozen lines (chat services cap message sizes).
"""

from __future__ import annotations

from ..domain import COMPONENT_LABELS, PRICE_COMPONENTS, TOKEN_COMPONENTS, Price
from ..render.inert import inert
from ..render.money import token_price, usd
from .news import News

#: Lines per section before "and N more".
SECTION_LINES = 25


def _name(provider: str, model_id: str) -> str:
    return f"{inert(provider, 40)}/{inert(model_id, 80)}"


def _price_change(old: Price, new: Price) -> str:
    parts = []
    for component in PRICE_COMPONENTS:
        before, after = getattr(old, component), getattr(new, component)
        if before == after:
            continue
        show = (lambda v: token_price(v)) if component in TOKEN_COMPONENTS else usd
        unit = " per 1M tokens" if component in TOKEN_COMPONENTS else ""
        parts.append(f"{COMPONENT_LABELS[component].lower()} {show(before)} → {show(after)}{unit}")
    if old.tiers != new.tiers:
        parts.append("long-context prices changed")
    return ", ".join(parts) or "price changed"


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    shown = lines[:SECTION_LINES]
    more = [f"  … and {len(lines) - SECTION_LINES} more"] if len(lines) > SECTION_LINES else []
    return [f"{title} ({len(lines)}):", *[f"  {line}" for line in shown], *more, ""]


def compose(news: News, *, dry_run: bool = False) -> tuple[str, str]:
    """(title, body) for one run's news."""
    body: list[str] = []
    body += _section("Price changes", [f"{_name(n.provider, n.model_id)}: {_price_change(n.old, n.new)}" for n in news.prices])
    body += _section("New models", [_name(n.provider, n.model_id) for n in news.new])
    body += _section(
        "No longer listed",
        [_name(n.provider, n.model_id) + (" (used in the last 30 days)" if n.used else "") for n in news.missing],
    )
    body += _section(
        "Deprecations coming",
        [
            f"{_name(n.provider, n.model_id)} on {n.date:%Y-%m-%d}" + (" (used in the last 30 days)" if n.used else " (watched)")
            for n in news.deprecations
            if n.date is not None
        ],
    )
    body += _section(
        "Failing providers",
        [f"{inert(f.provider, 40)}: {f.kind} sync failed {f.streak} runs in a row" + (f": {inert(f.error, 200)}" if f.error else "") for f in news.failures],
    )
    count = news.count()
    title = f"aisync: {count} change{'s' if count != 1 else ''} for your models"
    return title, "\n".join(body).rstrip()
