"""Core value types shared by every layer: no Peewee, no Textual, no HTTP in here.

Prices are `Decimal` USD per token (or per request / image / second for the non-token
components). `None` always means *unknown*, never zero: a free model has explicit zeros.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from decimal import Decimal
from typing import Iterable, Mapping, TypedDict, Unpack, overload

from . import bounds
from .jsonvalue import JSON, JSONOut

MODEL_TYPES: tuple[str, ...] = (
    "chat",
    "completion",
    "embedding",
    "image",
    "audio",
    "tts",
    "transcription",
    "moderation",
    "realtime",
    "video",
    "rerank",
    "other",
)

CAPABILITIES: tuple[str, ...] = (
    "chat",
    "functions",
    "json_mode",
    "structured_output",
    "vision",
    "audio_in",
    "audio_out",
    "reasoning",
    "streaming",
    "embeddings",
    "image_generation",
    "web_search",
    "caching",
    "batch",
    "fim",
)

#: `--type` families: a broad type the reference documents matches its finer types too.
TYPE_FAMILIES: dict[str, tuple[str, ...]] = {
    "audio": ("audio", "tts", "transcription"),
}


def types_matching(name: str) -> tuple[str, ...]:
    """The stored types a `--type NAME` filter selects: the family's members, or NAME itself."""
    return TYPE_FAMILIES.get(name, (name,))


#: Price components, in the order they are shown. The first group is USD per token.
TOKEN_COMPONENTS: tuple[str, ...] = (
    "input",
    "output",
    "cached_input",
    "cache_write",
    "reasoning",
    "audio_input",
    "audio_output",
    "image_input",
)
#: Components that are USD per unit other than a token, each in its own unit (see COMPONENT_UNITS).
UNIT_COMPONENTS: tuple[str, ...] = (
    "per_request",
    "input_per_image",
    "per_image",
    "input_per_second",
    "output_per_second",
    "input_per_character",
    "output_per_character",
    "input_per_video_second",
    "output_per_video_second",
    "web_search",
)
PRICE_COMPONENTS: tuple[str, ...] = TOKEN_COMPONENTS + UNIT_COMPONENTS
_COMPONENT_NAMES = frozenset(PRICE_COMPONENTS)

COMPONENT_LABELS: dict[str, str] = {
    "input": "Input",
    "output": "Output",
    "cached_input": "Cached input",
    "cache_write": "Cache write",
    "reasoning": "Reasoning",
    "audio_input": "Audio input",
    "audio_output": "Audio output",
    "image_input": "Image input",
    "per_request": "Per request",
    "input_per_image": "Input image",
    "per_image": "Image generated",
    "input_per_second": "Input",
    "output_per_second": "Output",
    "input_per_character": "Input",
    "output_per_character": "Output",
    "input_per_video_second": "Input video",
    "output_per_video_second": "Video generated",
    "web_search": "Web search",
}

#: The unit each component is priced in ("USD per <unit>").
COMPONENT_UNITS: dict[str, str] = {
    **{name: "token" for name in TOKEN_COMPONENTS},
    "per_request": "request",
    "input_per_image": "image",
    "per_image": "image",
    "input_per_second": "second",
    "output_per_second": "second",
    "input_per_character": "character",
    "output_per_character": "character",
    "input_per_video_second": "video second",
    "output_per_video_second": "video second",
    "web_search": "search",
}

#: The highest price per unit taken as plausible, in USD. The dearest real prices in the feeds are
#: far below these (about $0.0006 per token, $1.60 per video second, $0.60 per image, $0.0001
#: per character), so a value above one is a unit or typing error; it is refused, never stored.
PRICE_CEILINGS: dict[str, Decimal] = {
    "token": Decimal("0.01"),
    "character": Decimal("0.01"),
    "second": Decimal(10),
    "video second": Decimal(10),
    "image": Decimal(10),
    "request": Decimal(10),
    "search": Decimal(10),
}
#: A price a source states but aisync has no component for ("other"), when its unit is unclear.
OTHER_CEILING = Decimal(100)
#: A non-zero price below this (USD per any unit) is taken as garbage, not as nearly free.
PRICE_FLOOR = Decimal("1e-15")


def unit_of_other(name: str) -> str | None:
    """The unit of a price aisync keeps under its source's own name, when the name says it."""
    for word, unit in (("token", "token"), ("character", "character"), ("pixel", "token"),
                       ("video", "video second"), ("second", "second"), ("image", "image")):
        if word in name:
            return unit
    return None


def price_problem(value: Decimal, unit: str | None) -> str | None:
    """Why an amount cannot be a price in `unit`, or None when it is plausible.

    Negative, not finite, a non-zero value under PRICE_FLOOR, or above the unit's ceiling."""
    if not value.is_finite():
        return "not a number"
    if value < 0:
        return "negative"
    if value != 0 and value < PRICE_FLOOR:
        return "implausibly small"
    ceiling = PRICE_CEILINGS.get(unit or "", OTHER_CEILING)
    if value > ceiling:
        return f"above the ceiling of ${ceiling} per {unit or 'unit'}"
    return None


def utcnow() -> datetime:
    """Aware UTC now. Every timestamp the program makes goes through here, so tests can freeze it."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """Normalise a datetime to aware UTC (naive values are taken as UTC, as the store keeps them)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


@overload
def stored_utc(value: datetime | str) -> datetime: ...
@overload
def stored_utc(value: None) -> None: ...
def stored_utc(value: datetime | str | None) -> datetime | None:
    """A time as the store hands it back, as aware UTC. Reads that bypass Peewee's field
    conversion for speed (`.tuples()`, raw SQL) get the driver's value: naive UTC text
    ("2025-06-01 11:48:00") from SQLite, a naive datetime from PostgreSQL. Bad text raises
    ValueError."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def stored_decimal(value: object) -> Decimal | None:
    """A price component read back from the store, which may be damaged: text that is not a
    number, or a number that is no amount (NaN, infinite, negative, more than a billion),
    is unknown (None), never an error and never 0."""
    if value is None:
        return None
    try:
        amount = Decimal(value if isinstance(value, str) else str(value))
    except ArithmeticError:
        return None
    # The ceiling is the largest cost an import accepts for one usage record; no price per unit comes near it.
    return amount if amount.is_finite() and 0 <= amount <= bounds.MAX_USAGE_COST else None


def stored_flag(value: object) -> bool | None:
    """A stated yes/no read back from the store (a boolean, or 0/1 on SQLite); NULL, or a value of
    any other kind (a hand edit such as 'no'), is not stated: None, never taken as a yes."""
    if value is True or value is False:
        return value
    if type(value) is int and value in (0, 1):
        return value == 1
    return None


def stored_time(value: object) -> datetime | None:
    """Like `stored_utc`, for a value read from a store that may be damaged: empty, text that is not
    a time, or a value of another kind is no time (None) instead of an error."""
    if not isinstance(value, (datetime, str)) or value == "":
        return None
    try:
        return stored_utc(value)
    except (ValueError, OverflowError):  # not a time; a time whose UTC falls outside the calendar
        return None


def to_decimal(value: object) -> Decimal | None:
    """Exact, bounded Decimal from an outside value (see `bounds.decimal`), or None when it is
    absent, malformed or out of range. Floats go through `repr` so 2.5e-06 stays 0.0000025."""
    return bounds.decimal(value)


@dataclass(frozen=True, slots=True)
class PriceTier:
    """Prices that apply once the prompt is above `threshold` tokens (long-context pricing)."""

    threshold: int
    input: Decimal | None = None
    output: Decimal | None = None
    cached_input: Decimal | None = None

    def to_json(self) -> dict[str, int | str | None]:
        return {
            "threshold": self.threshold,
            "input": _dec_str(self.input),
            "output": _dec_str(self.output),
            "cached_input": _dec_str(self.cached_input),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, JSON]) -> PriceTier:
        """A tier as the store keeps it. Raises ValueError for anything else: a threshold that is
        missing or not a whole number of tokens (true is not 1 token, 1.5 is not 1), or a price
        that is there but does not read as one (it is not taken as "no tier price", which would
        charge the base price above the threshold)."""
        threshold = data.get("threshold")
        tokens = bounds.integer(threshold, ceiling=bounds.MAX_TOKEN_LIMIT, field="tier threshold")
        if tokens is None:
            raise ValueError(f"a price tier's threshold {bounds.preview(threshold)} is not a whole number of tokens")
        prices: dict[str, Decimal | None] = {}
        for name in ("input", "output", "cached_input"):
            value = data.get(name)
            amount = to_decimal(value)
            if value is not None and (amount is None or amount < 0):
                raise ValueError(f"a price tier's {name} {value!r} is not a price")
            prices[name] = amount
        return cls(threshold=tokens, **prices)


def _dec_str(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


@dataclass(frozen=True, slots=True)
class Price:
    """One model's price at one time. Token components are USD per token."""

    input: Decimal | None = None
    output: Decimal | None = None
    cached_input: Decimal | None = None
    cache_write: Decimal | None = None
    reasoning: Decimal | None = None
    audio_input: Decimal | None = None
    audio_output: Decimal | None = None
    image_input: Decimal | None = None
    per_request: Decimal | None = None
    input_per_image: Decimal | None = None
    per_image: Decimal | None = None
    input_per_second: Decimal | None = None
    output_per_second: Decimal | None = None
    input_per_character: Decimal | None = None
    output_per_character: Decimal | None = None
    input_per_video_second: Decimal | None = None
    output_per_video_second: Decimal | None = None
    web_search: Decimal | None = None
    tiers: tuple[PriceTier, ...] = ()
    currency: str = "USD"
    other: tuple[tuple[str, Decimal], ...] = ()
    """Prices the source states that aisync has no component for, under the source's own names
    (sorted): kept and shown as such, never taken as free and never used in a cost."""
    tiers_unreadable: bool = False
    """The store's long-context tiers for this price could not be read (a damaged record): what a
    prompt costs above the base price is unknown, so no token cost is computed from this price
    until a pricing sync writes it again."""

    @classmethod
    def from_components(
        cls,
        components: Mapping[str, Decimal | None],
        *,
        tiers: tuple[PriceTier, ...] = (),
        currency: str = "USD",
        other: tuple[tuple[str, Decimal], ...] = (),
    ) -> Price:
        """A price from component name -> amount (names from PRICE_COMPONENTS only)."""
        if not components.keys() <= _COMPONENT_NAMES:  # one C-level test: feeds build thousands of prices
            raise TypeError(f"not a price component: {', '.join(sorted(components.keys() - _COMPONENT_NAMES))}")
        return cls(**components, tiers=tiers, currency=currency, other=other, tiers_unreadable=False)

    def components(self) -> dict[str, Decimal]:
        """The known components only, in display order."""
        out: dict[str, Decimal] = {}
        for name in PRICE_COMPONENTS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    def is_empty(self) -> bool:
        return not self.components() and not self.tiers and not self.other and not self.tiers_unreadable

    def problems(self) -> list[str]:
        """'input: negative' for every component that cannot be a price in its unit."""
        out = []
        for name in PRICE_COMPONENTS:
            value = getattr(self, name)
            if value is None:
                continue
            # The plausible case in two C comparisons: this runs for every price of every feed.
            unit = COMPONENT_UNITS[name]
            if value.is_finite() and (value == 0 or PRICE_FLOOR <= value <= PRICE_CEILINGS[unit]):
                continue
            why = price_problem(value, unit)
            if why:
                out.append(f"{name}: {why}")
        for tier in self.tiers:
            for name in ("input", "output", "cached_input"):
                value = getattr(tier, name)
                why = None if value is None else price_problem(value, "token")
                if why:
                    out.append(f"{name} above {tier.threshold:,} tokens: {why}")
        for name, value in self.other:
            why = price_problem(value, unit_of_other(name))
            if why:
                out.append(f"{name}: {why}")
        return out

    def same_as(self, other: Price | None) -> bool:
        """Equal as amounts (Decimal('1.0') == Decimal('1')), tiers included."""
        if other is None:
            return False
        for name in PRICE_COMPONENTS:
            if getattr(self, name) != getattr(other, name):
                return False
        return (
            self.tiers == other.tiers and self.currency == other.currency and self.other == other.other
            and self.tiers_unreadable == other.tiers_unreadable
        )

    def to_json(self) -> JSONOut:
        data: JSONOut = {name: _dec_str(v) for name, v in self.components().items()}
        if self.tiers:
            data["tiers"] = [t.to_json() for t in self.tiers]
        if self.tiers_unreadable:
            data["tiers_unreadable"] = True
        if self.other:
            data["other"] = other_to_json(self.other)
        return data

def other_to_json(other: Iterable[tuple[str, Decimal]]) -> dict[str, str]:
    return {name: format(value, "f") for name, value in other}


def other_from_json(data: object) -> tuple[tuple[str, Decimal], ...]:
    """The stored `other` map back as sorted pairs; values that do not read as numbers are left out."""
    if not isinstance(data, Mapping):
        return ()
    pairs = []
    for name, value in data.items():
        amount = to_decimal(value)
        if isinstance(name, str) and amount is not None:
            pairs.append((name, amount))
    return tuple(sorted(pairs))


@dataclass(frozen=True, slots=True)
class RemoteModel:
    """A model as one provider lists it, normalised. Unknown fields stay None."""

    provider: str
    model_id: str
    name: str | None = None
    type: str = "other"
    context_length: int | None = None
    max_output_tokens: int | None = None
    capabilities: frozenset[str] = frozenset()
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    created_at: datetime | None = None
    deprecated_at: datetime | None = None
    description: str | None = None
    owned_by: str | None = None
    aliases: tuple[str, ...] = ()
    price: Price | None = None
    stated: frozenset[str] = frozenset()
    """Capabilities the provider made a statement about, true *or false*: those in `capabilities`
    are true, the rest of `stated` are false. A price feed may add only capabilities outside it."""
    raw: Mapping[str, JSON] | None = field(default=None, compare=False, hash=False)
    """The provider's own record of the model as decoded JSON (an SDK's answer is turned into JSON
    first), kept as text in the store."""
    deprecated: bool = False
    """The provider marks the model deprecated without a date (Bedrock LEGACY, Cohere is_deprecated)."""
    unread: frozenset[str] = frozenset()
    """Fields the provider could not tell this time (one model's details call failed): unknown, so a
    value it stated before stays instead of being withdrawn."""

    def with_changes(self, **changes: Unpack[ModelChanges]) -> RemoteModel:
        return replace(self, **changes)

    def raw_json(self) -> str | None:
        if self.raw is None:
            return None
        return json.dumps(self.raw, sort_keys=True, separators=(",", ":"), default=str)


class ModelChanges(TypedDict, total=False):
    """Fields of a `RemoteModel` to replace (`RemoteModel.with_changes`), each with its own type."""

    provider: str
    model_id: str
    name: str | None
    type: str
    context_length: int | None
    max_output_tokens: int | None
    capabilities: frozenset[str]
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    created_at: datetime | None
    deprecated_at: datetime | None
    description: str | None
    owned_by: str | None
    aliases: tuple[str, ...]
    price: Price | None
    stated: frozenset[str]
    raw: Mapping[str, JSON] | None
    deprecated: bool
    unread: frozenset[str]


#: The fields a model sync compares, in the order changes are reported.
TRACKED_FIELDS: tuple[str, ...] = (
    "name",
    "type",
    "context_length",
    "max_output_tokens",
    "capabilities",
    "input_modalities",
    "output_modalities",
    "created_at",
    "deprecated_at",
    "description",
    "owned_by",
    "aliases",
)

#: Fields a provider's value may be withdrawn from: when the provider stated one and stops
#: sending it, the stored value is cleared (with a change-log entry), never kept as its word.
CLEARABLE_FIELDS: frozenset[str] = frozenset(
    {"name", "context_length", "max_output_tokens", "created_at", "deprecated_at", "description", "owned_by"}
)


def capability_source_key(capability: str) -> str:
    """The `field_sources` key that says who stated one capability ("capability:vision")."""
    return f"capability:{capability}"


def feed_capabilities(sources: Mapping[str, object]) -> frozenset[str]:
    """The capabilities a price feed gave a model, as `field_sources` records them (a list of
    names); anything else recorded there reads as none."""
    feed = sources.get("feed_capabilities")
    if not feed or not isinstance(feed, list):
        return frozenset()
    return frozenset(c for c in feed if type(c) is str)


#: Blended price thresholds (USD per 1M tokens, 3:1 input:output) for the Cost column.
COST_TIER_HIGH = Decimal(10)
COST_TIER_MEDIUM = Decimal(1)


def blended_per_million(input_price: Decimal | None, output_price: Decimal | None) -> Decimal | None:
    """(3 x input + output) / 4 per 1M tokens: a typical chat workload reads 3 tokens per 1 written."""
    if input_price is None and output_price is None:
        return None
    i = input_price if input_price is not None else output_price
    o = output_price if output_price is not None else input_price
    assert i is not None and o is not None
    return (3 * i + o) / 4 * 1_000_000


def cost_tier(input_price: Decimal | None, output_price: Decimal | None) -> str | None:
    """High (>= $10 / 1M blended), Medium (>= $1), Low (> 0), Free (0), None when unknown."""
    blended = blended_per_million(input_price, output_price)
    if blended is None:
        return None
    if blended == 0:
        return "Free"
    if blended >= COST_TIER_HIGH:
        return "High"
    if blended >= COST_TIER_MEDIUM:
        return "Medium"
    return "Low"


#: Capability -> the label `models info` and the detail screen show next to ✓/✗.
CAPABILITY_LABELS: dict[str, str] = {
    "chat": "Chat completion",
    "functions": "Function calling",
    "json_mode": "JSON mode",
    "structured_output": "Structured output",
    "vision": "Vision",
    "audio_in": "Audio input",
    "audio_out": "Audio output",
    "reasoning": "Reasoning",
    "streaming": "Streaming",
    "embeddings": "Embeddings",
    "image_generation": "Image generation",
    "web_search": "Web search",
    "caching": "Prompt caching",
    "batch": "Batch API",
    "fim": "Fill-in-the-middle",
}
