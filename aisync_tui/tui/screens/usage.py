"""Usage: spend per day as a chart, top models and totals by provider (last 30 days)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...render import money
from ...render.words import plural
from ..host import host
from ..widgets.charts import bar, sparkline

if TYPE_CHECKING:
    from ...usage.stats import GroupUsage, UsageSummary


def totals_text(s: UsageSummary) -> Text:
    t = s.totals
    text = Text()
    text.append(f"Last {s.days} days: ", style="bold")
    text.append(f"{money.usd_grouped(t.total_cost) if t.total_cost is not None else 'unknown'} spent · ")
    text.append(f"{t.total_requests:,} requests · " if t.total_requests is not None else "requests unknown · ")
    text.append(f"{t.total_tokens:,} tokens")
    share = s.unpriced_share
    if share:
        text.append(f" · {share * 100:.1f}% of tokens could not be priced", style="yellow")
    if s.damaged_records:
        text.append(f" · {plural(s.damaged_records, 'damaged record')} left out (see `aisync usage report`)", style="yellow")
    return text


def daily_chart(s: UsageSummary, width: int = 60) -> Text:
    days = list(s.daily)[-width:]
    if not days:
        return Text("No days in this window.", style="dim")
    costs = [d.cost for d in days]
    known = [c for c in costs if c is not None]
    text = Text()
    text.append(sparkline(costs) + "\n", style="green")
    text.append(f"{days[0].date:%Y-%m-%d}{' ' * max(1, len(days) - 20)}{days[-1].date:%Y-%m-%d}\n", style="dim")
    if known:
        text.append(f"highest day {money.usd_grouped(max(known))}", style="dim")
    return text


def groups_table(groups: Sequence[GroupUsage], *, with_model: bool, width: int = 24) -> Table:
    t = Table(box=box.SIMPLE, pad_edge=False, expand=False)
    if with_model:
        t.add_column("Model")
    t.add_column("Provider")
    t.add_column("Requests", justify="right")
    t.add_column("Tokens", justify="right")
    t.add_column("Cost", justify="right")
    t.add_column("")
    top = max((g.total_cost for g in groups if g.total_cost is not None), default=None)
    for g in groups:
        cells = [g.model_id + ("" if g.in_store else " (not in store)")] if with_model else []
        cells += [
            g.provider,
            "unknown" if g.total_requests is None else f"{g.total_requests:,}",
            f"{g.total_tokens:,}",
            money.usd_grouped(g.total_cost) if g.total_cost is not None else "unknown",
            bar(g.total_cost, top, width) if top and g.total_cost is not None else "",
        ]
        t.add_row(*cells)
    return t


class UsageScreen(Screen[None]):
    BINDING_GROUP_TITLE = "Usage"
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", id="usage.back", tooltip="Back to the catalog.")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="usage-body"):
            for key, title in (("totals", "Totals"), ("daily", "Spend per day"), ("models", "Top models"), ("providers", "By provider")):
                section = Static(Text("Loading…", style="dim"), id=f"usage-{key}", classes="section")
                section.border_title = title
                yield section
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "usage"
        self.query_one("#usage-body").focus()
        host(self).load_usage()

    def show(self, summary: UsageSummary | None, error: str | None) -> None:
        if error or summary is None:
            self.query_one("#usage-totals", Static).update(Text(error or "No usage data.", style="dim"))
            return
        if not summary.totals.records:
            self.query_one("#usage-totals", Static).update(
                Text("No usage recorded in the last 30 days. Import some with `aisync usage import llm` "
                     "(or openai, anthropic, csv, jsonl).", style="dim"))
        else:
            self.query_one("#usage-totals", Static).update(totals_text(summary))
        self.query_one("#usage-daily", Static).update(daily_chart(summary))
        self.query_one("#usage-models", Static).update(groups_table(summary.by_model[:15], with_model=True))
        self.query_one("#usage-providers", Static).update(groups_table(summary.by_provider, with_model=False))
