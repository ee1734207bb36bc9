"""Colours for text the app builds as Rich renderables (the preview, the detail screen): the
current theme's legible status colours (legible.py), so they read in every theme."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True)
class Palette:
    ok: str = "green"
    warn: str = "yellow"
    err: str = "red"
    muted: str = "dim"
    accent: str = "cyan"


PLAIN = Palette()
"""Named terminal colours: for output outside the app (and tests that do not look at colour)."""


def palette_for(app: App[object]) -> Palette:
    """The running app's palette for its current theme."""
    v = app.get_css_variables()
    return Palette(ok=v["status-ok"], warn=v["status-warning"], err=v["status-error"], muted=v["status-muted"], accent=v["status-accent"])
