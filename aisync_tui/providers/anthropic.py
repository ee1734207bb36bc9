"""Anthropic `GET /v1/models`: `x-api-key` + `anthropic-version` headers, cursor pages.

Pages: `limit` (up to 1000) and `after_id = last_id` while `has_more` is true. Each model carries
`max_input_tokens` (context), `max_tokens` (max output), a `capabilities` object of
`{"supported": bool}` leaves, `created_at`, and on newer API versions `lifecycle`,
`deprecated_at` and `retires_at`. Older responses have only id, name and date: capabilities then
come from the model family. No prices: the pricing sync supplies them. 529 "overloaded" is
retried by the HTTP client like any 5xx.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ..domain import RemoteModel
from ..errors import BadResponse, ProviderError, QuotaExceeded
from ..jsonvalue import JSON, as_object
from .base import Item, ProviderAdapter, iso_time, opt_int, opt_str
from .http import _QUOTA_WORDS, Query, classify_error

ANTHROPIC_VERSION = "2023-06-01"
PAGE_LIMIT = 1000
#: "created_at may be set to an epoch value if the release date is unknown"
_EPOCH_CUTOFF = datetime(1971, 1, 1, tzinfo=timezone.utc)

_MODERN = re.compile(r"^claude-(3|opus-4|sonnet-4|haiku-4|[4-9])")
_REASONING_FAMILY = re.compile(r"^claude-(3-7|opus-4|sonnet-4|haiku-4|[4-9])")


def classify(provider: str, status: int, body: JSON) -> ProviderError:
    """Anthropic sends "credit balance is too low" as a 400: that is exhausted quota, not a bad request."""
    error = classify_error(provider, status, body)
    if status == 400 and not isinstance(error, QuotaExceeded):
        text = str(as_object(as_object(body).get("error")).get("message", ""))
        if _QUOTA_WORDS.search(text):
            return QuotaExceeded(provider, text[:160])
    return error


def supported(caps: JSON, key: str) -> bool | None:
    """True/False from a `{"supported": bool}` leaf; None when the leaf is absent or malformed."""
    if not isinstance(caps, dict):
        return None
    leaf = caps.get(key)
    value = leaf.get("supported") if isinstance(leaf, dict) else None
    return value if isinstance(value, bool) else None


def _created(value: JSON) -> datetime | None:
    parsed = iso_time(value)
    if parsed is None or parsed < _EPOCH_CUTOFF:
        return None
    return parsed


class AnthropicAdapter(ProviderAdapter):
    kind = "anthropic"
    models_path = "/models"

    def headers(self, key: str | None) -> dict[str, str]:
        headers = {"anthropic-version": ANTHROPIC_VERSION}
        if key:
            headers["x-api-key"] = key
        return headers

    def get(self, path: str, key: str | None, params: Query | None = None) -> JSON:
        return self.client.get_json(
            self.slug, self.url(path), headers=self.headers(key), params=params, timeout=self.timeout, classify=classify
        )

    def fetch(self) -> list[RemoteModel]:
        def params(after: str | None) -> Query:
            return {"limit": PAGE_LIMIT, **({"after_id": after} if after else {})}

        def next_cursor(body: dict[str, JSON], page: int, collected: int) -> str | None:
            if body.get("has_more") is not True:
                return None
            last = body.get("last_id")
            if not isinstance(last, str) or not last:
                raise BadResponse(self.slug, f"page {page} says has_more but gives no last_id; stopped paging")
            return last

        return self.fetch_pages(self.api_key(), params, next_cursor)

    def parse(self, body: JSON) -> list[RemoteModel]:
        return [self._one(model_id, item) for model_id, item in self.lists.models(body, "data", allow_bare_list=False)]

    def _one(self, model_id: str, item: Item) -> RemoteModel:
        caps_obj = item.get("capabilities")
        modern = bool(_MODERN.match(model_id))
        caps = {"chat", "streaming"}
        inputs = ["text"]

        def flag(key: str, family_default: bool) -> bool:
            value = supported(caps_obj, key)
            return family_default if value is None else value

        if modern:
            caps.update({"functions", "caching"})  # tool use and prompt caching: every Claude 3+ model
        if flag("image_input", modern):
            caps.add("vision")
            inputs.append("image")
        if flag("pdf_input", False):
            inputs.append("file")
        if flag("batch", modern):
            caps.add("batch")
        if flag("structured_outputs", False):
            caps.add("structured_output")
        if flag("thinking", bool(_REASONING_FAMILY.match(model_id))):
            caps.add("reasoning")
        # The capabilities object has every known capability as a key ("always present"): it is a
        # complete statement of what it covers, falses included.
        stated = frozenset({"vision", "batch", "structured_output", "reasoning"}) if isinstance(caps_obj, dict) else frozenset()
        # Deprecation: the announced date, else the scheduled retirement.
        deprecated = iso_time(item.get("deprecated_at")) or iso_time(item.get("retires_at"))
        return RemoteModel(
            provider=self.slug,
            model_id=model_id,
            name=opt_str(item, "display_name"),
            type="chat",
            context_length=opt_int(item, "max_input_tokens"),
            max_output_tokens=opt_int(item, "max_tokens"),
            capabilities=frozenset(caps),
            input_modalities=tuple(inputs),
            output_modalities=("text",),
            created_at=_created(item.get("created_at")),
            deprecated_at=deprecated,
            owned_by="anthropic",
            stated=stated,
            raw=item,
        )
