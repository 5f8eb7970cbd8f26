"""Reads of feedback for the trust score, the agenda, Insights and the client page."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from keepwarm.clients.models import Client, ClientStatus, Contact
from keepwarm.feedback.models import (
    FeedbackKind,
    FeedbackRequest,
    FeedbackResponse,
    FeedbackSettings,
)
from keepwarm.interactions.models import Direction, Interaction
from keepwarm.lib.ids import ids_for_in

# Ask again when nobody at a client was asked for this long.
ASK_EVERY_DAYS = 90
DEFAULT_QUIET_DAYS = 30


def token_hash(token: str) -> str:
    """Return the stored form of a secret link token."""
    return hashlib.sha256(token.encode()).hexdigest()


def quiet_days(workspace_id: int) -> int:
    """Return the workspace's quiet period: the days to wait after asking a client."""
    days = (
        FeedbackSettings.objects.filter(workspace_id=workspace_id)
        .values_list("quiet_days", flat=True)
        .first()
    )
    return DEFAULT_QUIET_DAYS if days is None else days


def feedback_request_by_token(token: str) -> FeedbackRequest | None:
    """Return the email request whose answer links carry this token, or None."""
    if not token or len(token) > 100:
        return None
    return (
        FeedbackRequest.objects.select_related("client", "contact", "workspace")
        .filter(token_hash=token_hash(token))
        .exclude(token_hash="")
        .first()
    )


def open_requests(client_id: int, now: dt.datetime | None = None) -> list[FeedbackRequest]:
    """Return a client's requests still waiting for an answer, oldest first."""
    return list(
        FeedbackRequest.objects.filter(
            client_id=client_id, answered_at__isnull=True, expires_at__gt=now or timezone.now()
        )
        .select_related("contact")
        .order_by("sent_at", "pk")
    )


@dataclass(frozen=True)
class LatestFeedback:
    """A client's most recent score, normalised to 0-100."""

    score: float
    kind: str
    when: dt.datetime
    response_id: int


def _latest_responses(workspace_id: int, at: dt.datetime):  # type: ignore[no-untyped-def]
    """Return a queryset of each client's newest response at `at` (one subquery)."""
    newest = (
        FeedbackResponse.objects.filter(client_id=OuterRef("client_id"), created_at__lte=at)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return FeedbackResponse.objects.filter(
        workspace_id=workspace_id, created_at__lte=at, pk=Subquery(newest)
    )


def latest_feedback_by_client(workspace_id: int, at: dt.datetime) -> dict[int, LatestFeedback]:
    """Return each client's newest score at `at` (0-100, kind, when, id), in one query."""
    found: dict[int, LatestFeedback] = {}
    for response in _latest_responses(workspace_id, at).only(
        "pk", "client_id", "kind", "score", "created_at"
    ):
        found[response.client_id] = LatestFeedback(
            score=response.normalised,
            kind=response.kind,
            when=response.created_at,
            response_id=response.pk,
        )
    return found


@dataclass(frozen=True)
class UnhappyClient:
    """A client whose newest feedback was a low score or a negative comment."""

    client_id: int
    client_name: str
    owner_id: int | None
    response_id: int
    kind: str
    score: int
    comment: str
    when: dt.datetime
    contact_id: int | None = None
    contact_name: str = ""
    interaction_id: int | None = None

    @property
    def score_words(self) -> str:
        return f"{self.score} of {10 if self.kind == FeedbackKind.NPS else 5}"


def unhappy_clients(
    workspace_id: int, since: dt.datetime, client_ids: Iterable[int] | None = None
) -> list[UnhappyClient]:
    """Return clients whose newest feedback since `since` was unhappy, newest first (1 query).

    `client_ids` (a list or a queryset of ids) keeps only those clients.
    """
    rows = (
        _latest_responses(workspace_id, timezone.now())
        .filter(unhappy=True, created_at__gte=since)
        .select_related("client", "contact")
        .order_by("-created_at", "-pk")
    )
    if client_ids is not None:
        rows = rows.filter(client_id__in=ids_for_in(client_ids))
    return [
        UnhappyClient(
            client_id=r.client_id,
            client_name=r.client.name,
            owner_id=r.client.owner_id,
            response_id=r.pk,
            kind=r.kind,
            score=r.score,
            comment=r.comment,
            when=r.created_at,
            contact_id=r.contact_id,
            contact_name=r.contact.name if r.contact else "",
            interaction_id=r.interaction_id,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class FeedbackDue:
    """A client it is time to ask for feedback, and the person to ask."""

    client_id: int
    client_name: str
    owner_id: int | None
    contact_id: int
    contact_name: str
    last_asked_at: dt.datetime | None
    reason: str


def feedback_due(
    workspace_id: int, now: dt.datetime, client_ids: Iterable[int] | None = None
) -> list[FeedbackDue]:
    """Return active clients to ask for feedback now, in two queries whatever their number.

    Due: nobody was asked in 90 days (never asked: a client for 90 days), or a job report
    went out since the last request.
    Never during the workspace's quiet period after the last request to that client, and
    never to a person who already has an open request. `client_ids` narrows the clients
    looked at (the agenda passes one member's clients, as a list or a queryset of ids).
    The person to ask (one who receives reports first, then by name) is chosen in SQL.
    """
    quiet = dt.timedelta(days=quiet_days(workspace_id))
    every = dt.timedelta(days=ASK_EVERY_DAYS)
    clients = Client.objects.filter(workspace_id=workspace_id, status=ClientStatus.ACTIVE)
    if client_ids is not None:
        clients = clients.filter(pk__in=ids_for_in(client_ids))
    busy = FeedbackRequest.objects.filter(
        workspace_id=workspace_id,
        contact_id__isnull=False,
        answered_at__isnull=True,
        expires_at__gt=now,
    ).values("contact_id")
    person = (
        Contact.objects.filter(client_id=OuterRef("pk"))
        .exclude(email="")
        .exclude(pk__in=busy)
        .order_by("-receives_reports", "name", "pk")
    )
    rows = (
        clients.annotate(
            last_asked=Subquery(
                FeedbackRequest.objects.filter(workspace_id=workspace_id, client_id=OuterRef("pk"))
                .order_by("-sent_at")
                .values("sent_at")[:1]
            ),
            # Along the (client, is_job_report, occurred_at) index: one row per client.
            last_job_report=Subquery(
                Interaction.objects.filter(
                    client_id=OuterRef("pk"),
                    is_job_report=True,
                    direction=Direction.OUTBOUND,
                    occurred_at__lte=now,
                )
                .order_by("-occurred_at")
                .values("occurred_at")[:1]
            ),
            contact_pk=Subquery(person.values("pk")[:1]),
            contact_name=Subquery(person.values("name")[:1]),
        )
        .order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "owner_id",
            "created_at",
            "last_asked",
            "last_job_report",
            "contact_pk",
            "contact_name",
        )
    )
    due = []
    for pk, name, owner_id, created_at, last_asked, last_job, contact_pk, contact in rows:
        if contact_pk is None:  # nobody there to ask (no email, or all already asked)
            continue
        if last_asked is not None and now - last_asked < quiet:
            continue
        if last_asked is None:
            if last_job is not None:
                reason = "a job report went out and they were never asked for feedback"
            elif now - created_at >= every:
                reason = "never asked for feedback"
            else:
                continue
        elif last_job is not None and last_job > last_asked:
            reason = "a job report went out since you last asked"
        elif now - last_asked >= every:
            reason = f"last asked {(now - last_asked).days} days ago"
        else:
            continue
        due.append(
            FeedbackDue(
                client_id=pk,
                client_name=name,
                owner_id=owner_id,
                contact_id=contact_pk,
                contact_name=contact,
                last_asked_at=last_asked,
                reason=reason,
            )
        )
    return due


@dataclass(frozen=True)
class NpsMonth:
    """One month of NPS answers: promoters (9-10), passives (7-8), detractors (0-6)."""

    month: dt.date
    promoters: int
    passives: int
    detractors: int

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> int | None:
        """Return the Net Promoter Score (-100 to 100), or None without answers."""
        if not self.responses:
            return None
        return round(100 * (self.promoters - self.detractors) / self.responses)


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def nps_by_month(
    workspace_id: int, months: int = 12, *, today: dt.date | None = None
) -> list[NpsMonth]:
    """Return the last `months` months of NPS answers, oldest first (one query)."""
    day = today or timezone.localdate()
    first = _month_start(day, months - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    rows = (
        FeedbackResponse.objects.filter(
            workspace_id=workspace_id, kind=FeedbackKind.NPS, created_at__gte=start
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            promoters=Count("pk", filter=Q(score__gte=9)),
            passives=Count("pk", filter=Q(score__gte=7, score__lte=8)),
            detractors=Count("pk", filter=Q(score__lte=6)),
        )
    )
    found: dict[dt.date, NpsMonth] = {}
    for row in rows:
        month = row["month"]
        key = month.date() if isinstance(month, dt.datetime) else month
        found[key] = NpsMonth(key, row["promoters"], row["passives"], row["detractors"])
    return [
        found.get(m, NpsMonth(m, 0, 0, 0))
        for m in (_month_start(day, back) for back in range(months - 1, -1, -1))
    ]


def client_responses(client_id: int, limit: int = 12) -> list[FeedbackResponse]:
    """Return a client's newest responses, newest first."""
    return list(
        FeedbackResponse.objects.filter(client_id=client_id)
        .select_related("contact")
        .order_by("-created_at", "-pk")[:limit]
    )
