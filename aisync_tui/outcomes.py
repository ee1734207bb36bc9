"""What a run (model sync or pricing sync) did, per provider: shared by the runners, the commands
and the app, so neither sync package imports the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from .errors import EXIT_OK, EXIT_PROVIDER_FAILED

if TYPE_CHECKING:
    from .domain import RemoteModel
    from .errors import ProviderError


class Plan(Protocol):
    """A provider's plan as a summary sees it (sync.plan.ProviderPlan, pricing.plan.PricingPlan)."""

    provider: str

    def counts(self) -> dict[str, int]: ...


@dataclass
class ProviderOutcome:
    provider: str
    status: str
    """ok, failed, skipped, planned, dry_run, cancelled"""
    plan: Any = None
    """The provider's Plan (a ProviderPlan for models, a PricingPlan for pricing), None when not planned."""
    error: ProviderError | None = None
    skip_reason: str = ""
    skip_detail: str = ""
    elapsed: float = 0.0
    remote: list[RemoteModel] = field(default_factory=list)
    run_id: int | None = None
    refused: int = 0
    """Values from the provider that were out of range or malformed (each made unknown)."""


@dataclass
class RunSummary:
    kind: str
    group: str
    dry_run: bool
    started_at: datetime
    finished_at: datetime | None = None
    outcomes: list[ProviderOutcome] = field(default_factory=list)
    cancelled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> list[ProviderOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def synced(self) -> list[ProviderOutcome]:
        return [o for o in self.outcomes if o.plan is not None and o.status in ("ok", "dry_run", "planned")]

    @property
    def exit_code(self) -> int:
        return EXIT_PROVIDER_FAILED if self.failed else EXIT_OK

    def totals(self) -> dict[str, int]:
        """Every count the plans report, summed (a pricing plan adds unmatched, enriched, ...)."""
        out = dict.fromkeys(("found", "added", "updated", "unchanged", "missing", "prices_changed"), 0)
        for o in self.synced:
            for k, v in o.plan.counts().items():
                out[k] = out.get(k, 0) + v
        return out
