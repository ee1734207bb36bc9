"""Headless output of `models list` and `models info`: the reference's table, JSON and text layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from ..domain import CAPABILITIES, CAPABILITY_LABELS, Price, capability_source_key, cost_tier
from ..jsonvalue import JSON, JSONOut, objects
from .inert import inert
from .money import UNIT_LABEL, UNITS, component_label, component_text, json_number, json_text, other_text, token_price, usd, usd_grouped
from .words import plural

if TYPE_CHECKING:
    from ..store.queries import ModelDetail, ModelRow, PricePeriod
    from ..sync.cleanup import CleanupCandidate
    from ..usage.stats import ModelUsage

Printer = Callable[[str], None]
#: A description longer than this is cut (with …) in the text view; JSON has all of it.
DESCRIPTION_LIMIT = 400

LIST_HEADERS = ["Model", "Provider", "Type", "Status", "Context Length", "Input /{u}", "Output /{u}", "Cost"]


#: The most characters of one outside value a line of `models info` shows.
LONG = 200


def iso(ts: datetime | None) -> str | None:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ") if ts else None


def list_headers(per: str) -> list[str]:
    return [h.format(u=UNIT_LABEL[per]) for h in LIST_HEADERS]


def list_row(row: ModelRow, per: str) -> list[str | int]:
    return [
        row.model_id,
        row.provider,
        row.type,
        row.status,
        row.context_length if row.context_length is not None else "",
        token_price(row.input_price, per) if row.input_price is not None else "",
        token_price(row.output_price, per) if row.output_price is not None else "",
        cost_tier(row.input_price, row.output_price) or "",
    ]


def list_json(row: ModelRow) -> JSONOut:
    return {
        "id": row.model_id,
        "name": row.name or row.model_id,
        "provider": row.provider,
        "type": row.type,
        "status": row.status,
        "context_length": row.context_length,
        "max_output_tokens": row.max_output_tokens,
        "capabilities": list(row.capabilities),
        "pricing": {
            "input_cost_per_token": json_number(row.input_price),
            "output_cost_per_token": json_number(row.output_price),
        },
        "cost": cost_tier(row.input_price, row.output_price),
        "available": row.available,
        "in_catalog": row.in_catalog,
        "created_at": iso(row.created_at),
        "last_synced": iso(row.last_synced_at),
        "aliases": list(row.aliases),
        "description": row.description,
        "released_at": row.released_at,
        "open_weights": row.open_weights,
    }


def _title(text: str) -> str:
    return text.replace("_", " ").capitalize()


def _tokens(n: int | None) -> str:
    return f"{n:,} tokens" if n is not None else "unknown"


@dataclass(frozen=True, slots=True)
class CapabilityState:
    """What a model's sources say about one capability: yes, no, or nothing (unknown)."""

    name: str
    stated: bool | None
    """True or False as a source stated it; None when no source said either (unknown, never no)."""
    source: str | None
    """Who stated it ("provider", "litellm", "models.dev"), when the store recorded it."""


def capability_states(capabilities: Iterable[str], field_sources: Mapping[str, object]) -> list[CapabilityState]:
    """Every capability aisync tracks, in display order, with what is known of it.

    One the model has is stated yes. One it lacks but that a source is recorded for
    (`field_sources["capability:X"]`: the provider states capabilities true *or false*) is stated
    no. Any other is unknown: no source said, so it is not taken as a no."""
    has = set(capabilities)
    out = []
    for cap in CAPABILITIES:
        said = field_sources.get(capability_source_key(cap))
        source = said if isinstance(said, str) else None
        if cap in has:
            out.append(CapabilityState(cap, True, source))
        elif source is not None:
            out.append(CapabilityState(cap, False, source))
        else:
            out.append(CapabilityState(cap, None, None))
    return out


def capability_mark(state: CapabilityState) -> str:
    """✓ stated yes, ✗ stated no, ? unknown."""
    if state.stated is None:
        return "?"
    return "✓" if state.stated else "✗"


def capability_said(state: CapabilityState) -> str:
    """' (provider)': who stated a capability, when the store recorded it; '' otherwise."""
    return f" ({inert(state.source, 40)})" if state.stated is not None and state.source else ""


def capability_line(state: CapabilityState) -> str:
    """'✓ Vision (provider)', '✗ Vision (provider)' or '? Vision: unknown'."""
    label = CAPABILITY_LABELS[state.name]
    if state.stated is None:
        return f"{capability_mark(state)} {label}: unknown"
    return f"{capability_mark(state)} {label}{capability_said(state)}"


#: What is said of a price stored in another currency than US dollars (every source aisync reads
#: states dollars, so only a hand edit or another tool writes one).
OTHER_CURRENCY = ("Stated in {currency}, not US dollars: not shown as dollars and never used in a cost "
                  "(`aisync sync-pricing` writes the sources' dollar price again)")

def damaged_usage_line(records: int) -> str:
    """What is said of usage records whose stored time or token counts do not read."""
    return (f"Left out: {plural(records, 'record')} whose stored time or token counts cannot be read (a hand edit or "
            "another tool); correct them with the sqlite3 shell, or delete them and import the source again")

#: What is said of a price whose long-context tiers the store could not read.
TIERS_UNREADABLE = "Long-context prices: unreadable in the store, so no token cost is computed (`aisync sync-pricing` writes them again)"


def price_lines(price: Price, per: str) -> list[str]:
    """'Input: $30.00 per 1M tokens' for every known component, each in its own unit, tiers
    included; prices aisync has no component for are listed as such (never as free)."""
    unit_words = f"per {UNITS[per]:,} tokens" if per == "1k" else "per 1M tokens"
    lines = [f"{component_label(name)}: {component_text(name, value, per)}" for name, value in price.components().items()]
    for tier in price.tiers:
        parts = []
        if tier.input is not None:
            parts.append(f"Input {token_price(tier.input, per)}")
        if tier.output is not None:
            parts.append(f"Output {token_price(tier.output, per)}")
        if tier.cached_input is not None:
            parts.append(f"Cached input {token_price(tier.cached_input, per)}")
        lines.append(f"Above {tier.threshold:,} tokens: {', '.join(parts)} {unit_words}")
    if price.tiers_unreadable:
        lines.append(TIERS_UNREADABLE)
    if price.other:
        lines.append("Other prices the source states (not used in costs):")
        lines.extend(f"  {other_text(name, value, per)}" for name, value in price.other)
    return lines


def _day(when: datetime | None) -> str:
    """A period's date; "an unreadable date" when the store's record of it is damaged."""
    return "an unreadable date" if when is None else f"{when:%Y-%m-%d}"


def history_line(period: PricePeriod, per: str) -> str:
    p = period.price
    parts = []
    if p.currency != "USD":
        parts.append(f"stated in {inert(p.currency, 20)}, not US dollars")
    elif p.input is not None:
        parts.append(f"Input {token_price(p.input, per)}")
    if p.output is not None and p.currency == "USD":
        parts.append(f"Output {token_price(p.output, per)}")
    if not parts:
        parts = [line.split(" per ")[0] for line in price_lines(p, per)[:2]]
    until = f" until {period.effective_until:%Y-%m-%d}" if period.effective_until else " (current)"
    return f"{_day(period.effective_from)}: {', '.join(parts)}{until} [{inert(period.source, 60)}]"


def print_info(out: Printer, d: ModelDetail, *, per: str, history: bool, usage: ModelUsage, days: int) -> None:
    title = f"Model Information: {inert(d.model_id, LONG)} ({inert(d.provider_name, LONG)})"
    out(title)
    out("=" * min(len(title), 80))
    out("")
    out("Basic Information:")
    out(f"  Name: {inert(d.name or d.model_id, LONG)}")
    out(f"  Provider: {inert(d.provider_name, LONG)}")
    out(f"  Type: {inert(_title(d.type), LONG)}")
    out(f"  Status: {_title(d.status)}" + ("" if d.available or d.status != "catalog" else " (from the price catalog; not listed by your provider)"))
    out(f"  Context Length: {_tokens(d.context_length)}")
    out(f"  Max Output: {_tokens(d.max_output_tokens)}")
    if d.input_modalities or d.output_modalities:
        out(f"  Modalities: {inert(', '.join(d.input_modalities) or '?', LONG)} → {inert(', '.join(d.output_modalities) or '?', LONG)}")
    if d.created_at:
        out(f"  Released: {d.created_at:%Y-%m-%d}")
    if d.deprecated_at:
        out(f"  Deprecated: {d.deprecated_at:%Y-%m-%d}")
    for label, name, value in (
        ("Knowledge cutoff", "knowledge_cutoff", d.knowledge_cutoff),
        ("Release date", "released_at", d.released_at),
        ("Last updated", "last_updated", d.last_updated),
        ("Open weights", "open_weights", None if d.open_weights is None else ("yes" if d.open_weights else "no")),
    ):
        if value is not None:
            said = d.field_sources.get(name)
            out(f"  {label}: {inert(value, 40)}" + (f" ({inert(said, 40)})" if isinstance(said, str) else ""))
    if d.missing_since:
        out(f"  Missing since: {d.missing_since:%Y-%m-%d %H:%M:%S} UTC")
    if d.aliases:
        out(f"  Aliases: {inert(', '.join(d.aliases), 2 * LONG)}")
    if d.description:
        out(f"  Description: {inert(d.description, DESCRIPTION_LIMIT)}")
    out("")
    out("Capabilities:")
    for state in capability_states(d.capabilities, d.field_sources):
        out(f"  {capability_line(state)}")
    out("")
    out("Current Pricing:")
    if d.price is None or d.price.price.is_empty():
        out("  No pricing known (run `aisync sync-pricing`)")
    else:
        if d.price.price.currency != "USD":
            out(f"  {OTHER_CURRENCY.format(currency=inert(d.price.price.currency, 20))}")
        else:
            for line in price_lines(d.price.price, per):
                out(f"  {line}")
        out(f"  Source: {inert(d.price.source, 60)}, since {_day(d.price.effective_from)}")
    recorded = d.field_sources.get("disputes")
    for line in dispute_lines(recorded, per):
        out(f"  {line}")
    if recorded is not None and not isinstance(recorded, list):
        out("  Sources disagree: the record cannot be read (the next `aisync sync-pricing` records it again)")
    if history:
        out("")
        out("Pricing History:")
        if not d.history:
            out("  No pricing history")
        for period in d.history:
            out(f"  {history_line(period, per)}")
    out("")
    out(f"Usage Statistics (Last {days} days):")
    if not has_usage(usage):
        out(f"  No usage recorded in the last {days} days (see `aisync usage import`)")
    else:
        requests = usage.total_requests
        out(f"  Total Requests: {requests:,}" if requests is not None else "  Total Requests: unknown")
        out(f"  Total Tokens: {usage.total_tokens:,}")
        cost = usage.total_cost
        out(f"  Total Cost: {usd_grouped(cost)}" + (f" (plus {plural(usage.unpriced_records, 'unpriced record')})" if getattr(usage, "unpriced_records", 0) else ""))
        avg = usage.average_cost_per_request
        out(f"  Average Cost per Request: {_avg(avg)}")
    if usage.damaged_records:
        out(f"  {damaged_usage_line(usage.damaged_records)}")
    out("")
    if d.last_synced_at:
        out(f"Last Synced: {d.last_synced_at:%Y-%m-%d %H:%M:%S} UTC")
    else:
        out("Last Synced: never (known from the price catalog only)")


_DISPUTE_LABELS = {
    "input": "input", "output": "output", "cached_input": "cached input", "cache_write": "cache write",
    "context_length": "context length", "max_output_tokens": "max output",
}


def dispute_lines(recorded: object, per: str) -> list[str]:
    """'Sources disagree on input: LiteLLM $2.50, models.dev $3.00' per field the last pricing sync
    found the sources disagreeing on (field_sources["disputes"]); the order of trust decided."""
    out = []
    for item in recorded if isinstance(recorded, list) else ():
        try:
            name, values = str(item["field"]), dict(item["values"])
            if name in ("context_length", "max_output_tokens"):
                shown = ", ".join(f"{inert(str(src), 40)} {_token_count(v):,}" for src, v in values.items())
            else:
                shown = ", ".join(f"{inert(str(src), 40)} {token_price(Decimal(str(v)), per)}" for src, v in values.items())
        except (KeyError, TypeError, ValueError, ArithmeticError):
            continue  # a hand-edited or damaged record is not shown rather than shown wrong
        out.append(f"Sources disagree on {_DISPUTE_LABELS.get(name, inert(name, 40))}: {shown}")
    return out


def disputes_recorded(recorded: object) -> list[dict[str, JSON]] | None:
    """The disagreements as recorded (objects only); None when the record is not a list: it cannot
    be read, which is unknown, not "the sources agree" (as in `models list --format json`)."""
    if recorded is None:
        return []
    return objects(recorded) if isinstance(recorded, list) else None


def _token_count(value: object) -> int:
    """A recorded limit: a whole number (or its digits); ValueError for anything else, so true is
    not 1 token and 128000.5 is not 128,000."""
    if type(value) is int:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise ValueError(f"{value!r} is not a number of tokens")


def has_usage(usage: ModelUsage) -> bool:
    return usage is not None and bool(usage.total_tokens or usage.total_requests or usage.total_cost)


def _avg(value: Decimal | None) -> str:
    if value is None:
        return "unknown"
    if value >= Decimal("0.01"):
        return f"${value.quantize(Decimal('0.001')):,}"
    return usd(value.normalize())


def info_json(d: ModelDetail, *, usage: ModelUsage, days: int, history: bool) -> JSONOut:
    def period(p: PricePeriod) -> JSONOut:
        return {
            "effective_from": iso(p.effective_from),
            "effective_until": iso(p.effective_until),
            "source": p.source,
            "currency": p.price.currency,
            "prices_per_token": p.price.to_json(),
        }

    pricing: JSONOut = {
        "input_cost_per_token": json_number(d.price.price.input) if d.price else None,
        "output_cost_per_token": json_number(d.price.price.output) if d.price else None,
        "current": period(d.price) if d.price else None,
    }
    if history:
        pricing["history"] = [period(p) for p in d.history]
    data: JSONOut = {
        "id": d.model_id,
        "name": d.name or d.model_id,
        "provider": d.provider,
        "provider_name": d.provider_name,
        "type": d.type,
        "status": d.status,
        "context_length": d.context_length,
        "max_output_tokens": d.max_output_tokens,
        "capabilities": list(d.capabilities),
        "capability_states": {c.name: c.stated for c in capability_states(d.capabilities, d.field_sources)},
        "input_modalities": list(d.input_modalities),
        "output_modalities": list(d.output_modalities),
        "created_at": iso(d.created_at),
        "deprecated_at": iso(d.deprecated_at),
        "knowledge_cutoff": d.knowledge_cutoff,
        "released_at": d.released_at,
        "last_updated": d.last_updated,
        "open_weights": d.open_weights,
        "first_seen_at": iso(d.first_seen_at),
        "missing_since": iso(d.missing_since),
        "aliases": list(d.aliases),
        "description": d.description,
        "available": d.available,
        "in_catalog": d.in_catalog,
        "field_sources": {k: v for k, v in d.field_sources.items() if isinstance(v, str)},
        "disputes": disputes_recorded(d.field_sources.get("disputes")),
        "pricing": pricing,
        "last_synced": iso(d.last_synced_at),
        "changes": [
            {"field": c.field, "old": c.old, "new": c.new, "at": iso(c.at)} for c in d.changes[:50]
        ],
    }
    used: JSONOut
    if has_usage(usage):
        used = {
            "days": days,
            "total_requests": usage.total_requests,
            "total_tokens": usage.total_tokens,
            "total_cost": json_text(usage.total_cost),
            "average_cost_per_request": json_text(usage.average_cost_per_request),
            "unpriced_records": getattr(usage, "unpriced_records", 0),
        }
    else:
        used = {"days": days, "total_requests": 0, "total_tokens": 0, "total_cost": None, "average_cost_per_request": None}
    used["damaged_records"] = usage.damaged_records
    data["usage"] = used
    return data


def candidates_table(rows: Sequence[CleanupCandidate]) -> tuple[list[str], list[list[str]]]:
    return ["Model", "Provider", "Status", "Last seen", "Reason"], [
        [c.model_id, c.provider, c.status, c.last_seen.strftime("%Y-%m-%d") if c.last_seen else "never", c.reason] for c in rows
    ]
