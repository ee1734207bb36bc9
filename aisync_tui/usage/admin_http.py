"""What the OpenAI and Anthropic admin importers share: the admin key, the base URL check, the
HTTP client with the configured timeouts and retries, the `has_more`/`next_page` page loop, and
the import itself (`fetch`, `import_usage`), which each importer describes with an `AdminReports`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, TypedDict

from ..errors import BadResponse, InvalidApiKey, NotConfigured, PermissionDenied, ProviderError, register_secret
from ..jsonvalue import JSON

if TYPE_CHECKING:
    from ..config import Settings
    from ..providers.http import HttpClient
    from .records import ImportResult, UsageRow

#: Maps an error answer (provider, HTTP status, decoded body) to the error the user sees.
Classify = Callable[[str, int, JSON], ProviderError]
#: The query string of a report request.
Query = Mapping[str, str | int]
#: One page of a report: a JSON object whose `data` is a list (checked by `pages`).
Page = dict[str, JSON]

#: A bound on pages per endpoint: 1000 pages of daily buckets is years of data; a server that
#: keeps answering has_more beyond that is broken, and we stop rather than loop forever.
MAX_PAGES = 1000


def admin_key(provider: str, env_name: str, where_to_get: str, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    key = (env.get(env_name) or "").strip()
    if not key:
        raise NotConfigured(provider, f"{env_name} is not set", hint=f"export {env_name} with an organization Admin key ({where_to_get})")
    register_secret(key)
    return key


def check_url(url: str, option: str) -> str:
    from ..config import check_base_url

    return check_base_url(url, allow_http=False, where=option)


def make_client(settings: Settings | None = None, timeout: float | None = None) -> HttpClient:
    from ..providers.http import HttpClient, HttpOptions, options_from

    if settings is None:
        return HttpClient(HttpOptions(timeout=timeout or 30.0))
    return HttpClient(options_from(settings.model_sync, timeout))


def admin_classifier(admin_env: str) -> Classify:
    """The usual error mapping, worded for the admin endpoints (a project key gets 401/403 here)."""
    from ..providers.http import classify_error

    def classify(provider: str, status: int, body: JSON) -> ProviderError:
        err = classify_error(provider, status, body)
        if isinstance(err, InvalidApiKey):
            return InvalidApiKey(provider, err.detail, hint=f"{admin_env} must hold an organization Admin key, not a project API key")
        if isinstance(err, PermissionDenied):
            return PermissionDenied(provider, err.detail, hint=f"the key in {admin_env} lacks the usage/cost scope; use an organization Admin key")
        if status == 404:
            return BadResponse(provider, "the usage endpoint was not found (HTTP 404)", hint="check --base-url; it is the API root, e.g. https://api.openai.com/v1")
        return err

    return classify


def pages(
    client: HttpClient, provider: str, url: str, *, headers: Mapping[str, str], params: Query, classify: Classify
) -> Iterator[Page]:
    """Every page of a `{data, has_more, next_page}` listing, following `page=next_page`."""
    cursor: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        query: dict[str, str | int] = dict(params)
        if cursor:
            query["page"] = cursor
        body = client.get_json(provider, url, headers=headers, params=query, classify=classify)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise BadResponse(provider, f"expected a page with a data list from {url.rsplit('/', 2)[-2:]}")
        yield body
        if not body.get("has_more"):
            return
        next_page = body.get("next_page")
        if not next_page or not isinstance(next_page, str):
            raise BadResponse(provider, "has_more is true but next_page is missing")
        cursor = next_page
        if cursor in seen:
            raise BadResponse(provider, f"the server repeated page cursor {cursor[:40]!r}; stopped to avoid looping")
        seen.add(cursor)
    raise BadResponse(provider, f"more than {MAX_PAGES} pages; stopped")


def fetch_reports(
    provider: str,
    *,
    client: HttpClient | None,
    settings: Settings | None,
    base: str,
    headers: Mapping[str, str],
    classify: Classify,
    usage: tuple[str, Query],
    costs: tuple[str, Query] | None,
) -> tuple[list[Page], list[Page]]:
    """Every page of the usage report and, when asked, of the cost report, on one client.
    `usage` and `costs` are (path, query) pairs; the client is closed here if we made it."""
    own = client is None
    client = client or make_client(settings)
    try:
        usage_pages = list(pages(client, provider, base + usage[0], headers=headers, params=usage[1], classify=classify))
        cost_pages = list(pages(client, provider, base + costs[0], headers=headers, params=costs[1], classify=classify)) if costs else []
    finally:
        if own:
            client.close()
    return usage_pages, cost_pages


@dataclass(frozen=True, slots=True)
class AdminReports:
    """One provider's organization usage API, as the shared import reads it."""

    provider: str
    source: str
    key_env: str
    where_to_get: str
    """Where an organization Admin key is made, for the message when the key is not set."""
    default_base_url: str
    headers: Callable[[str], dict[str, str]]
    """The request headers, from the admin key."""
    usage: Callable[[datetime], tuple[str, Query]]
    """The usage report's (path, query) from the start of the window."""
    costs: Callable[[datetime], tuple[str, Query]]
    """The cost report's (path, query) from the start of the window."""
    parse_usage: Callable[[list[Page]], list[UsageRow]]
    add_costs: Callable[[list[UsageRow], list[Page]], list[UsageRow]]
    """The usage rows with the cost report's amounts attached (and cost-only rows added)."""


class FetchOptions(TypedDict, total=False):
    """The keywords of an admin importer's `fetch` and `import_usage`."""

    base_url: str | None
    settings: Settings | None
    client: HttpClient | None
    costs: bool
    now: datetime | None


def fetch(
    api: AdminReports,
    days: int,
    *,
    base_url: str | None = None,
    settings: Settings | None = None,
    client: HttpClient | None = None,
    costs: bool = True,
    now: datetime | None = None,
) -> tuple[list[UsageRow], int]:
    """Fetch usage (and costs) for the last `days` days. Returns (rows, pages fetched)."""
    from .stats import window

    key = admin_key(api.provider, api.key_env, api.where_to_get)
    base = check_url(base_url or api.default_base_url, "--base-url")
    since, _ = window(days, now)
    usage_pages, cost_pages = fetch_reports(
        api.provider, client=client, settings=settings, base=base, headers=api.headers(key),
        classify=admin_classifier(api.key_env), usage=api.usage(since), costs=api.costs(since) if costs else None,
    )
    rows = api.parse_usage(usage_pages)
    if costs:
        rows = api.add_costs(rows, cost_pages)
    return rows, len(usage_pages) + len(cost_pages)


def import_usage(api: AdminReports, days: int, options: FetchOptions) -> ImportResult:
    """`fetch`, then write the rows to the open store."""
    from .records import write_rows

    rows, count = fetch(api, days, **options)
    result = write_rows(rows, source=api.source)
    result.notes.append(f"{count} pages fetched")
    return result
