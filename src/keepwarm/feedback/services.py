"""Writes for feedback: ask a client for a score, record their answer, set the quiet period."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from keepwarm.accounts.access import require_manage, require_write
from keepwarm.accounts.models import Membership, Workspace
from keepwarm.accounts.records import check_same_workspace
from keepwarm.accounts.services import audit_record
from keepwarm.clients.models import Client, Contact
from keepwarm.feedback.models import (
    SCORE_RANGE,
    UNHAPPY_AT_MOST,
    FeedbackKind,
    FeedbackRequest,
    FeedbackResponse,
    FeedbackSettings,
    FeedbackSource,
    PostThrottle,
)
from keepwarm.feedback.selectors import quiet_days, token_hash
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.lib.text import sentiment
from keepwarm.messaging.services import message_enqueue

# How long the answer links of a request work.
REQUEST_DAYS = 30
COMMENT_MAX = 2000
# A comment reading at or below this (VADER compound) marks the client unhappy.
NEGATIVE_COMMENT = -0.3

QUESTIONS: dict[str, str] = {
    FeedbackKind.NPS: "How likely are you to recommend {name} to a friend or colleague?",
    FeedbackKind.CSAT: "How happy are you with the work {name} does for you?",
}
LOW_WORDS: dict[str, tuple[str, str]] = {
    FeedbackKind.NPS: ("not at all likely", "very likely"),
    FeedbackKind.CSAT: ("not happy at all", "very happy"),
}


def question(kind: str, workspace_name: str) -> str:
    """Return the question a client is asked, in plain words."""
    return QUESTIONS[kind].format(name=workspace_name)


def scale_words(kind: str) -> tuple[str, str]:
    """Return what the lowest and highest score mean."""
    return LOW_WORDS[kind]


def _day(moment: dt.datetime, workspace: Workspace) -> str:
    try:
        zone: dt.tzinfo = ZoneInfo(workspace.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return dateformat.format(timezone.localtime(moment, zone).date(), "j F Y")


@dataclass(frozen=True)
class ScoreLink:
    score: int
    url: str


def _answer_links(kind: str, token: str) -> list[ScoreLink]:
    low, high = SCORE_RANGE[kind]
    return [
        ScoreLink(score, settings.SITE_URL + reverse("feedback_answer", args=[token, score]))
        for score in range(low, high + 1)
    ]


@transaction.atomic
def feedback_settings_update(*, membership: Membership, quiet_days: int) -> FeedbackSettings:
    """Change how long to wait after asking a client before asking them again."""
    require_manage(membership)
    if not 0 <= quiet_days <= 365:
        raise ValidationError({"quiet_days": "Choose a number of days from 0 to 365."})
    row, _ = FeedbackSettings.objects.get_or_create(workspace=membership.workspace)
    before = row.quiet_days
    if before != quiet_days:
        row.quiet_days = quiet_days
        row.save(update_fields=["quiet_days", "updated_at"])
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="feedback.settings_update",
            obj=row,
            changes={"quiet_days": [before, quiet_days]},
        )
    return row


@transaction.atomic
def feedback_request_create(
    *,
    membership: Membership,
    client: Client,
    contact: Contact | None,
    kind: str,
    via: str = FeedbackSource.EMAIL,
    now: dt.datetime | None = None,
) -> FeedbackRequest:
    """Ask a client for a score: one person by email (through the outbox), or on their portal.

    Refused while that person (or, on the portal, the client) has an open request, and
    during the workspace's quiet period after the client was last asked.
    """
    require_write(membership)
    check_same_workspace(membership.workspace, client=client, contact=contact)
    moment = now or timezone.now()
    if kind not in SCORE_RANGE:
        raise ValidationError({"kind": "Choose NPS (0 to 10) or CSAT (1 to 5)."})
    if via not in FeedbackSource.values:
        raise ValidationError({"via": "Choose email or the client's portal."})
    if contact is not None and contact.client_id != client.pk:
        raise ValidationError({"contact": "Choose someone who works at this client."})
    if via == FeedbackSource.EMAIL:
        if contact is None:
            raise ValidationError({"contact": "Choose who to email."})
        if not contact.email:
            raise ValidationError({"contact": f"{contact.name} has no email address yet."})
    # Lock the client's row so two clicks cannot both pass the checks below.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    open_ = FeedbackRequest.objects.filter(answered_at__isnull=True, expires_at__gt=moment)
    if contact is not None:
        waiting = open_.filter(contact=contact).first()
        who = contact.name
    else:
        waiting = open_.filter(client=client, contact__isnull=True).first()
        who = client.name
    if waiting is not None:
        raise ValidationError(
            {
                "contact": f"{who} has not answered the request of "
                f"{_day(waiting.sent_at, membership.workspace)} yet; one open request "
                "per person at a time."
            }
        )
    quiet = quiet_days(membership.workspace_id)
    last = (
        FeedbackRequest.objects.filter(client=client, sent_at__gt=moment - dt.timedelta(days=quiet))
        .order_by("-sent_at")
        .first()
    )
    if last is not None:
        ends = last.sent_at + dt.timedelta(days=quiet)
        raise ValidationError(
            f"{client.name} was asked for feedback on "
            f"{_day(last.sent_at, membership.workspace)}. To avoid asking too often, wait "
            f"until {_day(ends, membership.workspace)} (the quiet period is {quiet} days)."
        )
    token = secrets.token_urlsafe(32) if via == FeedbackSource.EMAIL else ""
    request = FeedbackRequest.objects.create(
        workspace=membership.workspace,
        client=client,
        contact=contact,
        kind=kind,
        via=via,
        token_hash=token_hash(token) if token else "",
        sent_at=moment,
        expires_at=moment + dt.timedelta(days=REQUEST_DAYS),
        requested_by=membership.user,
    )
    workspace = membership.workspace
    if contact is not None and token:
        low, high = scale_words(kind)
        context = {
            "contact": contact,
            "workspace": workspace,
            "question": question(kind, workspace.name),
            "low_words": low,
            "high_words": high,
            "links": _answer_links(kind, token),
            "expires_on": _day(request.expires_at, workspace),
            "sender": membership.user.display_name,
        }
        message = message_enqueue(
            workspace=workspace,
            key=f"feedback:{request.pk}",
            kind="feedback",
            to=[contact.email],
            subject=f"A quick question from {workspace.name}",
            text=render_to_string("feedback/email/request.txt", context),
            html=render_to_string("feedback/email/request.html", context),
            reply_to=membership.user.email,
        )
        request.outbound_message = message
        request.save(update_fields=["outbound_message"])
    audit_record(
        workspace=workspace,
        actor=membership.user,
        action="feedback.request",
        obj=request,
        changes={"kind": kind, "via": via, "contact": contact.pk if contact else None},
    )
    return request


def _check_score(kind: str, score: int, comment: str) -> None:
    low, high = SCORE_RANGE[kind]
    if not isinstance(score, int) or isinstance(score, bool) or not low <= score <= high:
        raise ValidationError({"score": f"Choose a number from {low} to {high}."})
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": f"Keep the comment under {COMMENT_MAX} characters."})


def is_unhappy(kind: str, score: int, tone: float | None) -> bool:
    """Return whether a score or its comment says the client is unhappy."""
    return score <= UNHAPPY_AT_MOST[kind] or (tone is not None and tone <= NEGATIVE_COMMENT)


def _record(
    *,
    client: Client,
    contact: Contact | None,
    kind: str,
    score: int,
    comment: str,
    source: str,
    request: FeedbackRequest | None,
    at: dt.datetime,
) -> FeedbackResponse:
    """Store a response and log it on the client's timeline (a client's write: no actor)."""
    comment = comment.strip()
    _check_score(kind, score, comment)
    tone = sentiment(comment) if comment else None
    unhappy = is_unhappy(kind, score, tone)
    high = SCORE_RANGE[kind][1]
    label = "Recommend" if kind == FeedbackKind.NPS else "Satisfaction"
    interaction = Interaction.objects.create(
        workspace_id=client.workspace_id,
        client=client,
        channel=Channel.PORTAL if source == FeedbackSource.PORTAL else Channel.EMAIL,
        direction=Direction.INBOUND,
        occurred_at=at,
        subject=f"Feedback: {label} {score} of {high}",
        body=comment,
        sentiment=tone,
        # A low score deserves a personal answer, so it waits in the inbox until it has one.
        needs_reply=unhappy,
    )
    if contact is not None:
        interaction.contacts.set([contact])
    response = FeedbackResponse.objects.create(
        workspace_id=client.workspace_id,
        request=request,
        client=client,
        contact=contact,
        kind=kind,
        score=score,
        comment=comment,
        sentiment=tone,
        unhappy=unhappy,
        source=source,
        interaction=interaction,
        created_at=at,
    )
    audit_record(
        workspace=client.workspace,
        actor=None,
        action="feedback.answer",
        obj=response,
        changes={"kind": kind, "score": score, "source": source},
    )
    return response


@transaction.atomic
def feedback_answer(
    *,
    request: FeedbackRequest,
    score: int,
    comment: str = "",
    source: str = FeedbackSource.EMAIL,
    now: dt.datetime | None = None,
) -> FeedbackResponse:
    """Record the answer to a request; a request is answered once (a second answer is refused)."""
    moment = now or timezone.now()
    locked = FeedbackRequest.objects.select_for_update(of=("self",)).select_related(
        "client", "contact"
    )
    current = locked.get(pk=request.pk)
    if current.answered_at is not None:
        raise ValidationError("Thank you: we already have your answer to this question.")
    if current.expires_at <= moment:
        raise ValidationError("This question has closed. Thank you all the same.")
    response = _record(
        client=current.client,
        contact=current.contact,
        kind=current.kind,
        score=score,
        comment=comment,
        source=source,
        request=current,
        at=moment,
    )
    current.answered_at = moment
    current.save(update_fields=["answered_at"])
    request.answered_at = moment
    return response


@transaction.atomic
def feedback_submit(
    *,
    client: Client,
    kind: str,
    score: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> FeedbackResponse:
    """Record a score given on the portal; it answers the client's oldest open request, if any."""
    moment = now or timezone.now()
    if kind not in SCORE_RANGE:
        raise ValidationError({"kind": "Choose a question."})
    waiting = (
        FeedbackRequest.objects.select_for_update(of=("self",))
        .filter(client=client, kind=kind, answered_at__isnull=True, expires_at__gt=moment)
        .select_related("contact")
        .order_by("sent_at", "pk")
        .first()
    )
    response = _record(
        client=client,
        contact=waiting.contact if waiting else None,
        kind=kind,
        score=score,
        comment=comment,
        source=FeedbackSource.PORTAL,
        request=waiting,
        at=moment,
    )
    if waiting is not None:
        waiting.answered_at = moment
        waiting.save(update_fields=["answered_at"])
    return response


def throttle_allow(*, key: str, limit: int, window: dt.timedelta) -> bool:
    """Count one post under `key`; return False (post nothing) when `limit` is already reached.

    A sliding window: posts older than `window` stop counting, and are deleted on the way.
    """
    now = timezone.now()
    hashed = token_hash(key)
    with transaction.atomic():
        PostThrottle.objects.filter(at__lte=now - window).delete()
        if PostThrottle.objects.filter(key=hashed).count() >= limit:
            return False
        PostThrottle.objects.create(key=hashed, at=now)
    return True
