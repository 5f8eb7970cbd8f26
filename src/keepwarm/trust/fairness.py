"""The fairness report: each active client's share of revenue beside its share of our attention.

Seed 002 step 5: treat every client as the most important one, whether it brings 80 % of
the income or 5 %. So the flag compares a client's share of our touches with an *equal*
share (one in N), never with its share of revenue: a small client and a large one that get
the same attention are judged the same. Revenue is shown beside it only so the reader can
see where attention follows money.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q

from keepwarm.clients.models import Client, ClientStatus
from keepwarm.interactions.models import Direction
from keepwarm.trust.scoring import TOUCH_CHANNELS, TOUCH_WINDOW

# A client is flagged when its share of our touches is under this fraction of an equal share:
# with 25 active clients an equal share is 4 %, so under 2 % is "far below".
NEGLECT_FRACTION = Fraction(1, 2)
WINDOW_DAYS = TOUCH_WINDOW.days


@dataclass(frozen=True)
class FairnessRow:
    """One active client: what it pays, how much of our attention it got, and the flag."""

    client_id: int
    name: str
    annual_value: Decimal | None
    revenue_share: float | None  # 0..1 of the recorded values; None when it has no value
    touches: int
    attention_share: float  # 0..1 of all touches of active clients in the window
    neglected: bool
    standing: str  # "Far below", "Below" or "At or above" an equal share; "" with no touches

    @property
    def revenue_label(self) -> str:
        return "—" if self.revenue_share is None else percent(self.revenue_share)

    @property
    def attention_label(self) -> str:
        return percent(self.attention_share)


@dataclass(frozen=True)
class FairnessReport:
    """The shares of every active client, neglected first, and the yardstick they were held to."""

    rows: list[FairnessRow]
    touches: int  # all touches of active clients in the window
    total_value: Decimal  # the sum of the recorded yearly values
    valued: int  # how many active clients have a yearly value
    since: dt.datetime

    @property
    def clients(self) -> int:
        return len(self.rows)

    @property
    def equal_share(self) -> float:
        return 1 / len(self.rows) if self.rows else 0.0

    @property
    def threshold(self) -> float:
        return float(NEGLECT_FRACTION) * self.equal_share

    @property
    def neglected(self) -> list[FairnessRow]:
        return [row for row in self.rows if row.neglected]

    @property
    def equal_label(self) -> str:
        return percent(self.equal_share)

    @property
    def threshold_label(self) -> str:
        return percent(self.threshold)

    def sentence(self, row: FairnessRow) -> str:
        """Return the row in words: "Bakehouse: 5% of revenue, 1% of our attention — ..."."""
        revenue = (
            "no yearly value recorded"
            if row.revenue_share is None
            else (f"{percent(row.revenue_share)} of revenue")
        )
        text = f"{row.name}: {revenue}, {percent(row.attention_share)} of our attention"
        if row.neglected:
            text += f" — far below an equal share ({self.equal_label})"
        return text


def percent(share: float) -> str:
    """Return a share as a whole percentage, saying "under 1%" rather than rounding to 0%."""
    if 0 < share < 0.005:
        return "under 1%"
    return f"{int(100 * share + 0.5)}%"


def touches_filter(since: dt.datetime, until: dt.datetime) -> Q:
    """Return the interactions that count as our touches, as the trust score counts them."""
    # An email or message only when we sent it; a call, meeting or visit whoever started it.
    return Q(
        Q(interactions__direction=Direction.OUTBOUND)
        | Q(interactions__direction=Direction.INBOUND, interactions__channel__in=TOUCH_CHANNELS),
        interactions__occurred_at__gt=since,
        interactions__occurred_at__lte=until,
    )


def fairness_report(*, workspace_id: int, now: dt.datetime) -> FairnessReport:
    """Return every active client's revenue and attention shares, in one query."""
    since = now - TOUCH_WINDOW
    found = list(
        Client.objects.filter(workspace_id=workspace_id, status=ClientStatus.ACTIVE)
        .annotate(touches=Count("interactions", filter=touches_filter(since, now)))
        .values_list("pk", "name", "annual_value", "touches")
        .order_by()
    )
    touches = sum(n for *_, n in found)
    values = [value for _, _, value, _ in found if value is not None]
    total_value = sum(values, Decimal(0))
    rows = []
    for pk, name, value, n in found:
        share = n / touches if touches else 0.0
        # Compared in whole numbers (share < fraction / N), so 1 in 50 is never a rounding hair
        # under 2 %. With no touches at all there is nothing to compare: nobody is singled out.
        neglected = bool(touches) and n * len(found) < NEGLECT_FRACTION * touches
        standing = (
            ""
            if not touches
            else "Far below"
            if neglected
            else ("Below" if n * len(found) < touches else "At or above")
        )
        rows.append(
            FairnessRow(
                client_id=pk,
                name=name,
                annual_value=value,
                revenue_share=(
                    None if value is None else float(value / total_value) if total_value else 0.0
                ),
                touches=n,
                attention_share=share,
                neglected=neglected,
                standing=standing,
            )
        )
    rows.sort(key=lambda row: (row.attention_share, row.name.casefold(), row.client_id))
    return FairnessReport(
        rows=rows, touches=touches, total_value=total_value, valued=len(values), since=since
    )


def chart_rows(report: FairnessReport, *, top: int = 5, most: int = 12) -> list[FairnessRow]:
    """Return the rows worth a bar: the neglected, then the largest by revenue, at most `most`."""
    picked = report.neglected[:most]
    by_revenue = sorted(
        (row for row in report.rows if row.revenue_share is not None and not row.neglected),
        key=lambda row: (-(row.revenue_share or 0.0), row.name.casefold()),
    )
    picked += by_revenue[: max(0, min(top, most - len(picked)))]
    return picked
