"""JSON API for the Inbox and for email that matched no client."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from keepwarm.clients.access import get_client_for_member
from keepwarm.interactions.models import Interaction
from keepwarm.lib.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InSchema,
    PageIn,
    PageOut,
    member,
    paginate,
)
from keepwarm.mail import selectors, services
from keepwarm.mail.access import get_unmatched_for_member
from keepwarm.mail.models import UnmatchedMessage

router = Router(tags=["inbox"])


class InboxItemOut(Schema):
    id: int = Field(description="The interaction's id.")
    client_id: int
    client_name: str
    contact_ids: list[int]
    subject: str
    occurred_at: dt.datetime
    response_target_hours: int
    waiting_seconds: int = Field(description="How long it has waited for our reply so far.")
    overdue: bool = Field(description="Waiting longer than the client's response target.")
    negative: bool = Field(description="The message reads clearly upset.")
    sentiment: float | None


class InboxPageOut(PageOut):
    results: list[InboxItemOut]


class UnmatchedOut(Schema):
    id: int
    direction: str
    address: str = Field(description="The other side's address.")
    name: str
    subject: str
    body: str
    occurred_at: dt.datetime
    message_id: str
    needs_reply: bool


class UnmatchedPageOut(PageOut):
    results: list[UnmatchedOut]


class AssignIn(InSchema):
    client_id: Id = Field(description="The client the email belongs to.")


class AssignOut(Schema):
    interaction_id: int
    contact_id: int = Field(description="The person the address now belongs to.")
    others_assigned: int = Field(description="Other waiting emails from the same address.")


def _item(interaction: Interaction, now: dt.datetime) -> dict[str, Any]:
    row = selectors.inbox_row(interaction, now)
    return {
        "id": interaction.pk,
        "client_id": interaction.client_id,
        "client_name": interaction.client.name,
        "contact_ids": [c.pk for c in interaction.contacts.all()],
        "subject": interaction.subject,
        "occurred_at": interaction.occurred_at,
        "response_target_hours": interaction.client.response_target_hours,
        "waiting_seconds": max(int((now - interaction.occurred_at).total_seconds()), 0),
        "overdue": row.late,
        "negative": row.negative,
        "sentiment": interaction.sentiment,
    }


@router.get("/inbox", response={200: InboxPageOut, **READ_ERRORS})
def inbox_list(request: HttpRequest, params: Query[PageIn]) -> dict[str, Any]:
    """List messages from clients waiting for our reply, the most overdue first."""
    page = paginate(request, selectors.waiting_for_reply(member(request)), params)
    now = timezone.now()
    page["results"] = [_item(i, now) for i in selectors.load_inbox(page["results"])]
    return page


@router.get("/mail/unmatched", response={200: UnmatchedPageOut, **READ_ERRORS})
def unmatched_list(request: HttpRequest, params: Query[PageIn]) -> dict[str, Any]:
    """List imported emails that match no client yet, newest first."""
    queryset = UnmatchedMessage.objects.filter(
        workspace_id=member(request).workspace_id, assigned_at__isnull=True
    ).order_by("-occurred_at", "-pk")
    return paginate(request, queryset, params)


@router.post("/mail/unmatched/{unmatched_id}/assign", response={200: AssignOut, **WRITE_ERRORS})
def unmatched_assign(request: HttpRequest, unmatched_id: int, payload: AssignIn) -> dict[str, Any]:
    """File an unmatched email under a client; the address is remembered for later mail."""
    membership = member(request)
    unmatched = get_unmatched_for_member(membership, unmatched_id, write=True)
    client = get_client_for_member(membership, payload.client_id)
    done = services.unmatched_assign(membership=membership, unmatched=unmatched, client=client)
    return {
        "interaction_id": done.interaction.pk,
        "contact_id": done.contact.pk,
        "others_assigned": done.others,
    }
