"""The detail screen: everything `aisync models info --history` shows, laid out for reading."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...domain import TOKEN_COMPONENTS
from ...render import money
from ...render.inert import inert
from ...render.model_text import OTHER_CURRENCY, CapabilityState, capability_line, capability_states
from .. import format as fmt
from ..catalog import DISPUTE_MARK, dispute_label, dispute_values, fact_source, facts_of, recorded_disputes
from ..palette import PLAIN, Palette, palette_for
from ..widgets.charts import sparkline, step_series

if TYPE_CHECKING:
    from ...pricing.disputes import Dispute
    from ...store.queries import ModelDetail
    from ...usage.stats import ModelUsage

#: Price sources that fill only a price no other source states (README: the order of trust), so
#: such a price is one source's word alone.
SOLE_PRICE_SOURCES = frozenset({"models.dev", "snapshot:models.dev"})


def basic_section(d: ModelDetail) -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold", no_wrap=True)
    t.add_column()
    rows = [
        ("Provider", f"{d.provider_name} ({d.provider})"),
        ("Model", d.model_id),
        ("Name", d.name or "—"),
        ("Type", d.type),
        ("Status", d.status + (f" since {fmt.when(d.missing_since)}" if d.missing_since else "")),
        ("Availability", "listed by the provider for you" if d.available else "catalog entry (not verified as available to you)"),
        ("Context length", fmt.tokens(d.context_length) + (f" ({d.context_length:,} tokens)" if d.context_length else "")),
        ("Max output", fmt.tokens(d.max_output_tokens) + (f" ({d.max_output_tokens:,} tokens)" if d.max_output_tokens else "")),
        ("Modalities", f"in: {', '.join(d.input_modalities) or '—'} · out: {', '.join(d.output_modalities) or '—'}"),
        ("Created", fmt.when(d.created_at)),
        *_fact_rows(d),
        ("Deprecated", fmt.when(d.deprecated_at) if d.deprecated_at else "—"),
        ("Owned by", d.owned_by or "—"),
        ("First seen", fmt.when(d.first_seen_at)),
        ("Last synced", f"{fmt.when(d.last_synced_at)} ({fmt.ago(d.last_synced_at)})" if d.last_synced_at else "never"),
    ]
    if d.aliases:
        rows.append(("Aliases", ", ".join(d.aliases)))
    # Per-capability sources ("capability:vision") show next to each capability in its own section.
    sources = {k: v for k, v in d.field_sources.items() if isinstance(v, str) and not k.startswith("capability:")}
    if sources:
        rows.append(("Field sources", ", ".join(f"{k}: {v}" for k, v in sorted(sources.items()))))
    for label, value in rows:
        t.add_row(label, fmt.plain(value))
    if d.description:
        t.add_row("Description", fmt.plain(d.description, 2000))
    return t


def _fact_rows(d: ModelDetail) -> list[tuple[str, str]]:
    """Release date, knowledge cutoff, last update and open weights where a source states them,
    each with that source; an unknown one is not shown (never guessed)."""
    facts = list(facts_of(d.released_at, d.knowledge_cutoff, d.open_weights, d.field_sources))
    rows = [(f.label, f.said) for f in facts if f.name != "open_weights"]
    if d.last_updated:
        source = fact_source(d.field_sources, "last_updated")
        rows.append(("Last updated", inert(d.last_updated, 20) + (f" ({source})" if source else "")))
    rows += [(f.label, f.said) for f in facts if f.name == "open_weights"]
    return rows


def capability_style(state: CapabilityState, palette: Palette = PLAIN) -> str:
    """A stated yes in the theme's ok colour, a stated no in its error colour, an unknown one dim:
    the colour only repeats what the mark (✓, ✗, ?) and the word "unknown" already say."""
    if state.stated is None:
        return palette.muted
    return palette.ok if state.stated else palette.err


def capabilities_section(d: ModelDetail, palette: Palette = PLAIN) -> Table:
    """Every capability as `models info` words it: ✓ stated yes, ✗ stated no (each with its
    source where one is recorded), ? unknown where no source says (never shown as a no)."""
    t = Table.grid(padding=(0, 3))
    t.add_column()
    t.add_column()
    lines = [Text(capability_line(state), style=capability_style(state, palette)) for state in capability_states(d.capabilities, d.field_sources)]
    for i in range(0, len(lines), 2):
        t.add_row(*lines[i:i + 2])
    return t


def pricing_section(d: ModelDetail, per: str, palette: Palette = PLAIN) -> RenderableType:
    if d.price is None:
        return Text("No price known for this model (unknown, not free).", style=palette.muted)
    if d.price.price.currency != "USD":
        return fmt.plain(OTHER_CURRENCY.format(currency=d.price.price.currency), style=palette.warn)
    unit = money.UNIT_WORDS[per]
    disputed = {x.field for x in recorded_disputes(d.field_sources.get("disputes"))}
    t = Table(box=box.SIMPLE, show_header=True, pad_edge=False)
    t.add_column("Component")
    t.add_column("Price", justify="right")
    t.add_column("Per")
    for name, value in d.price.price.components().items():
        if name not in TOKEN_COMPONENTS and not value:
            continue  # a zero per-request or per-search fee is no fee: not a row of its own
        amount, _, per_words = money.component_text(name, value, per).partition(" per ")
        # The mark says the sources state other prices for it (the "Sources disagree" section).
        t.add_row(money.component_label(name) + (f" {DISPUTE_MARK}" if name in disputed else ""), amount, per_words)
    for tier in d.price.price.tiers:
        t.add_row(f"Above {tier.threshold:,} tokens: input", money.token_price(tier.input, per), unit)
        t.add_row(f"Above {tier.threshold:,} tokens: output", money.token_price(tier.output, per), unit)
    if d.price.price.tiers_unreadable:
        t.add_row("Long context", "unreadable", "in the store: `aisync sync-pricing` writes it again")
    for name, value in d.price.price.other:
        t.add_row(f"{name} (not used in costs)", money.usd(value), "as the source states")
    tier_name = fmt.tier(d.price.price.input, d.price.price.output)
    foot = fmt.plain(f"Cost tier: {tier_name} · source: {d.price.source} · since {fmt.when(d.price.effective_from)}", style=palette.muted)
    if d.price.source in SOLE_PRICE_SOURCES:
        sole = fmt.plain(f"Stated by {d.price.source} alone: the provider, LiteLLM and genai-prices give no price to check it against.",
                         style=palette.warn)
        return Group(t, foot, sole)
    return Group(t, foot)


def disputes_section(d: ModelDetail, per: str, palette: Palette = PLAIN) -> RenderableType | None:
    """Each field on which the price feeds disagree: every source's value, in the order of trust,
    and the value aisync keeps (the most trusted source's). None when they agree."""
    if "disputes" not in d.field_sources:
        return None
    disputes = recorded_disputes(d.field_sources.get("disputes"))
    if not disputes:
        # Marked in the table like `models list --disputed` lists it; the values cannot be shown.
        return Text("The record of this disagreement cannot be read: the next pricing sync (p) records it again.", style=palette.warn)
    sources: list[str] = []
    for dispute in disputes:
        sources += [source for source, _ in dispute_values(dispute, per) if source not in sources]
    t = Table(box=box.SIMPLE, pad_edge=False)
    t.add_column("Field")
    for source in sources:
        t.add_column(Text(source), justify="right")  # Text: a source name is never read as markup
    t.add_column("In use", justify="right")
    for dispute in disputes:
        said = dict(dispute_values(dispute, per))
        t.add_row(Text(dispute_label(dispute)), *(Text(said.get(source, "—")) for source in sources), Text(_in_use(d, dispute, per)))
    foot = Text(
        f"{DISPUTE_MARK} marks these models in the table (filter: is:disputed). The most trusted source decides "
        "(the provider, then LiteLLM, genai-prices, models.dev); this goes once the sources agree again.",
        style=palette.muted,
    )
    return Group(t, foot)


def _in_use(d: ModelDetail, dispute: Dispute, per: str) -> str:
    """The value the store keeps for a disputed field, with its source."""
    if dispute.field in ("context_length", "max_output_tokens"):
        value = d.context_length if dispute.field == "context_length" else d.max_output_tokens
        source = fact_source(d.field_sources, dispute.field)
        return "—" if value is None else f"{value:,}" + (f" ({source})" if source else "")
    price = d.price.price.components().get(dispute.field) if d.price is not None else None
    if price is None or d.price is None:
        return "—"
    return f"{money.token_price(price, per)} ({inert(d.price.source, 40)})"


def history_section(d: ModelDetail, per: str, width: int = 40, palette: Palette = PLAIN) -> RenderableType:
    if not d.history:
        return Text("No price history yet.", style=palette.muted)
    t = Table(box=box.SIMPLE, pad_edge=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("From", "left"), ("Until", "left"), ("Input", "right"), ("Output", "right"), ("Cached", "right"), ("Source", "left"),
    )
    for col, justify in columns:
        t.add_column(col, justify=justify)
    for h in d.history:
        p = h.price
        prices: list[str | Text] = (
            [money.token_price(p.input, per), money.token_price(p.output, per), money.token_price(p.cached_input, per)]
            if p.currency == "USD" else [fmt.plain(p.currency, 20), "not US dollars", ""]
        )
        t.add_row(
            h.effective_from.strftime("%Y-%m-%d") if h.effective_from else "unreadable",
            h.effective_until.strftime("%Y-%m-%d") if h.effective_until else "now",
            *prices, fmt.plain(h.source),
        )
    if len(d.history) == 1:  # one price: a chart of two flat bars says nothing more
        return Group(t, Text(f"One price since {fmt.when(d.history[0].effective_from)}.", style=palette.muted))
    dated = [(h.effective_from, h.effective_until, h.price) for h in d.history if h.effective_from is not None and h.price.currency == "USD"]
    periods_in = [(start, until, price.input) for start, until, price in dated]
    periods_out = [(start, until, price.output) for start, until, price in dated]
    end = fmt.now()
    ins, first, last = step_series(periods_in, end, width)
    outs, _, _ = step_series(periods_out, end, width)
    chart = Text()
    chart.append(f"Input  {sparkline(ins)}  ", style=palette.accent)
    chart.append(_range(ins, per) + "\n")
    chart.append(f"Output {sparkline(outs)}  ", style=palette.warn)
    chart.append(_range(outs, per) + "\n")
    chart.append(f"       {first:%Y-%m-%d}{' ' * max(1, width - 20)}{last:%Y-%m-%d}", style=palette.muted)
    return Group(t, chart)


def _range(values: list[Decimal | None], per: str) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "unknown"
    return f"{money.token_price(min(known), per)} – {money.token_price(max(known), per)}"


def usage_section(usage: ModelUsage | str | None, width: int = 30, palette: Palette = PLAIN) -> RenderableType:
    if usage is None:
        return Text("Usage statistics are not available in this version.", style=palette.muted)
    if isinstance(usage, str):
        return Text(usage, style=palette.muted)
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column(justify="right")
    requests = "unknown" if usage.total_requests is None else f"{usage.total_requests:,}"
    t.add_row("Total requests", requests)
    t.add_row("Total tokens", f"{usage.total_tokens:,}")
    t.add_row("Total cost", money.usd_grouped(usage.total_cost) if usage.total_cost is not None else "unknown")
    avg = usage.average_cost_per_request
    t.add_row("Average cost per request", money.usd_grouped(avg, 4) if avg is not None else "—")
    if usage.unpriced_records:
        t.add_row("Not priced", f"{usage.unpriced_records:,} records")
    if not usage.records:
        return Group(t, Text("No usage recorded in the last 30 days.", style=palette.muted))
    costs = [day.cost for day in usage.daily][-width:]
    chart = Text()
    chart.append(f"Daily cost  {sparkline(costs)}", style=palette.ok)
    if usage.daily:
        chart.append(f"\n            {usage.daily[-len(costs)].date:%m-%d}{' ' * max(1, len(costs) - 10)}{usage.daily[-1].date:%m-%d}", style=palette.muted)
    return Group(t, chart)


def changes_section(d: ModelDetail, per: str = "1m", limit: int = 50, palette: Palette = PLAIN) -> RenderableType:
    if not d.changes:
        return Text("No changes recorded.", style=palette.muted)
    t = Table(box=box.SIMPLE, pad_edge=False)
    t.add_column("When")
    t.add_column("Field")
    t.add_column("Old → new")
    for c in d.changes[:limit]:
        t.add_row(fmt.when(c.at), fmt.plain(c.field), Text(fmt.change_words(c.field, c.old, c.new, per)))
    if len(d.changes) > limit:
        return Group(t, Text(f"… and {len(d.changes) - limit} older changes", style=palette.muted))
    return t


class DetailScreen(Screen[None]):
    BINDING_GROUP_TITLE = "Model detail"
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="detail.back", tooltip="Back to the catalog."),
        Binding("c", "copy_id", "Copy id", id="detail.copy", tooltip="Copy the model id to the clipboard."),
        Binding("r", "toggle_raw", "Raw payload", id="detail.raw", tooltip="Show or hide the provider's raw payload."),
    ]

    def __init__(self, provider: str, model_id: str, per: str) -> None:
        super().__init__()
        self.provider = provider
        self.model_id = model_id
        self.per = per
        self.detail: ModelDetail | None = None
        self.usage: ModelUsage | str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-body"):
            # Two columns on wide terminals (the -wide class), one below the other on narrow ones.
            with Horizontal(id="detail-cols"):
                for column in (
                    (("basic", "Basic information"), ("caps", "Capabilities"), ("pricing", "Current pricing"),
                     ("disputes", f"{DISPUTE_MARK} Sources disagree")),
                    (("history", "Pricing history"), ("usage", "Usage statistics (last 30 days)"), ("changes", "Change log")),
                ):
                    with Vertical(classes="detail-col"):
                        for key, title in column:
                            yield self._section(key, title)
            yield self._section("raw", "Raw provider payload")
        yield Footer()

    @staticmethod
    def _section(key: str, title: str) -> Static:
        section = Static(Text("Loading…", style="italic"), id=f"sec-{key}", classes="section")
        section.border_title = title
        return section

    def on_resize(self) -> None:
        self.set_class(self.size.width >= 150, "-wide")

    def on_mount(self) -> None:
        # Another theme: draw again in its colours.
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self.set_class(self.size.width >= 150, "-wide")
        self.query_one("#sec-raw").display = False
        self.query_one("#sec-disputes").display = False  # shown only for a model whose sources disagree
        self.query_one("#detail-body").focus()
        self.sub_title = inert(f"{self.provider}/{self.model_id}", 120)

    def _theme_changed(self) -> None:
        if self.detail is not None:
            self.show(self.detail, self.usage)

    def show(self, detail: ModelDetail | None, usage: ModelUsage | str | None) -> None:
        self.detail, self.usage = detail, usage
        if detail is None:
            self.query_one("#sec-basic", Static).update(fmt.plain(f"{self.model_id} ({self.provider}) is no longer in the store.", style="bold"))
            return
        palette = palette_for(self.app)
        self.query_one("#sec-basic", Static).update(basic_section(detail))
        self.query_one("#sec-caps", Static).update(capabilities_section(detail, palette))
        self.query_one("#sec-pricing", Static).update(pricing_section(detail, self.per, palette))
        disputes = disputes_section(detail, self.per, palette)
        section = self.query_one("#sec-disputes", Static)
        section.display = disputes is not None
        if disputes is not None:
            section.update(disputes)
        self.query_one("#sec-history", Static).update(history_section(detail, self.per, palette=palette))
        self.query_one("#sec-usage", Static).update(usage_section(usage, palette=palette))
        self.query_one("#sec-changes", Static).update(changes_section(detail, self.per, palette=palette))
        raw = json.dumps(detail.raw, indent=2, sort_keys=True) if detail.raw is not None else "No raw payload stored."
        self.query_one("#sec-raw", Static).update(fmt.plain(raw))

    def action_copy_id(self) -> None:
        self.app.copy_to_clipboard(self.model_id)
        self.app.notify(f"Copied {inert(self.model_id, 80)}", timeout=2, markup=False)

    def action_toggle_raw(self) -> None:
        raw = self.query_one("#sec-raw")
        raw.display = not raw.display
        if raw.display:
            raw.scroll_visible()
