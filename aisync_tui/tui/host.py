"""What screens ask of the app, as a type: screens call the app through this protocol instead of
importing the app class (which imports them)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.worker import Worker

    from ..config import Settings


@runtime_checkable
class AppHost(Protocol):
    seed_done: threading.Event

    def load_catalog(self, first: bool = False) -> Worker[None]: ...
    def open_model(self, provider: str, model_id: str) -> None: ...
    def load_usage(self) -> Worker[None]: ...
    def load_runs(self) -> Worker[None]: ...
    def apply_settings(self, settings: Settings) -> None: ...


def host(node: MessagePump) -> AppHost:
    """The running app of a screen or widget, typed (checked: a host app without these is a bug)."""
    app = node.app
    if not isinstance(app, AppHost):
        raise TypeError(f"{type(app).__name__} does not offer what the aisync screens ask of the app")
    return app
