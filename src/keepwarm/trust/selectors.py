"""Reads of trust scores that pages and the API share: snapshots, history and Insights tables."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateField,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from keepwarm.accounts.models import Membership, User, Workspace
from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.models import Direction, Interaction
from keepwarm.trust.models import BAND_ORDER, Band, FeltCloseness, TrustSnapshot

HISTORY_DAYS = 180
FALL_DAYS = 30
PROMISE_DAYS = 180
REPLY_DAYS = 90
MONTHS = 6
# Felt and computed bands this far apart (or further) are worth a conversation.
MISMATCH_BANDS = 2

HOUR = 3600
DAY = 24 * HOUR
# Upper bounds (exclusive) of the reply-time buckets; the last bucket is open-ended.
REPLY_BUCKETS = [
    ("Under 1 hour", HOUR),
    ("1 to 4 hours", 4 * HOUR),
    ("4 to 24 hours", DAY),
    ("1 to 3 days", 3 * DAY),
    ("Over 3 days", None),
]

BAND_LABELS = dict(Band.choices)


def band_label(band: str | None) -> str:
    """Return a band's word ("Warm"), or "" for no band."""
    return BAND_LABELS.get(band or "", "")


def band_distance(first: str | None, second: str | None) -> int | None:
    """Return how many bands apart two bands are, or None when either is missing."""
    order = [band.value for band in BAND_ORDER]
    if first not in order or second not in order:
        return None
    return abs(order.index(first) - order.index(second))  # type: ignore[arg-type]


def is_mismatch(felt: str | None, computed: str | None) -> bool:
    """Return whether felt and computed closeness are two bands or more apart."""
    distance = band_distance(felt, computed)
    return distance is not None and distance >= MISMATCH_BANDS


# Snapshots ---------------------------------------------------------------------------------


def _today_snapshot(day: dt.date) -> QuerySet[TrustSnapshot]:
    return TrustSnapshot.objects.filter(client=OuterRef("pk"), day=day)


def with_today_score(clients: QuerySet[Client], day: dt.date) -> QuerySet[Client]:
    """Annotate each client with `trust_total` and `trust_band` from its snapshot of `day`."""
    snapshot = _today_snapshot(day)
    return clients.annotate(
        trust_total=Subquery(snapshot.values("total")[:1], output_field=FloatField()),
        trust_band=Subquery(snapshot.values("band")[:1]),
    )


# Sorts of the clients list by today's score; clients without one go last either way.
SCORE_SORTS = {
    "-score": (F("trust_total").desc(nulls_last=True), F("name").asc(), F("pk").asc()),
    "score": (F("trust_total").asc(nulls_last=True), F("name").asc(), F("pk").asc()),
}
NO_BAND = "none"


def filter_band(clients: QuerySet[Client], band: str) -> QuerySet[Client]:
    """Keep the clients in `band` today; NO_BAND keeps those without enough history."""
    if band == NO_BAND:
        return clients.filter(Q(trust_band__isnull=True) | Q(trust_band=""))
    return clients.filter(Q(trust_band=band))


def snapshots_on(workspace_id: int, day: dt.date) -> QuerySet[TrustSnapshot]:
    """Return the workspace's snapshots of `day` with their clients."""
    return TrustSnapshot.objects.filter(workspace_id=workspace_id, day=day).select_related("client")


def score_history(
    client: Client, *, today: dt.date, days: int = HISTORY_DAYS
) -> list[tuple[dt.date, float | None, str]]:
    """Return (day, total, band) of a client's snapshots before today, oldest first."""
    start = today - dt.timedelta(days=days)
    rows = TrustSnapshot.objects.filter(client=client, day__gte=start, day__lt=today).order_by(
        "day"
    )
    return list(rows.values_list("day", "total", "band"))


def may_set_felt_closeness(membership: Membership, client: Client) -> bool:
    """Return whether this member may record how close the relationship feels."""
    if not membership.can_write:
        return False
    return membership.can_manage or client.owner_id == membership.user_id


def felt_count(workspace_id: int) -> int:
    """Return how many clients have a felt closeness recorded."""
    return FeltCloseness.objects.filter(workspace_id=workspace_id).count()


def felt_closeness_of(client: Client) -> FeltCloseness | None:
    """Return how close the relationship feels, when someone recorded it."""
    return FeltCloseness.objects.filter(client=client).select_related("recorded_by").first()


# Insights ----------------------------------------------------------------------------------


def band_counts(workspace_id: int, day: dt.date) -> dict[str, int]:
    """Return how many clients sit in each band on `day` ("" counts those without one)."""
    rows = (
        TrustSnapshot.objects.filter(workspace_id=workspace_id, day=day)
        .values("band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["band"]: row["n"] for row in rows}


def month_starts(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    """Return the first days of the last `months` months, this one last."""
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def band_counts_by_month(
    workspace_id: int, today: dt.date, months: int = MONTHS
) -> list[tuple[dt.date, dict[str, int]]]:
    """Return, per month, how many clients sat in each band at the month's end.

    The month's end is the last day scores were stored in it (today for this month). Every
    day that scores are stored at all, every client gets one, so that day's snapshots are
    the month-end snapshot of every client there was; reading just those days keeps this to
    two index lookups instead of a scan of six months of daily rows.
    """
    starts = month_starts(today, months)
    ends = [later - dt.timedelta(days=1) for later in starts[1:]] + [today]
    stored = TrustSnapshot.objects.filter(workspace_id=workspace_id)
    last_days = {
        f"m{index}": Subquery(
            stored.filter(day__gte=start, day__lte=end).order_by("-day").values("day")[:1],
            output_field=DateField(),
        )
        for index, (start, end) in enumerate(zip(starts, ends, strict=True))
    }
    found = Workspace.objects.filter(pk=workspace_id).values(**last_days).first() or {}
    month_of_day = {
        day: starts[index] for index in range(months) if (day := found.get(f"m{index}")) is not None
    }
    counts: dict[dt.date, dict[str, int]] = {start: {} for start in starts}
    rows = (
        stored.filter(day__in=list(month_of_day))
        .values("day", "band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[month_of_day[row["day"]]][row["band"]] = row["n"]
    return [(start, counts[start]) for start in starts]


def score_falls(
    workspace_id: int, today: dt.date, *, days: int = FALL_DAYS, limit: int = 10
) -> list[TrustSnapshot]:
    """Return today's snapshots whose total fell most since `days` ago, steepest first.

    "Then" is the client's earliest score within the window, so a client scored for only part
    of it still shows how far they fell.
    """
    earlier = TrustSnapshot.objects.filter(
        client_id=OuterRef("client_id"),
        day__gte=today - dt.timedelta(days=days),
        day__lt=today,
        total__isnull=False,
    ).order_by("day")
    return list(
        snapshots_on(workspace_id, today)
        .filter(total__isnull=False)
        .annotate(
            then_total=Subquery(earlier.values("total")[:1], output_field=FloatField()),
            then_day=Subquery(earlier.values("day")[:1]),
            then_band=Subquery(earlier.values("band")[:1]),
        )
        .annotate(fall=F("then_total") - F("total"))
        .filter(fall__gte=1)
        .order_by("-fall", "client__name", "pk")[:limit]
    )


@dataclass
class PromiseTally:
    """How one client's or teammate's promises due in the window turned out."""

    name: str
    kept: int
    late: int
    broken: int
    overdue: int
    client: Client | None = None
    user: User | None = None
    trust_score: float | None = None

    @property
    def count(self) -> int:
        return self.kept + self.late + self.broken + self.overdue

    @property
    def rate(self) -> float:
        """Return kept 1, late 0.5, broken and overdue 0, as a percent (no prior)."""
        return 100 * (self.kept + 0.5 * self.late) / self.count if self.count else 0.0


def _promise_tallies(workspace_id: int, today: dt.date, days: int, *group: str) -> list[Any]:
    """Return kept, late, broken and overdue counts of the promises due in the window, grouped."""
    # A renegotiated promise is replaced by a new one, which counts when it falls due.
    due = (
        Commitment.objects.filter(
            workspace_id=workspace_id,
            due_on__gt=today - dt.timedelta(days=days),
            due_on__lte=today,
        )
        .exclude(status=CommitmentStatus.RENEGOTIATED)
        .order_by()
    )
    return list(
        due.values(*group).annotate(
            kept=Count("pk", filter=Q(status=CommitmentStatus.KEPT)),
            late=Count("pk", filter=Q(status=CommitmentStatus.LATE)),
            broken=Count("pk", filter=Q(status=CommitmentStatus.BROKEN)),
            # Due today is not late yet.
            overdue=Count("pk", filter=Q(status=CommitmentStatus.OPEN, due_on__lt=today)),
        )
    )


def promise_tallies_by_client(
    workspace_id: int, today: dt.date, *, days: int = PROMISE_DAYS, limit: int = 20
) -> tuple[list[PromiseTally], int]:
    """Return the clients with promises due in the window, least reliable first, and how many."""
    rows = _promise_tallies(workspace_id, today, days, "client_id", "client__name")
    tallies = [
        PromiseTally(
            name=row["client__name"],
            kept=row["kept"],
            late=row["late"],
            broken=row["broken"],
            overdue=row["overdue"],
            client=Client(pk=row["client_id"], name=row["client__name"]),
        )
        for row in rows
    ]
    tallies = [t for t in tallies if t.count]
    tallies.sort(key=lambda t: (t.rate, -t.count, t.name.lower()))
    return tallies[:limit], len(tallies)


def promise_tallies_by_member(
    workspace_id: int, today: dt.date, *, days: int = PROMISE_DAYS
) -> list[PromiseTally]:
    """Return each promise owner's tally in the window, least reliable first."""
    rows = _promise_tallies(workspace_id, today, days, "owner_id", "owner__name", "owner__email")
    tallies = []
    for row in rows:
        user = None
        name = "Nobody (no owner set)"
        if row["owner_id"] is not None:
            user = User(pk=row["owner_id"], name=row["owner__name"], email=row["owner__email"])
            name = user.display_name
        tally = PromiseTally(
            name=name,
            kept=row["kept"],
            late=row["late"],
            broken=row["broken"],
            overdue=row["overdue"],
            user=user,
        )
        if tally.count:
            tallies.append(tally)
    tallies.sort(key=lambda t: (t.rate, -t.count, t.name.lower()))
    return tallies


def component_scores(
    workspace_id: int, day: dt.date, client_ids: list[int], key: str
) -> dict[int, float]:
    """Return one component's score from the snapshots of `day`, by client id."""
    rows = TrustSnapshot.objects.filter(
        workspace_id=workspace_id, day=day, client_id__in=client_ids
    ).values_list("client_id", "components")
    out = {}
    for client_id, components in rows:
        part = (components or {}).get(key)
        if isinstance(part, dict) and part.get("score") is not None:
            out[client_id] = float(part["score"])
    return out


def _replies(workspace_id: int, now: dt.datetime, days: int) -> QuerySet[Interaction]:
    return Interaction.objects.filter(
        workspace_id=workspace_id,
        direction=Direction.INBOUND,
        first_response_seconds__isnull=False,
        occurred_at__gte=now - dt.timedelta(days=days),
        occurred_at__lte=now,
    )


def reply_time_buckets(
    workspace_id: int, now: dt.datetime, *, days: int = REPLY_DAYS
) -> list[tuple[str, int]]:
    """Return how many client messages we first answered within each time bucket."""
    counts = {}
    low = 0
    for index, (_, high) in enumerate(REPLY_BUCKETS):
        span = Q(first_response_seconds__gte=low)
        if high is not None:
            span &= Q(first_response_seconds__lt=high)
            low = high
        counts[f"b{index}"] = Count("pk", filter=span)
    row = _replies(workspace_id, now, days).aggregate(**counts)
    return [(label, row[f"b{index}"] or 0) for index, (label, _) in enumerate(REPLY_BUCKETS)]


@dataclass
class ReplyTiming:
    """A client's 75th-percentile first reply time over the window beside their target."""

    client: Client
    replies: int
    p75_seconds: float

    @property
    def target_seconds(self) -> int:
        return self.client.response_target_hours * HOUR

    @property
    def ratio(self) -> float:
        return self.p75_seconds / self.target_seconds if self.target_seconds else math.inf

    @property
    def on_target(self) -> bool:
        return self.p75_seconds <= self.target_seconds

    @property
    def p75_label(self) -> str:
        return duration_words(self.p75_seconds)

    @property
    def target_label(self) -> str:
        return duration_words(self.target_seconds)

    @property
    def over_label(self) -> str:
        return f"{self.ratio:.1f} times the target" if self.target_seconds else "No target set"


def duration_words(seconds: float) -> str:
    """Return a plain length of time: "45 minutes", "6 hours", "3 days"."""
    if seconds < HOUR:
        minutes = max(1, round(seconds / 60))
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < 48 * HOUR:
        hours = round(seconds / HOUR)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / DAY)
    return f"{days} days"


def p75(values: list[float]) -> float:
    """Return the 75th percentile of `values` by nearest rank, as responsiveness does."""
    ordered = sorted(values)
    return ordered[math.ceil(0.75 * len(ordered)) - 1]


def reply_timings(
    workspace_id: int, now: dt.datetime, *, days: int = REPLY_DAYS, limit: int = 20
) -> tuple[list[ReplyTiming], int]:
    """Return each client's p75 reply time against target, furthest over first, and how many."""
    samples: dict[int, list[float]] = defaultdict(list)
    names: dict[int, tuple[str, int]] = {}
    rows = _replies(workspace_id, now, days).values_list(
        "client_id", "client__name", "client__response_target_hours", "first_response_seconds"
    )
    for client_id, name, target, seconds in rows:
        if seconds is None:
            continue
        samples[client_id].append(float(seconds))
        names[client_id] = (name, target)
    timings = [
        ReplyTiming(
            client=Client(
                pk=client_id, name=names[client_id][0], response_target_hours=names[client_id][1]
            ),
            replies=len(values),
            p75_seconds=p75(values),
        )
        for client_id, values in samples.items()
    ]
    timings.sort(key=lambda t: (-t.ratio, t.client.name.lower()))
    return timings[:limit], len(timings)


@dataclass
class Mismatch:
    """A client whose felt closeness is two bands or more from the computed one."""

    felt: FeltCloseness
    computed_band: str

    @property
    def client(self) -> Client:
        return self.felt.client

    @property
    def felt_label(self) -> str:
        return band_label(self.felt.band)

    @property
    def computed_label(self) -> str:
        return band_label(self.computed_band)


def felt_mismatches(workspace_id: int, day: dt.date) -> list[Mismatch]:
    """Return the clients whose felt and computed bands on `day` are two or more apart."""
    computed = TrustSnapshot.objects.filter(client=OuterRef("client_id"), day=day)
    rows = (
        FeltCloseness.objects.filter(workspace_id=workspace_id)
        .select_related("client", "recorded_by")
        .annotate(computed_band=Subquery(computed.values("band")[:1]))
        .order_by("client__name", "pk")
    )
    return [
        Mismatch(felt=row, computed_band=row.computed_band)  # type: ignore[attr-defined]
        for row in rows
        if is_mismatch(row.band, row.computed_band)  # type: ignore[attr-defined]
    ]
