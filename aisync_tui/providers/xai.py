"""xAI: `/v1/models`, `/v1/language-models`, `/v1/image-generation-models`, merged per id.

Prices are integers in units of 1e-10 USD per token ("USD cents per 100 M tokens"); they are
converted exactly with `Decimal.scaleb(-10)`. `/v1/models` carries `context_length` and the
long-context tier; `/v1/language-models` carries modalities; image models come from their own list.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from .. import bounds
from ..domain import Price, PriceTier, RemoteModel
from ..errors import BadResponse
from ..events import PageFetched
from ..jsonvalue import JSON
from .base import Item, ProviderAdapter, model_list, opt_int, opt_str, str_list, unix_time

#: Where each of the three lists keeps its models.
LIST_KEYS = ("data", "models")
#: The largest amount read in 1e-10 USD units (10^24 units = 10^14 USD): anything above is garbage.
_MAX_UNITS = 10**24


def xai_units(value: JSON) -> Decimal | None:
    """1e-10 USD units -> USD, exactly. Negative, non-integer or absurd values are unknown."""
    units = bounds.integer(value, ceiling=_MAX_UNITS, field="price")
    return None if units is None else Decimal(units).scaleb(-10)


def image_price(value: JSON) -> Decimal | None:
    """Docs say cents per image, observed values only make sense as 1e-10 USD: decide by size."""
    if isinstance(value, float):
        return None
    units = bounds.integer(value, ceiling=_MAX_UNITS, field="image_price")
    if units is None:
        return None
    if units > 10_000:
        return Decimal(units).scaleb(-10)
    return Decimal(units).scaleb(-2)


def price_of(item: Item) -> Price | None:
    tiers: tuple[PriceTier, ...] = ()
    threshold = opt_int(item, "long_context_threshold")
    if threshold:
        tier = PriceTier(
            threshold=threshold,
            input=xai_units(item.get("prompt_text_token_price_long_context")),
            output=xai_units(item.get("completion_text_token_price_long_context")),
            cached_input=xai_units(item.get("cached_prompt_text_token_price_long_context")),
        )
        if tier.input is not None or tier.output is not None:
            tiers = (tier,)
    price = Price(
        input=xai_units(item.get("prompt_text_token_price")),
        output=xai_units(item.get("completion_text_token_price")),
        cached_input=xai_units(item.get("cached_prompt_text_token_price")),
        image_input=xai_units(item.get("prompt_image_token_price")) or None,
        per_image=image_price(item.get("image_price")),
        web_search=xai_units(item.get("search_price")),
        tiers=tiers,
    )
    return None if price.is_empty() else price


def _merge_price(a: Price | None, b: Price | None) -> Price | None:
    if a is None:
        return b
    if b is None:
        return a
    fields = {}
    for name in ("input", "output", "cached_input", "image_input", "per_image", "web_search"):
        fields[name] = getattr(a, name) if getattr(a, name) is not None else getattr(b, name)
    return Price(**fields, tiers=a.tiers or b.tiers)


class XAIAdapter(ProviderAdapter):
    kind = "xai"
    models_path = "/models"

    def fetch(self) -> list[RemoteModel]:
        """The three lists requested at once: one after another they cost three round trips, which
        made xAI the slowest provider of every `--sync-all` (3.5 s vs 1.5 s with 1 s answers).

        Every request is waited for before anything is raised, so a failure never leaves a request
        running against a client the runner is about to close; errors are raised in list order.
        """
        key = self.api_key()
        optional = ("/language-models", "/image-generation-models")
        results: dict[str, tuple[JSON, BaseException | None]] = {}

        def get(path: str) -> None:
            try:
                results[path] = (self.get(path, key), None)
            except BaseException as exc:  # handed to the calling thread below
                results[path] = (None, exc)

        # Daemon threads, as the runner's own fetch threads: a silent server never holds exit.
        threads = [threading.Thread(target=get, args=(path,), name=f"aisync-fetch-{self.slug}{path}", daemon=True) for path in optional]
        for t in threads:
            t.start()
        get("/models")
        for t in threads:
            t.join()
        bodies: dict[str, JSON] = {}
        for page, path in enumerate(("/models", *optional), start=1):
            body, exc = results[path]
            if exc is not None:
                # The two richer lists are optional: an older or proxied API may not have them.
                if path == "/models" or not isinstance(exc, BadResponse) or "404" not in exc.detail:
                    raise exc
                continue
            bodies[path] = body
            self.emit(PageFetched(self.slug, page, len(model_list(self.slug, body, *LIST_KEYS))))
        return self.parse_all(bodies.get("/models"), bodies.get("/language-models"), bodies.get("/image-generation-models"))

    def parse(self, body: JSON) -> list[RemoteModel]:
        """Parse any one of the three lists (each is self-describing enough)."""
        return self.parse_all(body, None, None)

    def parse_all(self, models: JSON, language: JSON, image: JSON) -> list[RemoteModel]:
        merged: dict[str, RemoteModel] = {}
        for body, default_type in ((language, "chat"), (image, "image"), (models, None)):
            if body is None:
                continue
            for model_id, item in self.lists.models(body, *LIST_KEYS):
                remote = self._one(model_id, item, default_type)
                old = merged.get(remote.model_id)
                merged[remote.model_id] = remote if old is None else self._combine(old, remote)
        return list(merged.values())

    def _one(self, model_id: str, item: Item, default_type: str | None) -> RemoteModel:
        inputs = str_list(item.get("input_modalities"))
        outputs = str_list(item.get("output_modalities"))
        if default_type is None:
            default_type = "image" if "imagine" in model_id or "image-gen" in model_id else "chat"
        mtype = "image" if "image" in outputs else default_type
        caps: set[str] = set()
        if mtype == "chat":
            caps.update({"chat", "streaming", "functions", "json_mode", "structured_output"})
            if "image" in inputs or "vision" in model_id:
                caps.add("vision")
            if "mini" in model_id or "reasoning" in model_id or model_id.startswith("grok-4"):
                if "non-reasoning" not in model_id:
                    caps.add("reasoning")
            if item.get("search_price") is not None:
                caps.add("web_search")
        elif mtype == "image":
            caps.add("image_generation")
        if item.get("cached_prompt_text_token_price") is not None:
            caps.add("caching")
        raw_aliases = item.get("aliases")
        aliases = tuple(a for a in raw_aliases if isinstance(a, str)) if isinstance(raw_aliases, list) else ()
        return RemoteModel(
            provider=self.slug,
            model_id=model_id,
            type=mtype,
            context_length=opt_int(item, "context_length") or opt_int(item, "max_prompt_length"),
            capabilities=frozenset(caps),
            input_modalities=inputs or (("text",) if mtype == "chat" else ()),
            output_modalities=outputs or (("image",) if mtype == "image" else ("text",)),
            created_at=unix_time(item.get("created")),
            owned_by=opt_str(item, "owned_by"),
            aliases=aliases,
            price=price_of(item),
            raw=item,
        )

    @staticmethod
    def _combine(old: RemoteModel, new: RemoteModel) -> RemoteModel:
        raw = dict(old.raw or {})
        raw.update(new.raw or {})
        return old.with_changes(
            context_length=old.context_length or new.context_length,
            capabilities=old.capabilities | new.capabilities,
            input_modalities=old.input_modalities or new.input_modalities,
            output_modalities=old.output_modalities or new.output_modalities,
            created_at=old.created_at or new.created_at,
            aliases=old.aliases or new.aliases,
            price=_merge_price(new.price, old.price),
            raw=raw,
        )
