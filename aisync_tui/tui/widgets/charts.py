"""Text charts: Unicode sparklines and bars. Pure functions over numbers, so they render the same
in every terminal and in SVG snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | Decimal | None], *, floor_zero: bool = True) -> str:
    """One character per value; None is a gap (space). A flat series is drawn mid-height."""
    known = [float(v) for v in values if v is not None]
    if not known:
        return " " * len(values)
    low = 0.0 if floor_zero else min(known)
    high = max(known)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
            continue
        if high == low:
            out.append(BLOCKS[3] if high else BLOCKS[0])
            continue
        level = (float(v) - low) / (high - low)
        out.append(BLOCKS[max(0, min(len(BLOCKS) - 1, round(level * (len(BLOCKS) - 1))))])
    return "".join(out)


def bar(value: float | Decimal, maximum: float | Decimal, width: int) -> str:
    """A horizontal bar of `width` cells at most, with eighth-cell resolution."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = round(float(value) / float(maximum) * width * 8)
    full, rest = divmod(max(1, eighths), 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")


def step_series(
    periods: Sequence[tuple[datetime, datetime | None, Decimal | None]], end: datetime, width: int
) -> tuple[list[Decimal | None], date, date]:
    """Sample a step function (price periods: start, end or None, value) at `width` even points
    between the first start and `end`. Returns the samples and the first and last dates."""
    if not periods:
        return [], end.date(), end.date()
    start = min(p[0] for p in periods)
    span = max((end - start).total_seconds(), 1.0)
    samples: list[Decimal | None] = []
    for i in range(width):
        t = start + timedelta(seconds=span * (i + 0.5) / width)
        value = None
        for p_start, p_end, p_value in periods:
            if p_start <= t and (p_end is None or t < p_end):
                value = p_value
                break
        samples.append(value)
    return samples, start.date(), end.date()
