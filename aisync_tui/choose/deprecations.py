"""Models going away: every model with a deprecation (or retirement) date, soonest first, with
whether the user has used it recently. `models deprecations` and the "deprecation" notification
both read this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from ..domain import stored_time, utcnow
from ..jsonvalue import JSONOut

#: What "used recently" means for deprecations and notifications.
RECENT_DAYS = 30


@dataclass(frozen=True, slots=True)
class Deprecation:
    provider: str
    model_id: str
    name: str | None
    status: str
    date: datetime
    available: bool
    last_used: datetime | None
    """The latest usage record within the recent window, if any."""

    @property
    def used(self) -> bool:
        return self.last_used is not None

    def days_left(self, now: datetime) -> int:
        return (self.date.date() - now.date()).days

    def to_json(self, now: datetime) -> JSONOut:
        return {
            "provider": self.provider, "id": self.model_id, "name": self.name, "status": self.status,
            "deprecation_date": self.date.strftime("%Y-%m-%d"), "days_left": self.days_left(now),
            "available": self.available, "used_recently": self.used,
            "last_used": None if self.last_used is None else self.last_used.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def recent_usage(days: int = RECENT_DAYS, now: datetime | None = None) -> dict[tuple[str, str], datetime]:
    """(provider, model id as recorded) -> latest use within the last `days` days."""
    import peewee as pw

    from ..store.models import UsageRecord as U
    from ..store.models import tuples

    since = (now or utcnow()) - timedelta(days=days)
    query = U.select(U.provider, U.model_id, pw.fn.MAX(U.ts)).where(U.ts >= since).group_by(U.provider, U.model_id)
    rows = tuples(query)
    out: dict[tuple[str, str], datetime] = {}
    for provider, model_id, last in rows:
        when = stored_time(last)
        if when is not None:
            out[(provider, model_id)] = when
    return out


def used_by(provider: str, model_id: str, aliases: Iterable[str], usage: dict[tuple[str, str], datetime]) -> datetime | None:
    """The latest recent use of a model under its id or any alias its provider stated."""
    times = [usage[(provider, m)] for m in (model_id, *aliases) if (provider, m) in usage]
    return max(times) if times else None


def deprecations(*, within: int | None = None, used_only: bool = False, now: datetime | None = None) -> list[Deprecation]:
    """Models with a date, soonest first (past dates included: those are already gone or going).
    within: only the coming dates, from today up to that many days ahead."""
    from ..store.models import Model, Provider, tuples

    now = now or utcnow()
    usage = recent_usage(now=now)
    query = (
        Model.select(Provider.slug, Model.model_id, Model.name, Model.status, Model.deprecated_at, Model.available, Model.aliases)
        .join(Provider)
        .where(Model.deprecated_at.is_null(False))
    )
    if within is not None:
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        query = query.where((Model.deprecated_at >= today) & (Model.deprecated_at <= now + timedelta(days=within)))
    out = []
    rows = tuples(query)
    for slug, model_id, name, status, date, available, aliases in rows:
        when = stored_time(date)
        if when is None:
            continue
        if isinstance(aliases, str):
            import json

            aliases = json.loads(aliases)
        last = used_by(slug, model_id, aliases or (), usage)
        if used_only and last is None:
            continue
        out.append(Deprecation(slug, model_id, name, status, when, bool(available), last))
    out.sort(key=lambda d: (d.date, d.provider, d.model_id))
    return out
