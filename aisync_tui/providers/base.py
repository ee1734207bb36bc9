"""The adapter contract. One small module per provider: endpoint, auth, pagination, and a pure
`parse()` from JSON to `RemoteModel`s that tests feed with recorded responses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, ClassVar, Hashable, Iterable

from .. import bounds
from ..config import ProviderSettings
from ..domain import RemoteModel
from ..errors import BadResponse, NotConfigured
from ..events import EmitFn, PageFetched, ignore
from .http import HttpClient

#: Safety bound on pagination: a server that hands out page tokens forever stops here.
MAX_PAGES = 200


class ProviderAdapter:
    """Base class. Subclasses set `kind`, implement `fetch()` (I/O) and `parse()` (pure)."""

    kind: ClassVar[str] = ""
    #: Endpoint path relative to base_url, for messages and the e2e server.
    models_path: ClassVar[str] = "/models"

    def __init__(self, settings: ProviderSettings, client: HttpClient, emit: EmitFn = ignore) -> None:
        self.settings = settings
        self.client = client
        self.emit = emit

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

    def get(self, path: str, key: str | None, params: dict[str, Any] | None = None) -> Any:
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
        params: Callable[[Hashable | None], dict[str, Any]],
        next_cursor: Callable[[Any, int, int], Hashable | None],
    ) -> list[RemoteModel]:
        """Every page of a paged list. `params(cursor)` builds a page's query (cursor None for the
        first); `next_cursor(body, page, collected)` says where the next page starts, or None after
        the last. A cursor seen before, or more than MAX_PAGES pages, stops with BadResponse: a
        server that hands out tokens forever cannot keep us looping."""
        models: list[RemoteModel] = []
        cursor: Hashable | None = None
        seen: set[Hashable] = set()
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

    def parse(self, body: Any) -> list[RemoteModel]:  # pragma: no cover - abstract
        raise NotImplementedError


def _len(body: Any) -> int:
    if isinstance(body, dict):
        for key in ("data", "models"):
            if isinstance(body.get(key), list):
                return len(body[key])
    if isinstance(body, list):
        return len(body)
    return 0


def items_of(provider: str, body: Any, *keys: str, allow_bare_list: bool = True) -> list[dict[str, Any]]:
    """The list of model objects in a body, or BadResponse. Non-object items are an error too."""
    items: Any = None
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
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadResponse(provider, f"model #{i} is {type(item).__name__}, not an object")
    return bounds.Items(items)  # names each model while it is parsed, for refused values


def req_str(provider: str, item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadResponse(provider, f"a model has no usable {key!r} ({type(value).__name__})")
    return value.strip()


def opt_str(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value.strip() else None


def opt_dict(item: dict[str, Any], key: str) -> dict[str, Any]:
    """A nested object, or `{}` when it is missing or not an object."""
    value = item.get(key)
    return value if isinstance(value, dict) else {}


def opt_int(item: dict[str, Any], key: str) -> int | None:
    """A stated token limit or threshold: a positive whole number within `bounds.MAX_TOKEN_LIMIT`."""
    return bounds.token_limit(item.get(key), field=key)


def unix_time(value: Any) -> datetime | None:
    """Unix seconds between 1970 and 2100 (0 means "not stated")."""
    if value == 0 or value == "0":
        return None
    return bounds.unix_time(value, field="created")


def iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return bounds.iso_time(value)


def str_list(value: Any) -> tuple[str, ...]:
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
