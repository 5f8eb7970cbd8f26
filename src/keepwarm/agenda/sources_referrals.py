"""Agenda items from referrals: thank a referrer, and ask a happy client for one (issue 8).

Two builders in the shape of those in `agenda/kinds.py`, one query each whatever the client
count: `thank_referrer` (someone sent a new client our way and has not been thanked; the
item sits on the referrer and stays until the thank-you is logged) and `ask_referral` (a
Warm or Close client whose feedback of the last 90 days was good — NPS 9 or more, CSAT 4
or more — and who was not asked in the last 90 days; at most once a quarter).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from keepwarm.agenda.kinds import Run
from keepwarm.agenda.types import DUE, OVERDUE, UPCOMING
from keepwarm.agenda.words import when_words, who
from keepwarm.clients.models import Client
from keepwarm.feedback.models import FeedbackKind, FeedbackResponse
from keepwarm.lib.words import plural

KINDS = {
    "thank_referrer": "Thank a referrer",
    "ask_referral": "Ask for a referral",
}

# A thank-you is due within this many days of the new client arriving.
THANK_WITHIN_DAYS = 3
# Good feedback this recent makes a moment to ask; and we ask at most this often.
ASK_WINDOW_DAYS = 90
ASK_BANDS = ("warm", "close")
GOOD_FEEDBACK = Q(kind=FeedbackKind.NPS, score__gte=9) | Q(kind=FeedbackKind.CSAT, score__gte=4)


def thank_referrers(run: Run, workspace_id: int, covered: QuerySet[Client]) -> None:
    """Add one item per referral not yet thanked for, on the referrer's agenda."""
    referred = Client.objects.filter(
        workspace_id=workspace_id,
        referred_by__in=covered.values("pk"),
        referral_thanked_at__isnull=True,
    )
    rows = referred.values_list(
        "pk", "name", "referred_by_id", "referred_by_contact__name", "created_at"
    ).order_by()
    url = reverse("referral_thank", args=[987654321987]).replace("987654321987", "{}")
    for pk, name, referrer_id, person, arrived in rows:
        referrer = run.clients.get(referrer_id)
        if referrer is None:
            continue
        due = run.local_date(arrived) + dt.timedelta(days=THANK_WITHIN_DAYS)
        late = (run.today - due).days
        run.add(
            referrer,
            key=f"thank_referrer:{pk}",
            kind="thank_referrer",
            cause=str(referrer_id),
            sentence=f"Thank {who(person, referrer.name)} for referring {name}",
            reason=f"overdue {plural(late, 'day')}"
            if late > 0
            else f"due {when_words(due, run.today)}",
            action="Say thank you",
            url=url.format(pk),
            due=due,
            state=OVERDUE if late > 0 else (DUE if late == 0 else UPCOMING),
            overdue_days=max(0, late),
            since=arrived,
        )


def ask_referrals(run: Run, workspace_id: int, covered: QuerySet[Client]) -> None:
    """Add one item per Warm or Close client with good recent feedback, once a quarter."""
    since = run.now - dt.timedelta(days=ASK_WINDOW_DAYS)
    good = FeedbackResponse.objects.filter(
        GOOD_FEEDBACK, client=OuterRef("pk"), created_at__gte=since, created_at__lte=run.now
    ).order_by("-created_at", "-pk")
    clients = covered.filter(workspace_id=workspace_id).filter(
        Q(referral_asked_at__isnull=True) | Q(referral_asked_at__lt=since)
    )
    rows = (
        clients.filter(Exists(good))
        .annotate(
            score=Subquery(good.values("score")[:1]),
            score_kind=Subquery(good.values("kind")[:1]),
            answered=Subquery(good.values("created_at")[:1]),
        )
        .values_list("pk", "score", "score_kind", "answered")
        .order_by()
    )
    quarter = f"{run.today.year}Q{(run.today.month - 1) // 3 + 1}"
    url = reverse("client_detail", args=[987654321987]).replace("987654321987", "{}")
    for pk, score, score_kind, answered in rows:
        client = run.clients.get(pk)
        if client is None or client.band not in ASK_BANDS:
            continue
        top = 10 if score_kind == FeedbackKind.NPS else 5
        day = run.local_date(answered)
        run.add(
            client,
            key=f"ask_referral:{pk}",
            kind="ask_referral",
            cause=quarter,
            sentence=(
                f"Ask {client.name} if they know someone you could help — they gave you "
                f"{score} of {top} {when_words(day, run.today)}"
            ),
            reason=f"good feedback {when_words(day, run.today)}",
            action="Ask for a referral",
            url=url.format(pk) + "#referrals",
            due=run.today,
            state=UPCOMING,
            since=answered,
        )
