"""OpenRouter `GET /api/v1/models`: public (a key is sent only when one is set), prices included.

- `output_modalities=all`: the endpoint defaults to text-output models only.
- Both response styles: the old full list (`{"data": [...]}`) and the newer paged one
  (`total_count`, `links.next` with `offset`/`limit`). We ask for the full list and follow
  `links.next` (or `total_count`) when the server pages anyway; bounded, with repeat detection.
- Prices are decimal strings in USD per token, stored exactly. `"-1"` (router models such as
  `openrouter/auto`) and other negatives mean unknown; `"0"` means free. `request`, `image`
  (per input image) and `web_search` are their own components; an implausible value (`"1e308"`,
  `"1_000"`, `"1e-400"`) is refused by the sync runner (domain.PRICE_CEILINGS). `internal_reasoning` of `"0"`
  means "billed as completion tokens", so it stays unknown rather than free. Prompt-size
  `overrides` become long-context tiers; time-of-day overrides are left in the raw payload.
- `expiration_date` becomes the deprecation date.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from .. import bounds
from ..domain import Price, PriceTier, RemoteModel
from ..errors import BadResponse
from ..jsonvalue import JSON, objects
from .base import Item, ProviderAdapter, iso_time, opt_dict, opt_int, opt_str, str_list, unix_time
from .http import Query

PAGE_LIMIT = 1000

#: OpenRouter pricing key -> our Price component.
PRICE_KEYS: dict[str, str] = {
    "prompt": "input",
    "completion": "output",
    "input_cache_read": "cached_input",
    "input_cache_write": "cache_write",
    "internal_reasoning": "reasoning",
    "audio": "audio_input",
    "audio_output": "audio_output",
    "image_token": "image_input",
    "request": "per_request",
    "image": "input_per_image",
    "web_search": "web_search",
}


def price_value(value: JSON, field: str = "price") -> Decimal | None:
    """Exact Decimal from OpenRouter's string; negative or garbage is unknown, "0" is free."""
    if isinstance(value, bool):
        return None
    result = bounds.decimal(value, field=field)
    if result is None or result < 0:
        return None
    return result


def _negative(value: JSON) -> bool:
    """OpenRouter's "-1" (and other negatives): the documented "variable, unknown" sentinel."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip().startswith("-")


def parse_price(pricing: JSON) -> Price | None:
    if not isinstance(pricing, dict):
        return None
    values: dict[str, Decimal | None] = {}
    for key, component in PRICE_KEYS.items():
        raw = pricing.get(key)
        value = price_value(raw, f"pricing.{key}")
        if value is None and raw is not None and not _negative(raw):
            # A stated price that cannot be read ("1e308", "1_000", "abc"): half a price would
            # erase the part we know, so the model keeps its previous price whole.
            return None
        if component == "reasoning" and value == 0:
            value = None
        values[component] = value
    discount = pricing.get("discount")
    factor = Decimal(1)
    if isinstance(discount, (int, float)) and not isinstance(discount, bool) and 0 < discount < 1:
        factor = 1 - Decimal(repr(float(discount)))
        values = {k: (v * factor if v is not None else None) for k, v in values.items()}
    tiers = []
    for override in objects(pricing.get("overrides")):
        if override.get("utc_start") is not None or override.get("utc_end") is not None:
            continue
        threshold = opt_int(override, "min_prompt_tokens")
        if not threshold:
            continue
        tier = PriceTier(
            threshold=threshold,
            input=_times(price_value(override.get("prompt")), factor),
            output=_times(price_value(override.get("completion")), factor),
            cached_input=_times(price_value(override.get("input_cache_read")), factor),
        )
        if tier.input is not None or tier.output is not None:
            tiers.append(tier)
    price = Price.from_components(values, tiers=tuple(sorted(tiers, key=lambda t: t.threshold)))
    return None if price.is_empty() else price


def _times(value: Decimal | None, factor: Decimal) -> Decimal | None:
    return None if value is None else value * factor


def _modalities(arch: Item) -> tuple[tuple[str, ...], tuple[str, ...]]:
    inputs = str_list(arch.get("input_modalities"))
    outputs = str_list(arch.get("output_modalities"))
    modality = arch.get("modality")
    if (not inputs or not outputs) and isinstance(modality, str) and "->" in modality:
        left, right = modality.lower().split("->", 1)
        inputs = inputs or tuple(p for p in left.split("+") if p)
        outputs = outputs or tuple(p for p in right.split("+") if p)
    return inputs, outputs


def classify(inputs: tuple[str, ...], outputs: tuple[str, ...], params: set[str], item: Item, price: Price | None) -> tuple[str, frozenset[str]]:
    caps: set[str] = set()
    out = set(outputs) or {"text"}
    if "embeddings" in out or "embedding" in out:
        return "embedding", frozenset({"embeddings"})
    if "rerank" in out:
        return "rerank", frozenset()
    if "transcription" in out:
        return "transcription", frozenset({"audio_in"})
    if "image" in inputs:
        caps.add("vision")
    if "audio" in inputs:
        caps.add("audio_in")
    if "audio" in out or "speech" in out:
        caps.add("audio_out")
    if "image" in out:
        caps.add("image_generation")
    if "text" in out:
        caps.update({"chat", "streaming"})
        if "tools" in params:
            caps.add("functions")
        if "response_format" in params:
            caps.add("json_mode")
        if "structured_outputs" in params:
            caps.add("structured_output")
        if "reasoning" in params or "include_reasoning" in params or isinstance(item.get("reasoning"), dict):
            caps.add("reasoning")
        if "web_search_options" in params:
            caps.add("web_search")
        if price is not None and price.cached_input is not None:
            caps.add("caching")
        return "chat", frozenset(caps)
    if "image" in out:
        return "image", frozenset(caps)
    if "video" in out:
        return "video", frozenset(caps)
    if "audio" in out or "speech" in out:
        return "tts", frozenset(caps)
    return "other", frozenset(caps)


class OpenRouterAdapter(ProviderAdapter):
    kind = "openrouter"
    models_path = "/models"

    def fetch(self) -> list[RemoteModel]:
        key = self.api_key()  # optional: the catalogue is public

        def params(cursor: tuple[int, int] | None) -> Query:
            if cursor is None:
                return {"output_modalities": "all"}  # no offset/limit: the full list
            offset, limit = cursor
            return {"output_modalities": "all", "offset": offset, "limit": limit}

        offsets = [0]

        def next_cursor(body: dict[str, JSON], page: int, collected: int) -> tuple[int, int] | None:
            data = body.get("data")
            page_len = len(data) if isinstance(data, list) else 0
            nxt = self._next_offset(body, collected, page_len)
            if nxt is not None:
                if nxt[0] <= offsets[-1]:
                    raise BadResponse(self.slug, f"page {page} points back to offset {nxt[0]}; stopped paging")
                offsets.append(nxt[0])
            return nxt

        return self.fetch_pages(key, params, next_cursor)

    def _next_offset(self, body: dict[str, JSON], collected: int, page_len: int) -> tuple[int, int] | None:
        """(offset, limit) of the next page, or None when this was the last (or only) one."""
        links = body.get("links")
        nxt = links.get("next") if isinstance(links, dict) else None
        if isinstance(nxt, str) and nxt:
            query = parse_qs(urlsplit(nxt).query)
            try:
                offset = int(query.get("offset", [str(collected)])[-1])
                limit = int(query.get("limit", [str(PAGE_LIMIT)])[-1])
            except ValueError:
                raise BadResponse(self.slug, f"links.next is not a usable page link: {nxt[:80]}") from None
            return offset, max(1, min(limit, PAGE_LIMIT))
        total = body.get("total_count")
        if isinstance(total, int) and not isinstance(total, bool) and collected < total and page_len > 0:
            return collected, PAGE_LIMIT
        return None

    def parse(self, body: JSON) -> list[RemoteModel]:
        return [self._one(model_id, item) for model_id, item in self.lists.models(body, "data", allow_bare_list=False)]

    def _one(self, model_id: str, item: Item) -> RemoteModel:
        arch = opt_dict(item, "architecture")
        top = opt_dict(item, "top_provider")
        inputs, outputs = _modalities(arch)
        params = set(str_list(item.get("supported_parameters")))
        price = parse_price(item.get("pricing"))
        mtype, caps = classify(inputs, outputs, params, item, price)
        return RemoteModel(
            provider=self.slug,
            model_id=model_id,
            name=opt_str(item, "name"),
            type=mtype,
            context_length=opt_int(item, "context_length") or opt_int(top, "context_length"),
            max_output_tokens=opt_int(top, "max_completion_tokens"),
            capabilities=caps,
            input_modalities=inputs,
            output_modalities=outputs,
            created_at=unix_time(item.get("created")),
            deprecated_at=iso_time(item.get("expiration_date")),
            description=opt_str(item, "description"),
            owned_by=model_id.split("/", 1)[0] if "/" in model_id else None,
            price=price,
            raw=item,
        )
