"""Writes for the client portal: links, visits, reads, concerns and comments on goals."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership, Role
from keepwarm.accounts.services import audit_record
from keepwarm.clients.models import Client, Goal
from keepwarm.feedback.selectors import token_hash
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.lib.text import sentiment
from keepwarm.messaging.services import message_enqueue
from keepwarm.portal.models import Concern, GoalComment, PortalToken, ReportRead
from keepwarm.reports.models import StatusReport

TEXT_MAX = 2000
# A visit is logged at most this often per client, so the timeline is not flooded.
VISIT_EVERY = dt.timedelta(hours=1)
VISIT_SUBJECT = "Opened the client portal"


def may_manage_links(membership: Membership, client: Client) -> bool:
    """Return whether this member may create, rotate or revoke the client's portal link."""
    return membership.can_manage or (membership.can_write and client.owner_id == membership.user_id)


def _require_link_manager(membership: Membership, client: Client) -> None:
    require_write(membership)
    if not may_manage_links(membership, client):
        raise PermissionDenied("Only the client's owner or a manager can change its portal link.")


@transaction.atomic
def portal_link_create(
    *,
    membership: Membership,
    client: Client,
    expires_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> tuple[PortalToken, str]:
    """Make a new portal link for a client, revoking any older one; return it and its secret."""
    _require_link_manager(membership, client)
    moment = now or timezone.now()
    expires_at = None
    if expires_on is not None:
        if expires_on <= timezone.localdate(moment):
            raise ValidationError({"expires_on": "Choose a day after today, or leave it empty."})
        expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    rotated = PortalToken.objects.filter(client=client, revoked_at__isnull=True).update(
        revoked_at=moment
    )
    secret = secrets.token_urlsafe(32)
    link = PortalToken.objects.create(
        workspace=membership.workspace,
        client=client,
        token_hash=token_hash(secret),
        created_by=membership.user,
        created_at=moment,
        expires_at=expires_at,
    )
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="portal.link_rotate" if rotated else "portal.link_create",
        obj=link,
        changes={"client": client.pk, "expires_on": str(expires_on) if expires_on else None},
    )
    return link, secret


@transaction.atomic
def portal_link_revoke(*, membership: Membership, link: PortalToken) -> PortalToken:
    """Stop a portal link from working, at once, for anyone who holds it."""
    _require_link_manager(membership, link.client)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="portal.link_revoke",
            obj=link,
        )
    return link


def portal_url(secret: str) -> str:
    """Return the full address of a portal link."""
    return settings.SITE_URL + reverse("portal_open", args=[secret])


@transaction.atomic
def portal_visit_record(*, link: PortalToken, now: dt.datetime | None = None) -> bool:
    """Note a portal visit; log it on the timeline at most once an hour. Return if logged."""
    moment = now or timezone.now()
    PortalToken.objects.filter(pk=link.pk).update(last_used_at=moment)
    recent = Interaction.objects.filter(
        client_id=link.client_id,
        channel=Channel.PORTAL,
        direction=Direction.INTERNAL,
        subject=VISIT_SUBJECT,
        occurred_at__gt=moment - VISIT_EVERY,
    ).exists()
    if recent:
        return False
    Interaction.objects.create(
        workspace_id=link.workspace_id,
        client_id=link.client_id,
        channel=Channel.PORTAL,
        direction=Direction.INTERNAL,
        occurred_at=moment,
        subject=VISIT_SUBJECT,
    )
    return True


def report_read_record(*, report: StatusReport, now: dt.datetime | None = None) -> bool:
    """Record that the client opened a sent report; only the first time counts. Return if new."""
    if ReportRead.objects.filter(report=report).exists():
        return False
    try:
        with transaction.atomic():
            ReportRead.objects.create(
                workspace_id=report.workspace_id,
                client_id=report.client_id,
                report=report,
                read_at=now or timezone.now(),
            )
    except IntegrityError:
        return False
    return True


def _clean_text(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: "Write a few words first."})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: f"Keep it under {TEXT_MAX} characters."})
    return text


def _owner_emails(client: Client) -> list[str]:
    """Return who hears about a concern: the client's owner, else the workspace's owners."""
    if client.owner is not None and client.owner.email:
        return [client.owner.email]
    return sorted(
        Membership.objects.filter(workspace_id=client.workspace_id, role=Role.OWNER)
        .select_related("user")
        .values_list("user__email", flat=True)
    )


def _inbound(client: Client, subject: str, body: str, at: dt.datetime) -> Interaction:
    return Interaction.objects.create(
        workspace_id=client.workspace_id,
        client=client,
        channel=Channel.PORTAL,
        direction=Direction.INBOUND,
        occurred_at=at,
        subject=subject,
        body=body,
        sentiment=sentiment(body),
        needs_reply=True,
    )


@transaction.atomic
def concern_raise(*, client: Client, text: str, now: dt.datetime | None = None) -> Concern:
    """Record a concern the client raised: it needs a reply, and the owner hears of it by email."""
    body = _clean_text(text, "text")
    moment = now or timezone.now()
    interaction = _inbound(client, "Concern raised on the portal", body, moment)
    concern = Concern.objects.create(
        workspace_id=client.workspace_id, client=client, interaction=interaction, created_at=moment
    )
    recipients = _owner_emails(client)
    if recipients:
        context = {
            "client": client,
            "text": body,
            "url": settings.SITE_URL + reverse("client_detail", args=[client.pk]),
        }
        message_enqueue(
            workspace=client.workspace,
            key=f"portal-concern:{concern.pk}",
            kind="portal_concern",
            to=recipients,
            subject=f"{client.name} raised a concern",
            text=render_to_string("portal/email/concern.txt", context),
        )
    audit_record(workspace=client.workspace, actor=None, action="portal.concern_raise", obj=concern)
    return concern


@transaction.atomic
def goal_comment_add(
    *, client: Client, goal: Goal, text: str, now: dt.datetime | None = None
) -> GoalComment:
    """Record what the client said about one of their goals; it waits for our reply."""
    if goal.client_id != client.pk:
        raise ValidationError({"goal": "Choose one of your goals."})
    body = _clean_text(text, "text")
    moment = now or timezone.now()
    interaction = _inbound(client, f"Comment on the goal “{goal.text[:200]}”", body, moment)
    comment = GoalComment.objects.create(
        workspace_id=client.workspace_id,
        client=client,
        goal=goal,
        interaction=interaction,
        created_at=moment,
    )
    audit_record(workspace=client.workspace, actor=None, action="portal.goal_comment", obj=comment)
    return comment
