"""feeds + store -> **plan**: what a pricing sync would write, decided in memory (pure, no I/O).

`build_plans` takes the parsed feeds and a snapshot of the store (store/pricing_rows.PricingState)
and returns one PricingPlan per configured provider plus one for the catalog. pricing/apply.py
writes them; `--dry-run` and the app's preview show them.

Trust, in order: the provider's own published price > the LiteLLM feed > genai-prices > models.dev >
the bundled snapshot (store/ledger.SOURCE_TRUST). A less trusted source never replaces a current price from a
more trusted one; the same price writes nothing; an entry whose stated price was refused (malformed
or implausible, see feeds.py) leaves the model's current price as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Callable, Literal, Mapping

from ..domain import Price, stored_utc
from ..store.ledger import trust
from ..store.pricing_rows import CurrentPrice, PricingState, StoredPricingModel
from .catalog import enrich_all
from .disputes import DisputeJSON, Statement, disputes
from .feeds import FeedEntry, GenaiFeed, GenaiModel, LiteLLMFeed
from .match import Matcher
from .modelsdev import ModelsDevEntry

CATALOG = "catalog"
#: What `field_sources` names for a fact from models.dev, the live feed or its bundled copy alike
#: (prices from the bundled copy are recorded as "snapshot:models.dev", trusted as the snapshot, so
#: any live feed replaces them).
MODELSDEV = "models.dev"
#: A feed that lists fewer than this share of a provider's catalog models does not retire the rest.
PROVIDER_SHRINK = 0.5
#: Providers with fewer catalog models than this are not guarded (a small list changes a lot).
PROVIDER_GUARD_MIN = 10
#: A price that moves by this factor or more is named in a warning (applied all the same).
JUMP_FACTOR = Decimal(10)

Status = Literal["updated", "unchanged", "kept", "unmatched", "added", "refused"]


@dataclass(frozen=True, slots=True)
class DatedPrice:
    """A closed earlier period: `price` was in force from `start` until `until`."""

    start: datetime
    until: datetime
    price: Price


@dataclass(frozen=True, slots=True)
class DesiredPrice:
    """The price the feeds say a model has now, and where it comes from."""

    price: Price
    source: str
    effective_from: datetime | None
    """When it took effect, if a feed dates it; else it takes effect when written."""
    history: tuple[DatedPrice, ...] = ()


@dataclass(frozen=True, slots=True)
class PriceWrite:
    """One model's new current price. `model_pk` is None for a catalog model the plan adds."""

    model_pk: int | None
    price: Price
    source: str
    effective_from: datetime | None
    replaces: CurrentPrice | None
    history: tuple[DatedPrice, ...] = ()


@dataclass(frozen=True, slots=True)
class MetadataChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class FieldUpdate:
    """Columns a feed fills on a stored model, and the change-log entries they make."""

    model_pk: int
    columns: dict[str, object]
    changes: tuple[MetadataChange, ...]


@dataclass(frozen=True, slots=True)
class NewCatalogModel:
    entry: FeedEntry
    price: PriceWrite | None
    modelsdev: ModelsDevEntry | None = None
    """models.dev's entry of the same provider and id: its limits, modalities and facts go in too."""
    disputes: tuple[DisputeJSON, ...] = ()


@dataclass(frozen=True, slots=True)
class PricedModel:
    """One model's line in the report."""

    model_id: str
    status: Status
    """updated, unchanged, kept (a more trusted or the previous price stays), unmatched, added,
    refused (the feed's stated price was malformed or implausible; the previous price stays)"""
    new: Price | None = None
    old: Price | None = None
    source: str | None = None
    effective_from: datetime | None = None
    note: str | None = None


@dataclass
class PricingPlan:
    provider: str
    name: str
    items: list[PricedModel] = field(default_factory=list)
    writes: list[PriceWrite] = field(default_factory=list)
    new_models: list[NewCatalogModel] = field(default_factory=list)
    field_updates: list[FieldUpdate] = field(default_factory=list)
    flag_in_catalog: list[int] = field(default_factory=list)
    retire: list[int] = field(default_factory=list)
    guard: str | None = None
    fetch_seconds: float = 0.0
    disputed: list[str] = field(default_factory=list)
    """Ids of models whose sources state different current prices or limits (recorded, not acted on)."""

    def by_status(self, status: str) -> list[PricedModel]:
        return [i for i in self.items if i.status == status]

    @property
    def found(self) -> int:
        return len(self.items)

    @property
    def has_changes(self) -> bool:
        return bool(self.writes or self.new_models or self.field_updates or self.flag_in_catalog or self.retire)

    def counts(self) -> dict[str, int]:
        return {
            "found": self.found,
            "added": len(self.new_models),
            "updated": len(self.by_status("updated")),
            "unchanged": len(self.by_status("unchanged")) + len(self.by_status("kept")) + len(self.by_status("refused")),
            "missing": len(self.retire),
            "prices_changed": len(self.writes) + sum(1 for n in self.new_models if n.price is not None),
            "unmatched": len(self.by_status("unmatched")),
            "enriched": len(self.field_updates),
            "refused": len(self.by_status("refused")),
        }


@dataclass(frozen=True)
class PlanInputs:
    litellm: LiteLLMFeed
    genai: GenaiFeed
    litellm_source: str
    genai_source: str
    state: PricingState
    now: datetime
    names: Mapping[str, str]
    """Provider slug -> display name (configured, known, stored, or from the feed)."""
    detailed: frozenset[str]
    """Providers that get a plan of their own (configured and listed, or asked for)."""
    requested: frozenset[str] | None = None
    may_retire: bool = False
    """True for a complete, freshly accepted feed: catalog models gone from it are retired."""
    accept_shrink: bool = False
    undated_from: datetime | None = None
    """When an undated feed price took effect, if known (the bundled snapshot's date)."""
    modelsdev_source: str = "models.dev"
    matcher: Matcher | None = None
    """A matcher already told what cloud ids need (pricing/clouds.py); else one over the feeds."""


@dataclass
class PlanResult:
    plans: list[PricingPlan]
    warnings: list[str] = field(default_factory=list)


def _same_list_price(a: Price, b: Price) -> bool:
    return a.input is not None and a.input == b.input and a.output == b.output


def desired_price(
    entry: FeedEntry | None, genai: GenaiModel | None, now: datetime, litellm_source: str, genai_source: str,
    modelsdev: ModelsDevEntry | None = None, modelsdev_source: str = "models.dev",
) -> DesiredPrice | None:
    """The best feed's price for a model, or None.

    LiteLLM gives the current price; genai-prices dates it when its period in force says the same.
    genai-prices alone gives both the price and its dated history. models.dev only fills a price
    neither of them states.
    """
    active = genai.active(now) if genai else None
    history: tuple[DatedPrice, ...] = ()
    if genai is not None:
        dated = genai.history(now)
        history = tuple(DatedPrice(a.start, b.start, a.price) for a, b in zip(dated, dated[1:]) if a.start and b.start)
    if entry is not None and entry.price is not None:
        if active is not None and active.start is not None and _same_list_price(active.price, entry.price):
            return DesiredPrice(entry.price, litellm_source, active.start, history)
        return DesiredPrice(entry.price, litellm_source, None)
    if active is not None:
        return DesiredPrice(active.price, genai_source, active.start, history)
    if modelsdev is not None and modelsdev.price is not None:
        return DesiredPrice(modelsdev.price, modelsdev_source, None)
    return None


def _jump(old: Price, new: Price) -> str | None:
    for name in ("input", "output"):
        a, b = getattr(old, name), getattr(new, name)
        if a and b and (b / a >= JUMP_FACTOR or a / b >= JUMP_FACTOR):
            return f"{name} ×{b / a:.3g}"
    return None


def _guarded_providers(inputs: PlanInputs) -> dict[str, tuple[int, int]]:
    """Feed providers whose catalog the feed dropped most of: slug -> (catalog models, in the feed)."""
    in_feed: dict[str, int] = {}
    for e in inputs.litellm.entries:
        in_feed[e.provider] = in_feed.get(e.provider, 0) + 1
    catalog: dict[str, int] = {}
    for m in inputs.state.models:
        if m.in_catalog and not m.available and m.status == CATALOG:
            catalog[m.provider] = catalog.get(m.provider, 0) + 1
    return {
        slug: (n, in_feed.get(slug, 0))
        for slug, n in catalog.items()
        if n >= PROVIDER_GUARD_MIN and in_feed.get(slug, 0) < n * PROVIDER_SHRINK
    }


def build_plans(inputs: PlanInputs) -> PlanResult:
    """Every model's price and metadata decision. Pure: reads only `inputs`."""
    now = inputs.now
    lsrc, gsrc = inputs.litellm_source, inputs.genai_source
    matcher = inputs.matcher or Matcher(inputs.litellm.entries, inputs.genai)
    wanted = inputs.requested
    plans: dict[str, PricingPlan] = {}
    warnings: list[str] = []
    jumps: list[str] = []

    def plan_for(slug: str, available: bool) -> PricingPlan:
        key = slug if available and slug in inputs.detailed else CATALOG
        if key not in plans:
            plans[key] = PricingPlan(key, inputs.names.get(key, key) if key != CATALOG else "Catalog")
        return plans[key]

    def dated(want: DesiredPrice) -> DesiredPrice:
        if want.effective_from is None and inputs.undated_from is not None:
            return DesiredPrice(want.price, want.source, min(inputs.undated_from, now), want.history)
        return want

    for slug in sorted(inputs.detailed):
        plan_for(slug, True)
    guarded = {} if (inputs.accept_shrink or not inputs.may_retire) else _guarded_providers(inputs)
    for slug, (had, listed) in sorted(guarded.items()):
        warnings.append(
            f"the price feed lists {listed:,} {inputs.names.get(slug, slug)} models where the catalog has {had:,}: "
            "none of them is marked retired (--accept-shrink accepts the smaller list)"
        )
    seen: set[tuple[str, str]] = set()
    for m in inputs.state.models:
        seen.add((m.provider, m.model_id))
        seen.update((m.provider, a) for a in m.aliases)
        plan = plan_for(m.provider, m.available)
        entry = matcher.litellm_for_model(m.provider, m.model_id, m.aliases)
        g = matcher.genai_for_model(m.provider, m.model_id, m.aliases)
        md = matcher.modelsdev_for_model(m.provider, m.model_id, m.aliases)
        updates, new_sources, changes = ({}, m.sources, []) if entry is None and md is None else enrich_all(
            m.values, list(m.capabilities), m.sources, entry, lsrc, md, MODELSDEV
        )
        said = _disputes(entry, g, md, now)
        if said:
            plan.disputed.append(m.model_id)
        if said != m.sources.get("disputes", []):
            new_sources = dict(new_sources)
            if said:
                new_sources["disputes"] = said
            else:
                new_sources.pop("disputes", None)
            updates["field_sources"] = new_sources
        if updates:
            plan.field_updates.append(FieldUpdate(m.pk, updates, tuple(MetadataChange(*c) for c in changes)))
        if (entry is not None or g is not None or md is not None) and not m.in_catalog:
            plan.flag_in_catalog.append(m.pk)
        if (
            inputs.may_retire and entry is None and g is None and md is None and m.status == CATALOG and not m.available
            and m.in_catalog and m.provider not in guarded
        ):
            plan.retire.append(m.pk)  # gone upstream: kept (with its price history), marked retired
        _price_item(plan, m, entry, g, md, inputs.state.current.get(m.pk), inputs, dated, jumps)
    for entry in inputs.litellm.entries:
        if (entry.provider, entry.model_id) in seen or (wanted is not None and entry.provider not in wanted):
            continue
        plan = plan_for(entry.provider, False)
        g = matcher.genai_for(entry.provider, entry.model_id)
        want = desired_price(entry, g, now, lsrc, gsrc)
        write = None
        if want is not None:
            want = dated(want)
            write = PriceWrite(None, want.price, want.source, want.effective_from, None, want.history)
        md = matcher.modelsdev_for(entry.provider, entry.model_id)
        said = _disputes(entry, g, md, now)
        if said:
            plan.disputed.append(entry.model_id)
        plan.new_models.append(NewCatalogModel(entry, write, md, tuple(said)))
        plan.items.append(PricedModel(entry.model_id, "added", write.price if write else None, None, write.source if write else None))
    if jumps:
        shown = ", ".join(jumps[:5]) + (f" and {len(jumps) - 5:,} more" if len(jumps) > 5 else "")
        warnings.append(f"{len(jumps):,} prices changed tenfold or more (check the feed): {shown}")
    order = [s for s in sorted(plans) if s != CATALOG] + ([CATALOG] if CATALOG in plans else [])
    return PlanResult([plans[k] for k in order], warnings)


def _disputes(entry: FeedEntry | None, g: GenaiModel | None, md: ModelsDevEntry | None, now: datetime) -> list[DisputeJSON]:
    """Where the feeds state different current prices or limits for one model, in the order of
    trust (LiteLLM, genai-prices, models.dev), as JSON for `field_sources["disputes"]`."""
    statements = []
    if entry is not None and entry.price_problem is None:
        statements.append(Statement("LiteLLM", entry.price, entry.context_length, entry.max_output_tokens))
    active = g.active(now) if g is not None else None
    if active is not None:
        statements.append(Statement("genai-prices", active.price))
    if md is not None:
        statements.append(Statement("models.dev", md.price, md.context_length, md.max_output_tokens))
    if len(statements) < 2:
        return []
    return [d.to_json() for d in disputes(statements)]


def _price_item(
    plan: PricingPlan, m: StoredPricingModel, entry: FeedEntry | None, g: GenaiModel | None, md: ModelsDevEntry | None,
    cur: CurrentPrice | None, inputs: PlanInputs, dated: Callable[[DesiredPrice], DesiredPrice], jumps: list[str],
) -> None:
    if entry is not None and entry.price_problem and cur is not None:
        # The previous price stays whole (not a less complete one from another feed).
        plan.items.append(PricedModel(m.model_id, "refused", cur.price, cur.price, cur.source, note=entry.price_problem))
        return
    want = desired_price(entry, g, inputs.now, inputs.litellm_source, inputs.genai_source, md, inputs.modelsdev_source)
    if want is None:
        if cur is None:
            plan.items.append(PricedModel(m.model_id, "unmatched"))
        else:
            plan.items.append(PricedModel(m.model_id, "kept", cur.price, cur.price, cur.source))
        return
    if cur is not None and trust(want.source) < trust(cur.source):
        plan.items.append(PricedModel(m.model_id, "kept", cur.price, cur.price, cur.source))
    elif cur is not None and cur.price.same_as(want.price):
        plan.items.append(PricedModel(m.model_id, "unchanged", want.price, cur.price, cur.source, cur.effective_from))
    else:
        if cur is None:
            want = dated(want)
        else:
            jump = _jump(cur.price, want.price)
            if jump:
                jumps.append(f"{m.model_id} ({jump})")
        plan.items.append(PricedModel(m.model_id, "updated", want.price, cur.price if cur else None, want.source, want.effective_from))
        plan.writes.append(
            PriceWrite(m.pk, want.price, want.source, want.effective_from, cur, want.history if cur is None else ())
        )


def change_text(value: object) -> str | None:
    """A change-log value as text (what `models info --history` and the app show)."""
    import json

    if value is None:
        return None
    if isinstance(value, datetime):
        return stored_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Price):
        return json.dumps(value.to_json(), sort_keys=True)
    return str(value)
