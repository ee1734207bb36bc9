"""Provider kind -> adapter class. Imports are lazy so `aisync --help` stays fast."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ..events import EmitFn, ignore
from ..provider_spec import adapter_paths

if TYPE_CHECKING:  # only for annotations: `has_adapter` must not import httpx (the app's
    # provider pane calls it on the UI thread at launch; bench/README.md)
    from ..config import ProviderSettings
    from .base import ProviderAdapter
    from .http import HttpClient

#: kind -> "module:Class" under aisync_tui.providers, from the provider specs.
ADAPTERS: dict[str, str] = adapter_paths()


def has_adapter(kind: str) -> bool:
    return kind in ADAPTERS


def adapter_class(kind: str) -> type[ProviderAdapter]:
    module_name, cls_name = ADAPTERS[kind].split(":")
    module = importlib.import_module(f"aisync_tui.providers.{module_name}")
    cls: type[ProviderAdapter] = getattr(module, cls_name)
    return cls


def make_adapter(settings: ProviderSettings, client: HttpClient, emit: EmitFn = ignore) -> ProviderAdapter:
    return adapter_class(settings.kind)(settings, client, emit)
