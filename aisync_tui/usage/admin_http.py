"""What the OpenAI and Anthropic admin importers share: the admin key, the base URL check, the
HTTP client with the configured timeouts and retries, and the `has_more`/`next_page` page loop."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from ..errors import BadResponse, InvalidApiKey, NotConfigured, PermissionDenied, ProviderError, register_secret

if TYPE_CHECKING:
    from ..config import Settings
    from ..providers.http import HttpClient

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


def admin_classifier(admin_env: str) -> Callable[[str, int, Any], ProviderError]:
    """The usual error mapping, worded for the admin endpoints (a project key gets 401/403 here)."""
    from ..providers.http import classify_error

    def classify(provider: str, status: int, body: Any) -> ProviderError:
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
    client: Any, provider: str, url: str, *, headers: Mapping[str, str], params: Mapping[str, Any], classify: Callable[[str, int, Any], ProviderError]
) -> Iterator[dict[str, Any]]:
    """Every page of a `{data, has_more, next_page}` listing, following `page=next_page`."""
    cursor: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        query = dict(params)
        if cursor:
            query["page"] = cursor
        body = client.get_json(provider, url, headers=headers, params=query, classify=classify)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise BadResponse(provider, f"expected a page with a data list from {url.rsplit('/', 2)[-2:]}")
        yield body
        if not body.get("has_more"):
            return
        cursor = body.get("next_page")
        if not cursor or not isinstance(cursor, str):
            raise BadResponse(provider, "has_more is true but next_page is missing")
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
    classify: Callable[[str, int, Any], ProviderError],
    usage: tuple[str, Mapping[str, Any]],
    costs: tuple[str, Mapping[str, Any]] | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
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
