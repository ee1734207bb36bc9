"""Price feeds parsed into plain values: LiteLLM's cost map and genai-prices v2.

Pure functions over already-decoded JSON: no I/O, no store. Every entry that is not turned into a
`FeedEntry` / `GenaiModel` is counted in a `ParseReport` with the reason, so a test (and
`sync-pricing --verbose`) can say exactly what was parsed and what was skipped and why.

Units: LiteLLM is USD per token (floats, read exactly through `repr`), genai-prices is USD per
million tokens (`*_mtok`) or per thousand (`*_kcount`). A stated price that is not a non-negative
number (`"abc"`, `-0.001`, `[]`, `NaN`) or is implausible for its unit (domain.PRICE_CEILINGS) makes
the entry's price unusable: the model keeps its previous price, and the report lists the entry.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from decimal import Decimal
from typing import Iterable, Mapping

from .. import bounds, provider_spec
from ..domain import COMPONENT_UNITS, Price, PriceTier, to_decimal, unit_of_other
from ..jsonvalue import JSON

#: Top-level keys of the LiteLLM map that are not models.
LITELLM_RESERVED = frozenset({"sample_spec", "fallback_generalizations"})

_LITELLM = provider_spec.litellm_names()

#: LiteLLM `litellm_provider` -> our provider slug (from the provider specs). Values not listed
#: here become catalog-only providers under their own (LiteLLM) name.
LITELLM_PROVIDERS: dict[str, str] = {name: slug for name, (slug, _) in _LITELLM.items() if not name.endswith("*")}

#: LiteLLM provider value prefixes -> our slug, longest first: the specs' `name*` entries, then
#: Vertex's language families as one catalog-only provider unless a spec claims them.
_LITELLM_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {"vertex_ai-": "vertex_ai", **{name[:-1]: slug for name, (slug, _) in _LITELLM.items() if name.endswith("*")}}.items(),
        key=lambda item: -len(item[0]),
    )
)

#: When two LiteLLM providers map to one slug and list the same id, the lower rank wins
#: (Google AI Studio's own `gemini` rows over the Vertex copies of the same model).
LITELLM_PREFERENCE: dict[str, int] = {name: rank for name, (_, rank) in _LITELLM.items() if rank and not name.endswith("*")}

#: genai-prices ids of providers we do not sync -> the LiteLLM names their catalog-only rows carry,
#: so both feeds' prices land on the same catalog-only provider. A provider spec that claims one
#: of these ids takes it over.
CATALOG_ONLY_GENAI: dict[str, tuple[str, ...]] = {
    "aws": ("bedrock", "bedrock_converse"),
    "azure": ("azure",),
    "fireworks": ("fireworks_ai",),
    "cohere": ("cohere", "cohere_chat"),
    "cerebras": ("cerebras",),
    "perplexity": ("perplexity",),
    "moonshotai": ("moonshot",),
    "novita": ("novita",),
    "ovhcloud": ("ovhcloud",),
    "voyageai": ("voyage",),
    "minimax": ("minimax",),
    "zai": ("zai",),
}

#: genai-prices provider id -> the slugs its `match` rules apply to (never any other provider).
GENAI_PROVIDERS: dict[str, tuple[str, ...]] = {**CATALOG_ONLY_GENAI, **provider_spec.genai_names()}

#: LiteLLM `mode` -> our model type.
MODE_TYPES: dict[str, str] = {
    "chat": "chat",
    "responses": "chat",
    "completion": "completion",
    "embedding": "embedding",
    "image_generation": "image",
    "image_edit": "image",
    "audio_transcription": "transcription",
    "audio_speech": "tts",
    "realtime": "realtime",
    "video_generation": "video",
    "rerank": "rerank",
    "moderation": "moderation",
}

#: Modes whose rows price a tool or service, not a model.
NOT_MODEL_MODES = frozenset({"search", "vector_store", "guardrail"})

_CAPABILITY_FLAGS: dict[str, str] = {
    "supports_function_calling": "functions",
    "supports_vision": "vision",
    "supports_reasoning": "reasoning",
    "supports_response_schema": "structured_output",
    "supports_prompt_caching": "caching",
    "supports_web_search": "web_search",
    "supports_audio_input": "audio_in",
    "supports_audio_output": "audio_out",
    "supports_native_streaming": "streaming",
}

#: Image-generation rows keyed by quality / size ("low/1024-x-1024/gpt-image-1.5"): a price per
#: image variant, not a model id anyone can list.
_VARIANT_KEY = re.compile(r"(^|/)(\d+-x-\d+|max-x-max|low|medium|high|hd|standard|auto)/")
_TIER_KEY = re.compile(r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost)_above_(\d{1,7})k_tokens$")
_TIER_FIELD = {"input_cost_per_token": "input", "output_cost_per_token": "output", "cache_read_input_token_cost": "cached_input"}


@dataclass
class ParseReport:
    """What a parser did with every top-level entry of a feed."""

    feed: str
    total: int = 0
    parsed: int = 0
    priced: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    price_problems: list[str] = field(default_factory=list)
    """Entries whose stated price was refused (malformed or implausible), as 'key: why'."""

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def lines(self) -> list[str]:
        out = [f"{self.feed}: {self.total:,} entries, {self.parsed:,} parsed ({self.priced:,} with a price), {self.skipped_total:,} skipped"]
        out.extend(f"  skipped {n:,}: {reason}" for reason, n in self.skipped.most_common())
        return out


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One model of one provider as a LiteLLM-format feed describes it."""

    provider: str
    """Our provider slug."""
    model_id: str
    key: str
    """The feed's own key, for messages."""
    feed_provider: str
    """LiteLLM's `litellm_provider`."""
    price: Price | None
    type: str | None = None
    context_length: int | None = None
    max_output_tokens: int | None = None
    capabilities: frozenset[str] = frozenset()
    denied_capabilities: frozenset[str] = frozenset()
    """Capabilities the feed states false (`supports_vision: false`): a stated no, not an unknown."""
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    deprecated_at: datetime | None = None
    alias_of: str | None = None
    price_problem: str | None = None
    """Why the entry's stated price was not taken (malformed or implausible); `price` is then None."""


@dataclass(frozen=True, slots=True)
class PricePeriod:
    """A genai-prices conditional price: `start` None = in force before any dated change."""

    start: datetime | None
    price: Price


@dataclass(frozen=True, slots=True)
class GenaiModel:
    provider: str
    """genai-prices provider id."""
    model_id: str
    match: Mapping[str, JSON]
    """The feed's `match` rule (pricing/match.py reads it)."""
    periods: tuple[PricePeriod, ...]
    context_window: int | None = None
    name: str | None = None

    def active(self, now: datetime) -> PricePeriod | None:
        """The period in force at `now`: the last one whose start has passed (schema: last to first)."""
        chosen = None
        for period in self.periods:
            if period.start is None or period.start <= now:
                chosen = period
        return chosen

    def history(self, now: datetime) -> list[PricePeriod]:
        """Dated periods up to now, oldest first (the undated base period has no date to show)."""
        return [p for p in self.periods if p.start is not None and p.start <= now]


@dataclass
class LiteLLMFeed:
    entries: list[FeedEntry]
    report: ParseReport
    count: int
    """Model keys, excluding the reserved ones: what the integrity check counts."""


@dataclass
class GenaiFeed:
    models: dict[str, list[GenaiModel]]
    """genai-prices provider id -> its models, in feed order (first match wins)."""
    report: ParseReport
    count: int


# ----------------------------------------------------------------------------- helpers


def _int(value: object) -> int | None:
    """A token limit or threshold: positive and within `bounds.MAX_TOKEN_LIMIT`, else unknown."""
    return bounds.token_limit(value)


def _date(value: object) -> datetime | None:
    return bounds.day(value) if isinstance(value, str) else None


def _strs(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def litellm_slug(feed_provider: str) -> str:
    """Our provider slug for a LiteLLM provider value."""
    if feed_provider in LITELLM_PROVIDERS:
        return LITELLM_PROVIDERS[feed_provider]
    for prefix, slug in _LITELLM_PREFIXES:
        if feed_provider.startswith(prefix):
            return slug
    return feed_provider


def _prefixes(feed_provider: str) -> set[str]:
    """Key prefixes LiteLLM uses for a provider: `gemini/`, `vertex_ai/`, `bedrock/` (for bedrock_converse)."""
    return {feed_provider, feed_provider.split("-")[0], feed_provider.split("_")[0], feed_provider.split("-")[-1]}


def strip_prefix(key: str, feed_provider: str) -> str:
    head, sep, rest = key.partition("/")
    if sep and rest and head in _prefixes(feed_provider):
        return rest
    return key


# ----------------------------------------------------------------------------- LiteLLM


#: LiteLLM key -> our component, each in its own unit. Anything else that names a cost is kept
#: under its LiteLLM name in `Price.other` (batch, priority and flex prices, per-pixel, per-page, ...).
LITELLM_COMPONENTS: dict[str, str] = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cached_input",
    "cache_creation_input_token_cost": "cache_write",
    "output_cost_per_reasoning_token": "reasoning",
    "input_cost_per_audio_token": "audio_input",
    "output_cost_per_audio_token": "audio_output",
    "input_cost_per_image_token": "image_input",
    "input_cost_per_request": "per_request",
    "input_cost_per_image": "input_per_image",
    "output_cost_per_image": "per_image",
    "input_cost_per_second": "input_per_second",
    "output_cost_per_second": "output_per_second",
    "input_cost_per_character": "input_per_character",
    "output_cost_per_character": "output_per_character",
    "input_cost_per_video_per_second": "input_per_video_second",
    "output_cost_per_video_per_second": "output_per_video_second",
}
#: Used only when the entry has no `cache_read_input_token_cost`.
_CACHE_HIT_KEY = "input_cost_per_token_cache_hit"
_SEARCH_KEY = "search_context_cost_per_query"

#: Values read once per distinct float: a few hundred distinct prices across the ~60,000 of the map.
_FEED_AMOUNT: dict[float, Decimal | str] = {}


class BadPrice(ValueError):
    """A feed entry's price that is not a usable number; `str()` says which key and why."""


def feed_amount(key: str, value: object) -> Decimal | None:
    """A feed's stated amount: None when absent (null), BadPrice when it is not a non-negative number."""
    if value is None:
        return None
    if type(value) is float and value:  # not 0.0: it and -0.0 are one dict key, two Decimals
        got = _FEED_AMOUNT.get(value)
        if got is None:
            d = to_decimal(value)
            got = "not a number within range" if d is None else ("negative" if d < 0 else d)
            if len(_FEED_AMOUNT) < 100_000:
                _FEED_AMOUNT[value] = got
        if isinstance(got, str):
            raise BadPrice(f"{key} {value!r}: {got}")
        return got
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise BadPrice(f"{key}: {type(value).__name__} is not a number")
    d = to_decimal(value)
    if d is None:
        raise BadPrice(f"{key} {str(value)[:20]!r}: not a number within range")
    if d < 0:
        raise BadPrice(f"{key} {str(value)[:20]!r}: negative")
    return d


def litellm_price(entry: Mapping[str, JSON], mode: str | None = None) -> Price | None:
    """Every price of one LiteLLM entry, exactly, each in its own unit; None if it states none.

    Raises BadPrice when a stated price is not a non-negative number: the caller keeps the model's
    previous price rather than half of a garbled one. A price aisync has no component for goes to
    `other` under LiteLLM's name, so it is shown as such and never mistaken for free.
    """
    values: dict[str, Decimal | None] = {}
    tiers: dict[int, dict[str, Decimal]] = {}
    other: dict[str, Decimal] = {}
    video = mode == "video_generation"
    for key, raw in entry.items():
        if "cost" not in key:
            continue
        name = LITELLM_COMPONENTS.get(key)
        if name is not None:
            amount = feed_amount(key, raw)
            if amount is not None:
                if video and name == "output_per_second":
                    name = "output_per_video_second"  # a video model's seconds are seconds of video
                values[name] = amount
            continue
        if key == _SEARCH_KEY and isinstance(raw, dict):
            for size, v in raw.items():
                amount = feed_amount(f"{key}.{size}", v)
                if amount is None:
                    continue
                if size == "search_context_size_medium":
                    values["web_search"] = amount
                else:
                    other[f"{key}.{size}"] = amount
            continue
        m = _TIER_KEY.match(key) if "_above_" in key else None
        amount = feed_amount(key, raw)
        if amount is None:
            continue
        if m:
            threshold = bounds.token_limit(int(m.group(2)[:15]) * 1000) if len(m.group(2)) < 15 else None
            if threshold is not None:  # a threshold no prompt can reach is no tier
                tiers.setdefault(threshold, {})[_TIER_FIELD[m.group(1)]] = amount
        elif key == _CACHE_HIT_KEY and "cache_read_input_token_cost" not in entry:
            values["cached_input"] = amount
        else:
            other[key] = amount
    ranges = entry.get("tiered_pricing")
    if isinstance(ranges, list):
        for band in ranges:
            span = band.get("range") if isinstance(band, dict) else None
            if not isinstance(band, dict) or not isinstance(span, list) or not span:
                continue
            start = _int(span[0]) or 0
            i = feed_amount("tiered_pricing input_cost_per_token", band.get("input_cost_per_token"))
            o = feed_amount("tiered_pricing output_cost_per_token", band.get("output_cost_per_token"))
            if start == 0:
                values.setdefault("input", i)
                values.setdefault("output", o)
            elif i is not None or o is not None:
                tiers.setdefault(start, {}).update({k: v for k, v in (("input", i), ("output", o)) if v is not None})
    if not tiers and not other and all(v is None for v in values.values()):
        return None  # Price.is_empty(), without building the Price
    return Price.from_components(
        values,  # names from LITELLM_COMPONENTS / _TIER_FIELD: all price components
        tiers=tuple(PriceTier(threshold=t, **v) for t, v in sorted(tiers.items())),
        other=tuple(sorted(other.items())),
    )


def without_placeholder_zeros(price: Price) -> Price:
    """Zero token prices on a model charged in another unit (a rerank model's $0.002 per query, a
    music model's $0.04 per clip) say "not charged per token", not "free": they become unknown, so
    no view calls the model free and no cost is computed from them. A zero in the unit the model
    is charged in (Whisper's output seconds) is what the feed states and stays."""
    if price.input != 0 or price.output != 0:
        return price
    paid = any(v > 0 for k, v in price.components().items() if COMPONENT_UNITS[k] != "token") or any(
        v > 0 and unit_of_other(k) != "token" for k, v in price.other
    )
    if not paid:
        return price
    return replace(price, input=None, output=None)


def litellm_capabilities(entry: Mapping[str, JSON], mode: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(the capabilities a LiteLLM entry states true or implies by its mode and endpoints, those it
    states false (`supports_vision: false`)), from one look at each flag; a flag it leaves out
    states nothing."""
    get = entry.get
    caps: set[str] = set()
    denied: set[str] = set()
    for flag, cap in _CAPABILITY_FLAGS.items():
        said = get(flag)
        if said is True:
            caps.add(cap)
        elif said is False:
            denied.add(cap)
    if mode in ("chat", "responses"):
        caps.add("chat")
    elif mode == "embedding":
        caps.add("embeddings")
    elif mode in ("image_generation", "image_edit"):
        caps.add("image_generation")
    if "/v1/batch" in _strs(entry.get("supported_endpoints")):
        caps.add("batch")
    return frozenset(caps), frozenset(denied)


def _litellm_entry(key: str, feed_provider: str, entry: Mapping[str, JSON], alias_of: str | None = None) -> FeedEntry:
    stated_mode = entry.get("mode")
    mode = stated_mode if isinstance(stated_mode, str) else None
    problem = None
    try:
        price = litellm_price(entry, mode)
    except BadPrice as exc:
        price, problem = None, f"malformed price ({exc})"
    if price is not None:
        wrong = price.problems()
        if wrong:
            price, problem = None, "implausible price (" + "; ".join(wrong[:2]) + ")"
        else:
            price = without_placeholder_zeros(price)
    capabilities, denied = litellm_capabilities(entry, mode)
    return FeedEntry(
        provider=litellm_slug(feed_provider),
        model_id=strip_prefix(key, feed_provider),
        key=key,
        feed_provider=feed_provider,
        price=price,
        price_problem=problem,
        type=MODE_TYPES.get(mode, "other") if mode else None,
        context_length=_int(entry.get("max_input_tokens")) or _int(entry.get("max_tokens")),
        max_output_tokens=_int(entry.get("max_output_tokens")),
        capabilities=capabilities,
        denied_capabilities=denied,
        input_modalities=_strs(entry.get("supported_modalities")),
        output_modalities=_strs(entry.get("supported_output_modalities")),
        deprecated_at=_date(entry.get("deprecation_date")),
        alias_of=alias_of,
    )


def litellm_count(data: object) -> int:
    """Model keys in a LiteLLM map (what the integrity check compares)."""
    if not isinstance(data, dict):
        return 0
    return sum(1 for k in data if k not in LITELLM_RESERVED)


def parse_litellm(decoded: object, *, feed: str = "LiteLLM") -> LiteLLMFeed:
    """Every model entry of a LiteLLM-format map (decoded JSON). Aliases (`alias_of`) resolve
    within one provider."""
    report = ParseReport(feed)
    if not isinstance(decoded, dict):
        report.skip("the feed is not a JSON object")
        return LiteLLMFeed([], report, 0)
    data: dict[str, JSON] = decoded
    chosen: dict[tuple[str, str], tuple[int, FeedEntry]] = {}
    aliases: list[tuple[str, str]] = []

    def keep(item: FeedEntry) -> None:
        rank = LITELLM_PREFERENCE.get(item.feed_provider, 0)
        ident = (item.provider, item.model_id)
        old = chosen.get(ident)
        if old is None or rank < old[0]:
            if old is not None:
                report.skip("same provider and id as a preferred entry")
            chosen[ident] = (rank, item)
        else:
            report.skip("same provider and id as a preferred entry")

    for key, entry in data.items():
        report.total += 1
        if key in LITELLM_RESERVED:
            report.skip("reserved key (sample_spec / fallback_generalizations)")
            continue
        if not isinstance(entry, dict):
            report.skip("entry is not an object")
            continue
        alias_of = entry.get("alias_of")
        if isinstance(alias_of, str) and bounds.id_fits(key):
            aliases.append((key, alias_of))
            continue
        feed_provider = entry.get("litellm_provider")
        if not isinstance(feed_provider, str) or not feed_provider:
            report.skip("no litellm_provider")
            continue
        mode = entry.get("mode")
        if isinstance(mode, str) and mode in NOT_MODEL_MODES:
            report.skip(f"prices a tool, not a model (mode {mode})")
            continue
        if _VARIANT_KEY.search(key):
            report.skip("image quality/size variant of another entry")
            continue
        if not bounds.id_fits(key):
            report.skip(f"key longer than {bounds.MAX_ID_CHARS} characters, not a model id")
            continue
        if "*" in key:
            # bedrock/*/1-month-commitment/...: a pricing pattern for provisioned throughput,
            # not an id anyone can call; it would also sort to the top of every list.
            report.skip("wildcard pattern, not a model id")
            continue
        keep(_litellm_entry(key, feed_provider, entry))

    for key, target in aliases:
        base = data.get(target)
        feed_provider = base.get("litellm_provider") if isinstance(base, dict) else None
        if not isinstance(base, dict) or not isinstance(feed_provider, str):
            report.skip("alias_of names no model entry")
            continue
        head, sep, _ = key.partition("/")
        target_head, target_sep, _ = target.partition("/")
        same_scope = (head in _prefixes(feed_provider)) if sep else not (target_sep and target_head in _prefixes(feed_provider))
        if not same_scope:
            report.skip("alias_of points into another provider")
            continue
        keep(_litellm_entry(key, feed_provider, base, alias_of=target))

    entries = [item for _, item in chosen.values()]
    report.parsed = len(entries)
    report.priced = sum(1 for e in entries if e.price is not None)
    report.price_problems = [f"{e.key}: {e.price_problem}" for e in entries if e.price_problem]
    return LiteLLMFeed(entries, report, litellm_count(data))


# ----------------------------------------------------------------------------- genai-prices v2


def _mtok(value: JSON) -> tuple[Decimal | None, dict[int, Decimal]]:
    """A `*_mtok` value (number, or {"base", "tiers"}) -> USD per token and tier prices."""
    if isinstance(value, dict):
        base = feed_amount("base", value.get("base"))
        tiers: dict[int, Decimal] = {}
        stated = value.get("tiers")
        if stated is not None and not isinstance(stated, list):
            raise BadPrice(f"tiers: {type(stated).__name__} is not a list")
        for tier in stated or ():
            if isinstance(tier, dict):
                start, amount = _int(tier.get("start")), feed_amount("tier price", tier.get("price"))
                if start and amount is not None:
                    tiers[start] = amount.scaleb(-6)
        return (base.scaleb(-6) if base is not None else None), tiers
    amount = feed_amount("price", value)
    return (amount.scaleb(-6) if amount is not None else None), {}


_GENAI_TOKEN_FIELDS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cached_input",
    "cache_write_mtok": "cache_write",
    "output_reasoning_mtok": "reasoning",
    "input_audio_mtok": "audio_input",
    "output_audio_mtok": "audio_output",
    "input_image_mtok": "image_input",
}
_GENAI_TIER_FIELDS = {"input": "input", "output": "output", "cached_input": "cached_input"}


def genai_price(prices: Mapping[str, JSON]) -> Price | None:
    """USD per token from genai-prices units. `{}` is how the feed writes a free model."""
    if not prices:
        return Price(input=Decimal(0), output=Decimal(0))
    values: dict[str, Decimal | None] = {}
    tiers: dict[int, dict[str, Decimal]] = {}
    for key, name in _GENAI_TOKEN_FIELDS.items():
        if key in prices:
            base, tier_prices = _mtok(prices[key])
            values[name] = base
            if name in _GENAI_TIER_FIELDS:
                for start, amount in tier_prices.items():
                    tiers.setdefault(start, {})[name] = amount
    for key, name in (("requests_kcount", "per_request"), ("web_searches_kcount", "web_search")):
        per_thousand = feed_amount(key, prices.get(key))
        if per_thousand is not None:
            values[name] = per_thousand.scaleb(-3)
    # The names are from _GENAI_TOKEN_FIELDS and the two per-thousand prices: all price components.
    price = Price.from_components(values, tiers=tuple(PriceTier(threshold=t, **v) for t, v in sorted(tiers.items())))
    return None if price.is_empty() else price


def _window_hours(constraint: Mapping[str, JSON]) -> float | None:
    try:
        start = time.fromisoformat(str(constraint["start_time"]).rstrip("Z"))
        end = time.fromisoformat(str(constraint["end_time"]).rstrip("Z"))
    except (KeyError, ValueError):
        return None
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (minutes % (24 * 60)) / 60


def genai_periods(prices: JSON) -> tuple[PricePeriod, ...] | None:
    """A model's `prices` -> dated periods, oldest first. None when it cannot be read.

    Time-of-day prices (DeepSeek's off-peak hours) are not dated periods: the list price is the
    one in force for the larger part of the day.
    """
    if isinstance(prices, dict):
        price = genai_price(prices)
        return (PricePeriod(None, price),) if price else None
    if not isinstance(prices, list) or not prices:
        return None
    periods: list[PricePeriod] = []
    base: Price | None = None
    for item in prices:
        stated = item.get("prices") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(stated, dict):
            return None
        price = genai_price(stated)
        constraint = item.get("constraint")
        if price is None:
            continue
        if not constraint:
            base = price
            periods.append(PricePeriod(None, price))
        elif not isinstance(constraint, dict):
            return None
        elif "start_date" in constraint:
            start = _date(constraint["start_date"])
            if start is None:
                return None
            periods.append(PricePeriod(start, price))
        elif "start_time" in constraint:
            hours = _window_hours(constraint)
            if hours is None:
                return None
            if hours > 12 or base is None:
                periods = [p for p in periods if p.start is not None] + [PricePeriod(None, price)]
                base = price
        else:
            return None
    undated = [p for p in periods if p.start is None][-1:]
    dated = sorted(((p.start, p) for p in periods if p.start is not None), key=lambda started: started[0])
    result = tuple(undated + [p for _, p in dated])
    return result or None


def parse_genai(decoded: object, *, feed: str = "genai-prices") -> GenaiFeed:
    """Every model of genai-prices' v2 data (decoded JSON), by provider."""
    report = ParseReport(feed)
    models: dict[str, list[GenaiModel]] = {}
    if not isinstance(decoded, list):
        report.skip("the feed is not a JSON list of providers")
        return GenaiFeed(models, report, 0)
    data: list[JSON] = decoded
    for provider in data:
        pid = provider.get("id") if isinstance(provider, dict) else None
        if not isinstance(provider, dict) or not isinstance(pid, str):
            report.skip("provider entry without an id")
            continue
        listed = provider.get("models")
        if listed is not None and not isinstance(listed, list):
            report.skip("provider entry whose models are not a list")
            continue
        out = models.setdefault(pid, [])
        for m in listed or ():
            report.total += 1
            mid = m.get("id") if isinstance(m, dict) else None
            match = m.get("match") if isinstance(m, dict) else None
            if not isinstance(m, dict) or not isinstance(mid, str) or not isinstance(match, dict):
                report.skip("model without an id or match rule")
                continue
            if not bounds.id_fits(mid):
                report.skip(f"id longer than {bounds.MAX_ID_CHARS} characters")
                continue
            try:
                periods = genai_periods(m.get("prices"))
            except BadPrice as exc:
                report.skip("malformed price")
                report.price_problems.append(f"{pid}/{mid}: malformed price ({exc})")
                continue
            if periods is None:
                report.skip("prices in a form this version does not read")
                continue
            wrong = [w for p in periods for w in p.price.problems()]
            if wrong:
                report.skip("implausible price")
                report.price_problems.append(f"{pid}/{mid}: implausible price ({'; '.join(wrong[:2])})")
                continue
            out.append(
                GenaiModel(
                    provider=pid,
                    model_id=mid,
                    match=match,
                    periods=periods,
                    context_window=_int(m.get("context_window")),
                    name=bounds.text(m.get("name"), bounds.MAX_NAME_CHARS),
                )
            )
            report.parsed += 1
            report.priced += 1
    return GenaiFeed(models, report, report.total)


def provider_names(entries: Iterable[FeedEntry]) -> dict[str, str]:
    """Display names for catalog-only providers: `fireworks_ai` -> "Fireworks AI"."""
    out: dict[str, str] = {}
    for e in entries:
        if e.provider not in out:
            words = re.split(r"[_\-]+", e.provider)
            out[e.provider] = " ".join(w.upper() if len(w) <= 2 else w.capitalize() for w in words if w)
    return out
