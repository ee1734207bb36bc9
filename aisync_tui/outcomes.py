"""What a run (model sync or pricing sync) did, per provider: shared by the runners, the commands
and the app, so neither sync package imports the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Generic, Protocol, TypedDict, TypeVar

from .errors import EXIT_OK, EXIT_PROVIDER_FAILED

if TYPE_CHECKING:
    from .domain import RemoteModel
    from .errors import ProviderError


class Plan(Protocol):
    """A provider's plan as a summary sees it (sync.plan.ProviderPlan, pricing.plan.PricingPlan)."""

    provider: str
    guard: str | None
    """Why the plan holds back what it would otherwise do (a list that shrank too much), if it does."""

    @property
    def found(self) -> int:
        """Models the provider's list (or the feed) holds."""

    @property
    def has_changes(self) -> bool: ...

    def counts(self) -> dict[str, int]: ...


#: The kind of plan a run makes. Covariant: a summary of model plans is read as a summary of plans
#: by whatever reads either kind (notifications, the run log); only its runner adds outcomes.
PlanT = TypeVar("PlanT", bound=Plan, covariant=True)


@dataclass
class ProviderOutcome(Generic[PlanT]):
    provider: str
    status: str
    """ok, failed, skipped, planned, dry_run, cancelled"""
    plan: PlanT | None = None
    """The provider's plan (a ProviderPlan for models, a PricingPlan for pricing), None when not planned."""
    error: ProviderError | None = None
    skip_reason: str = ""
    skip_detail: str = ""
    elapsed: float = 0.0
    remote: list[RemoteModel] = field(default_factory=list)
    run_id: int | None = None
    refused: int = 0
    """Values from the provider that were out of range or malformed (each made unknown)."""


class FeedUsed(TypedDict):
    """One price feed a pricing sync read, and where from."""

    feed: str
    origin: str
    """remote, file, cache or snapshot"""
    revision: str
    models: int
    source: str


class RunExtra(TypedDict, total=False):
    """What a run reports besides its outcomes (a pricing sync: its feeds, warnings and notices)."""

    feeds: list[FeedUsed]
    warnings: list[str]
    notices: list[str]
    usage_priced: int
    """Usage records priced by this pricing sync (their model had no price when imported)."""


@dataclass
class RunSummary(Generic[PlanT]):
    kind: str
    group: str
    dry_run: bool
    started_at: datetime
    finished_at: datetime | None = None
    outcomes: list[ProviderOutcome[PlanT]] = field(default_factory=list)
    cancelled: bool = False
    extra: RunExtra = field(default_factory=RunExtra)

    @property
    def failed(self) -> list[ProviderOutcome[PlanT]]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def synced(self) -> list[ProviderOutcome[PlanT]]:
        return [o for o in self.outcomes if o.plan is not None and o.status in ("ok", "dry_run", "planned")]

    @property
    def exit_code(self) -> int:
        return EXIT_PROVIDER_FAILED if self.failed else EXIT_OK

    def totals(self) -> dict[str, int]:
        """Every count the plans report, summed (a pricing plan adds unmatched, enriched, ...)."""
        out = dict.fromkeys(("found", "added", "updated", "unchanged", "missing", "prices_changed"), 0)
        for o in self.synced:
            if o.plan is None:
                continue
            for k, v in o.plan.counts().items():
                out[k] = out.get(k, 0) + v
        return out
