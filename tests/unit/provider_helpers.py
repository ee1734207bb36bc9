"""Shared set-up for the per-provider unit tests: an adapter with a fixed key and base URL that
does not depend on the developer's environment, and an HTTP client that never sleeps."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aisync_tui.config import KNOWN_PROVIDERS, ProviderSettings
from aisync_tui.providers.http import HttpClient, HttpOptions
from aisync_tui.providers.registry import adapter_class

#: A variable no test environment sets, so the key always comes from `api_key`.
NO_ENV = ("AISYNC_TEST_UNSET_VARIABLE",)


def settings_for(slug: str, *, key: str | None = "test-key-0123456789", base_url: str | None = None, **changes: Any) -> ProviderSettings:
    spec = KNOWN_PROVIDERS.get(slug)
    if spec is None:  # a custom openai-compatible endpoint
        base = ProviderSettings(slug, slug, "openai-compatible", True, NO_ENV, base_url or "http://127.0.0.1:9/v1", needs_key=False)
    else:
        base = ProviderSettings(
            spec.slug, spec.name, spec.kind, True, NO_ENV, spec.base_url, needs_key=spec.needs_key, publishes_prices=spec.publishes_prices
        )
    return replace(base, api_key=key, base_url=base_url or base.base_url, **changes)


def make(slug: str, *, events: list[Any] | None = None, retry_attempts: int = 1, **kw: Any) -> Any:
    settings = settings_for(slug, **kw)
    client = HttpClient(HttpOptions(retry_attempts=retry_attempts, backoff_base=0.0), sleep=lambda s: None)
    emit = events.append if events is not None else (lambda e: None)
    return adapter_class(settings.kind)(settings, client, emit)
