"""The shapes the trust engine answers with: a client's score and its explained components."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """One record behind a component, e.g. an overdue promise, with a link to it."""

    label: str
    url: str


@dataclass(frozen=True)
class Component:
    """One part of the score: 0-100, its weight, why, the records behind it, what would raise it."""

    # responsiveness | update_consistency | promise_reliability | contact_recency | sentiment |
    # feedback | personal_touch
    key: str
    label: str
    score: float
    weight: float  # the effective weight after missing components' weight is shared out
    explanation: str
    advice: str = ""
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class Adjustment:
    """Something beside the components that moves the total: an open recovery case.

    It takes `penalty` points off the total and holds the band at `band_cap` or below.
    """

    key: str  # recovery_case
    label: str
    penalty: float
    band_cap: str  # a trust.models.Band value
    explanation: str = ""
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class ClientScore:
    """A client's trust score: None total and band when there is not enough history yet."""

    client_id: int
    total: float | None
    band: str | None  # a trust.models.Band value
    components: list[Component] = field(default_factory=list)
    # Open recovery cases: each lowers the total; while any is open the band is capped.
    adjustments: list[Adjustment] = field(default_factory=list)

    @property
    def enough_history(self) -> bool:
        return self.total is not None
