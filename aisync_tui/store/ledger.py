"""The price ledger: dated price periods per model.

A changed price closes the current period (effective_until = when) and opens a new one; the same
price writes nothing. Callers run these inside their run's transaction.
"""

from __future__ import annotations

from datetime import datetime

from ..domain import PRICE_COMPONENTS, Price, utcnow
from .models import Price as PriceTable
from .queries import price_from_row

#: Higher wins when two sources price the same model (see pricing-feeds in the README).
SOURCE_TRUST: dict[str, int] = {"provider": 40, "litellm": 30, "genai-prices": 20, "snapshot": 10, "manual": 50}


def trust(source: str) -> int:
    return SOURCE_TRUST.get(source.split(":", 1)[0], 0)


class PriceLedger:
    """Reads and writes the `price` table for one model at a time."""

    @staticmethod
    def current_row(model_pk: int) -> PriceTable | None:
        return (
            PriceTable.select()
            .where((PriceTable.model == model_pk) & PriceTable.effective_until.is_null())
            .order_by(PriceTable.effective_from.desc())
            .first()
        )

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
        row = PriceLedger.current_row(model_pk) if current is False else current
        if row is not None:
            if price_from_row(row).same_as(price):
                return False
            close_at = effective_from if effective_from and effective_from > row.effective_from else now
            PriceTable.update(effective_until=close_at).where(PriceTable.id == row.id).execute()
        values = {name: getattr(price, name) for name in PRICE_COMPONENTS}
        PriceTable.create(
            model=model_pk,
            **values,
            tiers=[t.to_json() for t in price.tiers] or None,
            currency=price.currency,
            effective_from=effective_from or now,
            effective_until=None,
            source=source,
            recorded_at=now,
        )
        return True
