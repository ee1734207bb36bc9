"""What a run reports as it goes. The headless printer and the TUI log consume the same events;
`render.words.describe()` is the one place that turns them into sentences.

Events are plain frozen dataclasses and carry no secrets (URLs are logged without query strings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, TypeVar

if TYPE_CHECKING:
    from .outcomes import Plan, RunSummary
    from .sync.plan import ProviderPlan


class Event:
    """Marker base class."""

    __slots__ = ()


@dataclass(frozen=True)
class RunStarted(Event):
    kind: str
    providers: tuple[str, ...]
    dry_run: bool = False
    group: str = ""


@dataclass(frozen=True)
class ProviderStarted(Event):
    provider: str
    kind: str = "models"


@dataclass(frozen=True)
class ProviderSkipped(Event):
    provider: str
    reason: str
    """recently_synced, disabled, not_configured"""
    detail: str = ""


@dataclass(frozen=True)
class RequestFinished(Event):
    provider: str
    method: str
    url: str
    status: int
    elapsed: float
    attempt: int = 1


@dataclass(frozen=True)
class RequestRetrying(Event):
    provider: str
    url: str
    reason: str
    wait: float
    attempt: int


@dataclass(frozen=True)
class PageFetched(Event):
    provider: str
    page: int
    items: int


@dataclass(frozen=True)
class ProviderFetched(Event):
    provider: str
    count: int
    elapsed: float


@dataclass(frozen=True)
class ProviderPlanned(Event):
    provider: str
    plan: ProviderPlan
    """The provider's model plan (imported for type checking only: this module imports nothing of ours)."""


@dataclass(frozen=True)
class BatchApplied(Event):
    provider: str
    done: int
    total: int


@dataclass(frozen=True)
class ProviderApplied(Event):
    provider: str
    kind: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    prices_changed: int = 0
    elapsed: float = 0.0


@dataclass(frozen=True)
class ProviderFailed(Event):
    provider: str
    error: str
    hint: str = ""
    kind: str = "error"


@dataclass(frozen=True)
class Warning(Event):
    provider: str | None
    message: str


@dataclass(frozen=True)
class ValuesRefused(Event):
    """Values a provider sent that were out of range or malformed: each became unknown (or its
    model was skipped). Shown with `--verbose`."""

    provider: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Progress(Event):
    """Free-form progress line for long steps (feed download, matching)."""

    provider: str | None
    message: str
    done: int = 0
    total: int = 0


@dataclass(frozen=True)
class RunFinished(Event):
    kind: str
    summary: RunSummary[Plan]
    cancelled: bool = False


E = TypeVar("E", bound=Event)


def ignore(event: Event) -> None:
    """An `emit` that drops everything."""


@dataclass
class Recorder:
    """An `emit` that keeps every event (tests, the TUI's log replay)."""

    events: list[Event] = field(default_factory=list)

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, cls: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, cls)]


EmitFn = Callable[[Event], None]
