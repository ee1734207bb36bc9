"""What screens ask of the app, as a type: screens call the app through this protocol instead of
importing the app class (which imports them)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from ..config import Settings


class AppHost(Protocol):
    seed_done: threading.Event

    def load_catalog(self, first: bool = False) -> Any: ...
    def open_model(self, provider: str, model_id: str) -> None: ...
    def load_usage(self) -> Any: ...
    def load_runs(self) -> Any: ...
    def apply_settings(self, settings: Settings) -> None: ...


def host(widget: Any) -> AppHost:
    """The running app of a screen or widget, typed."""
    return cast(AppHost, widget.app)
