"""The adapter contract. One small module per provider: endpoint, auth, pagination, and a pure
`parse()` from JSON to `RemoteModel`s that tests feed with recorded responses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, ClassVar, Hashable, Iterable, Iterator, Mapping, TypeAlias, TypeVar

from .. import bounds
from ..config import ProviderSettings
from ..domain import RemoteModel
from ..errors import BadResponse, NotConfigured
from ..events import EmitFn, PageFetched, Warning, ignore
from ..jsonvalue import JSON, as_object, json_kind
from .http import HttpClient, Query

#: Safety bound on pagination: a server that hands out page tokens forever stops here.
MAX_PAGES = 200
#: The skipped items one warning describes (the rest are counted).
MAX_SKIPS_NAMED = 3

#: One model object of a provider's list; each field is checked as it is read.
Item: TypeAlias = dict[str, JSON]
#: Where the next page of a paged list starts (a token, an offset, a (offset, limit) pair).
Cursor = TypeVar("Cursor", bound=Hashable)


class ProviderAdapter:
    """Base class. Subclasses set `kind`, implement `fetch()` (I/O) and `parse()` (pure)."""

    kind: ClassVar[str] = ""
    #: Endpoint path relative to base_url, for messages and the e2e server.
    models_path: ClassVar[str] = "/models"

    def __init__(self, settings: ProviderSettings, client: HttpClient, emit: EmitFn = ignore) -> None:
        self.settings = settings
        self.client = client
        self.emit = emit
        self.lists = ListReader(settings.slug, emit)

    @property
    def unidentified(self) -> int:
        """List items skipped because they name no model (not an object, no usable id). Any one
        of them may be a stored model, so a list that had them is no evidence that one is gone."""
        return self.lists.unidentified

    @property
    def slug(self) -> str:
        return self.settings.slug

    def api_key(self) -> str | None:
        key, _ = self.settings.resolve_key()
        if key is None and self.settings.needs_key:
            envs = " or ".join(f"${e}" for e in self.settings.api_key_env)
            raise NotConfigured(self.slug, "no API key", hint=f"set {envs}, or api_key under [providers.{self.slug}]")
        return key

    def headers(self, key: str | None) -> dict[str, str]:
        return {"authorization": f"Bearer {key}"} if key else {}

    def url(self, path: str) -> str:
        return self.settings.base_url.rstrip("/") + path

    @property
    def timeout(self) -> float | None:
        return self.settings.timeout

    def get(self, path: str, key: str | None, params: Query | None = None) -> JSON:
        return self.client.get_json(self.slug, self.url(path), headers=self.headers(key), params=params, timeout=self.timeout)

    def fetch(self) -> list[RemoteModel]:
        """Every model the provider lists, across all pages."""
        key = self.api_key()
        body = self.get(self.models_path, key)
        self.emit(PageFetched(self.slug, 1, _len(body)))
        return self.parse(body)

    def fetch_pages(
        self,
        key: str | None,
        params: Callable[[Cursor | None], Query],
        next_cursor: Callable[[dict[str, JSON], int, int], Cursor | None],
    ) -> list[RemoteModel]:
        """Every page of a paged list. `params(cursor)` builds a page's query (cursor None for the
        first); `next_cursor(body, page, collected)` says where the next page starts, or None after
        the last. A cursor seen before, or more than MAX_PAGES pages, stops with BadResponse: a
        server that hands out tokens forever cannot keep us looping."""
        models: list[RemoteModel] = []
        cursor: Cursor | None = None
        seen: set[Cursor] = set()
        for page in range(1, MAX_PAGES + 1):
            body = self.get(self.models_path, key, params(cursor))
            page_models = self.parse(body)
            models.extend(page_models)
            self.emit(PageFetched(self.slug, page, len(page_models)))
            cursor = next_cursor(body, page, len(models)) if isinstance(body, dict) else None
            if cursor is None:
                return dedupe(models)
            if cursor in seen:
                raise BadResponse(self.slug, f"page {page} repeats an earlier page cursor ({cursor}); stopped paging")
            seen.add(cursor)
        raise BadResponse(self.slug, f"more than {MAX_PAGES} pages; stopped paging")

    def parse(self, body: JSON) -> list[RemoteModel]:  # pragma: no cover - abstract
        raise NotImplementedError


class ListReader:
    """Reads the model objects of one provider's lists, one at a time.

    An item that is not an object, or has no usable id, is skipped alone: the other models of the
    list stand, one warning per list names what was skipped, and `unidentified` counts it."""

    def __init__(self, provider: str, emit: EmitFn = ignore) -> None:
        self.provider = provider
        self.emit = emit
        self.unidentified = 0
        """Items skipped so far because they name no model."""

    def models(
        self,
        body: JSON,
        *keys: str,
        id_key: str | tuple[str, ...] = "id",
        id_of: Callable[[str], str | None] | None = None,
        allow_bare_list: bool = True,
    ) -> Iterator[tuple[str, Item]]:
        """(id, object) of each model in the list under the first of `keys` (see `model_list`)."""
        return self.identified(model_list(self.provider, body, *keys, allow_bare_list=allow_bare_list), id_key, id_of)

    def identified(
        self, items: Iterable[JSON], id_key: str | tuple[str, ...] = "id", id_of: Callable[[str], str | None] | None = None
    ) -> Iterator[tuple[str, Item]]:
        """(id, object) of each model in `items`, the id stripped: the first usable one of `id_key`
        when it names several, and `id_of(text)` of it when the field holds more than the id (None:
        it names no model). While a model is read, values refused from it name it."""
        id_keys = (id_key,) if isinstance(id_key, str) else id_key
        skipped: list[str] = []
        try:
            for index, item in enumerate(items, start=1):
                if not isinstance(item, dict):
                    skipped.append(f"item #{index} is {json_kind(item)}, not an object")
                    continue
                model_id = next((found for found in map(item.get, id_keys) if isinstance(found, str) and found.strip()), None)
                if model_id is None:
                    shown = " or ".join(repr(k) for k in id_keys)
                    skipped.append(f"item #{index} has no usable {shown} ({bounds.preview(item)})")
                    continue
                model_id = model_id.strip()
                if id_of is not None:
                    found = id_of(model_id)
                    if not found:
                        skipped.append(f"item #{index} names no model ({bounds.preview(model_id)})")
                        continue
                    model_id = found
                bounds.reading(model_id)
                yield model_id, item
        finally:
            bounds.reading(None)
        if skipped:
            self.skipped(skipped)

    def skipped(self, reasons: list[str]) -> None:
        """Report items that name no model: counted, and one warning for them all."""
        self.unidentified += len(reasons)
        named = "; ".join(reasons[:MAX_SKIPS_NAMED])
        more = f"; and {len(reasons) - MAX_SKIPS_NAMED} more" if len(reasons) > MAX_SKIPS_NAMED else ""
        noun = "item" if len(reasons) == 1 else "items"
        self.emit(Warning(self.provider, f"skipped {len(reasons)} {noun} of the model list naming no model: {named}{more}"))


def _len(body: JSON) -> int:
    if isinstance(body, dict):
        for key in ("data", "models"):
            items = body.get(key)
            if isinstance(items, list):
                return len(items)
    if isinstance(body, list):
        return len(body)
    return 0


def model_list(provider: str, body: JSON, *keys: str, allow_bare_list: bool = True) -> list[JSON]:
    """The model list in a body: under the first of `keys` the body has, or the body itself when
    it is a bare list (and `allow_bare_list`). A body of another shape is BadResponse; the items
    are checked one by one as they are read (`ListReader.identified`)."""
    items: JSON = None
    if isinstance(body, list) and allow_bare_list:
        items = body
    elif isinstance(body, dict):
        for key in keys:
            if key in body:
                items = body[key]
                break
        else:
            raise BadResponse(provider, f"expected a list under {' or '.join(repr(k) for k in keys)}, got keys {sorted(body)[:6]}")
    else:
        raise BadResponse(provider, f"expected a JSON object, got {type(body).__name__}")
    if items is None:
        return []
    if not isinstance(items, list):
        raise BadResponse(provider, f"the model list is {type(items).__name__}, not a list")
    return items


def opt_str(item: Mapping[str, JSON], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value.strip() else None


def opt_dict(item: Mapping[str, JSON], key: str) -> dict[str, JSON]:
    """A nested object, or `{}` when it is missing or not an object."""
    return as_object(item.get(key))


def opt_int(item: Mapping[str, JSON], key: str) -> int | None:
    """A stated token limit or threshold: a positive whole number within `bounds.MAX_TOKEN_LIMIT`."""
    return bounds.token_limit(item.get(key), field=key)


def unix_time(value: JSON) -> datetime | None:
    """Unix seconds between 1970 and 2100 (0 means "not stated")."""
    if value == 0 or value == "0":
        return None
    return bounds.unix_time(value, field="created")


def iso_time(value: JSON) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return bounds.iso_time(value)


def str_list(value: JSON) -> tuple[str, ...]:
    return tuple(v.lower() for v in bounds.labels(value))


def dedupe(models: Iterable[RemoteModel]) -> list[RemoteModel]:
    """First occurrence of each model id wins (some lists repeat ids)."""
    seen: set[str] = set()
    out = []
    for m in models:
        if m.model_id not in seen:
            seen.add(m.model_id)
            out.append(m)
    return out
