"""Status colours that stay legible in every theme.

A theme's own `$text-success`, `$text-warning`, `$text-error` and `$text-muted` are tuned for
its background and often fall below a 4.5:1 contrast on the panels the app draws them on (green on
light grey in textual-light). For each status the app picks, per theme, the first of the
theme's own shades of that colour that reaches the target contrast on the app's backgrounds, and
falls back to the plain text colour. The app exposes them as CSS variables (`$status-ok`, …)."""

from __future__ import annotations

from collections.abc import Mapping

from textual.color import Color

TARGET = 4.6
"""A little over WCAG's 4.5:1, so rounding in a terminal never takes it under."""

#: variable -> the theme colour it is a shade of.
STATUS = {"status-ok": "success", "status-warning": "warning", "status-error": "error", "status-accent": "accent"}


def _luminance(c: Color) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(a: Color, b: Color) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _parse(value: str | None) -> Color | None:
    if not value:
        return None
    try:
        return Color.parse(value)
    except Exception:  # "auto 60%" and other forms that are not a colour
        return None


def status_colours(variables: Mapping[str, str]) -> dict[str, str]:
    backgrounds = [c for c in (_parse(variables.get(k)) for k in ("surface", "panel", "background", "boost")) if c is not None]
    base = _parse(variables.get("surface")) or Color(0, 0, 0)
    backgrounds = [base + c if c.a < 1 else c for c in backgrounds]
    text = _parse(variables.get("foreground")) or Color(255, 255, 255)

    def legible(c: Color) -> bool:
        return all(contrast(c, bg) >= TARGET for bg in backgrounds)

    out: dict[str, str] = {}
    dark = _luminance(base) < 0.2
    for name, colour in STATUS.items():
        shades = [f"text-{colour}", colour]
        steps = ("lighten-1", "lighten-2", "lighten-3") if dark else ("darken-1", "darken-2", "darken-3")
        shades += [f"{colour}-{s}" for s in steps]
        chosen = next((c for c in (_parse(variables.get(s)) for s in shades) if c is not None and legible(base + c)), text)
        out[name] = (base + chosen).hex
    # Muted: the faintest blend of the text colour into the surface that still reads.
    muted = next((c for c in (base.blend(text, f / 100) for f in range(55, 101, 5)) if legible(c)), text)
    out["status-muted"] = muted.hex
    return out
