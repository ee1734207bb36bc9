"""The price ledger: dated price periods per model.

A changed price closes the current period (effective_until = when) and opens a new one; the same
price writes nothing. Callers run these inside their run's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Sequence

from ..domain import PRICE_COMPONENTS, Price, other_to_json, utcnow
from .models import Price as PriceTable
from .queries import price_from_row

#: Higher wins when two sources price the same model (see pricing-feeds in the README).
SOURCE_TRUST: dict[str, int] = {"provider": 40, "litellm": 30, "genai-prices": 20, "models.dev": 15, "snapshot": 10, "manual": 50}


def trust(source: str) -> int:
    return SOURCE_TRUST.get(source.split(":", 1)[0], 0)


class PriceLedger:
    """Reads and writes the `price` table for one model at a time."""

    @staticmethod
    def current_row(model_pk: int) -> PriceTable | None:
        row: PriceTable | None = (
            PriceTable.select()
            .where((PriceTable.model == model_pk) & PriceTable.effective_until.is_null())
            .order_by(PriceTable.effective_from.desc())
            .first()
        )
        return row

    @staticmethod
    def current(model_pk: int) -> Price | None:
        row = PriceLedger.current_row(model_pk)
        return price_from_row(row) if row else None

    @staticmethod
    def record(
        model_pk: int,
        price: Price,
        source: str,
        *,
        at: datetime | None = None,
        effective_from: datetime | None = None,
        current: PriceTable | None | bool = False,
    ) -> bool:
        """Make `price` the current price. Returns True when something was written.

        `current` may pass the already-loaded current row (or None) to save a query in bulk runs.
        """
        if price.is_empty():
            return False
        now = at or utcnow()
        row = PriceLedger.current_row(model_pk) if isinstance(current, bool) else current
        if row is not None:
            if price_from_row(row).same_as(price):
                return False
            close_at = effective_from if effective_from and effective_from > row.effective_from else now
            PriceTable.update(effective_until=close_at).where(PriceTable.id == row.id).execute()
        values = {name: getattr(price, name) for name in PRICE_COMPONENTS}
        PriceTable.create(
            model=model_pk,
            **values,
            other=other_to_json(price.other) or None,
            tiers=[t.to_json() for t in price.tiers] or None,
            currency=price.currency,
            effective_from=effective_from or now,
            effective_until=None,
            source=source,
            recorded_at=now,
        )
        return True


@dataclass(frozen=True, slots=True)
class LedgerWrite:
    """One model's new current price, for `record_many`. The caller has already compared it with
    the current period (`current_id`, `current_from`) and decided it must be written."""

    model_pk: int
    price: Price
    source: str
    effective_from: datetime | None = None
    """When the price took effect (a feed's dated start), else the sync time."""
    current_id: int | None = None
    current_from: datetime | None = None
    history: tuple[tuple[datetime, datetime, Price], ...] = ()
    """Closed earlier periods (from, until, price) to record when the model has no period yet."""


def record_many(
    writes: Sequence[LedgerWrite],
    *,
    at: datetime,
    chunk: int = 400,
    insert: Callable[[list[dict[str, object]]], None] | None = None,
) -> int:
    """Bulk `PriceLedger.record`: close each current period and open the new one, in few queries.

    A dated `effective_from` is kept only if it is later than the period it closes (periods never
    overlap); otherwise the change takes effect now. Returns the number of new current periods.
    `insert` may replace Peewee's insert_many (e.g. store.bulk.bulk_insert on SQLite).
    """
    closes: dict[datetime, list[int]] = {}
    rows: list[dict[str, object]] = []
    for w in writes:
        start = w.effective_from
        if start is not None and w.current_from is not None and start <= w.current_from:
            start = None
        start = start or at
        if w.current_id is not None:
            closes.setdefault(start, []).append(w.current_id)
        elif w.history:
            for h_from, h_until, h_price in w.history:
                if h_until <= start:
                    rows.append(_row(w.model_pk, h_price, w.source, h_from, h_until, at))
        rows.append(_row(w.model_pk, w.price, w.source, start, None, at))
    for until, ids in closes.items():
        for i in range(0, len(ids), chunk):
            PriceTable.update(effective_until=until).where(PriceTable.id.in_(ids[i : i + chunk])).execute()
    for i in range(0, len(rows), chunk):
        if insert is not None:
            insert(rows[i : i + chunk])
        else:
            PriceTable.insert_many(rows[i : i + chunk]).execute()
    return len(writes)


def _row(model_pk: int, price: Price, source: str, start: datetime, until: datetime | None, at: datetime) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(price, name) for name in PRICE_COMPONENTS}
    values.update(
        model=model_pk,
        other=other_to_json(price.other) or None,
        tiers=[t.to_json() for t in price.tiers] or None,
        currency=price.currency,
        effective_from=start,
        effective_until=until,
        source=source,
        recorded_at=at,
    )
    return values
