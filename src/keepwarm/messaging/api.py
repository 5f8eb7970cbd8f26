"""JSON API for the outbox: the emails Keepwarm sent or will send (owners and managers)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from keepwarm.accounts.access import require_manage
from keepwarm.lib.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    PageIn,
    PageOut,
    member,
    paginate,
)
from keepwarm.messaging import services
from keepwarm.messaging.access import get_message_for_member
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.selectors import ATTENTION, outbox_messages

router = Router(tags=["outbox"])

# Reading the outbox is for owners and managers: others get 403.
MANAGER_READ_ERRORS = {**READ_ERRORS, 403: ErrorOut}


class MessageOut(Schema):
    id: int
    kind: str = Field(description="What sent it: report, digest, feedback …")
    message_id: str = Field(description="The email's Message-ID, the same on every attempt.")
    from_email: str
    to: list[str]
    reply_to: str
    subject: str
    in_reply_to: str = Field(description="The Message-ID this email answers, if any.")
    state: MessageState = Field(
        description="queued, sending, sent, retrying (a temporary failure; tried again at "
        "next_attempt_at), failed (given up), or uncertain (the sender stopped mid-send: the "
        "server may have it; never resent unless someone chooses to)."
    )
    attempts: int
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None
    last_error: str = Field(description="Why the last attempt failed, in words.")
    created_at: dt.datetime
    updated_at: dt.datetime


class MessageDetailOut(MessageOut):
    references: str
    text: str = Field(description="The plain-text body.")
    html: str = Field(description="The HTML body, or empty when the email is plain text.")

    @staticmethod
    def resolve_text(obj: OutboundMessage) -> str:
        return obj.body_text

    @staticmethod
    def resolve_html(obj: OutboundMessage) -> str:
        return obj.body_html


class MessagePageOut(PageOut):
    results: list[MessageOut]


# One literal (not a union with MessageState) so a bad value gets one plain error.
StateFilter = Literal["queued", "sending", "sent", "retrying", "failed", "uncertain", "attention"]
assert set(get_args(StateFilter)) == {*MessageState.values, ATTENTION}


class MessageFilters(PageIn):
    state: StateFilter | None = Field(
        None, description=f"One state, or `{ATTENTION}` for failed and uncertain emails together."
    )


@router.get("", response={200: MessagePageOut, **MANAGER_READ_ERRORS})
def outbox_list(request: HttpRequest, filters: Query[MessageFilters]) -> dict[str, Any]:
    """List the workspace's emails, newest first (owners and managers)."""
    membership = member(request)
    require_manage(membership)
    messages = outbox_messages(workspace_id=membership.workspace_id, state=filters.state or "")
    return paginate(request, messages, filters)


@router.get("/{message_id}", response={200: MessageDetailOut, **MANAGER_READ_ERRORS})
def outbox_read(request: HttpRequest, message_id: int) -> OutboundMessage:
    """Return one email with its bodies and delivery history (owners and managers)."""
    return get_message_for_member(member(request), message_id)


@router.post("/{message_id}/retry", response={200: MessageOut, **WRITE_ERRORS})
def outbox_retry(request: HttpRequest, message_id: int) -> OutboundMessage:
    """Send a failed, uncertain or waiting email again now (owners and managers).

    For an uncertain email the server may already have accepted it: the reader may get it
    twice. Answers 422 for an email that is queued, being sent or sent.
    """
    membership = member(request)
    message = get_message_for_member(membership, message_id)
    return services.message_send_again(membership=membership, message=message)


@router.post("/{message_id}/mark-sent", response={200: MessageOut, **WRITE_ERRORS})
def outbox_mark_sent(request: HttpRequest, message_id: int) -> OutboundMessage:
    """Record that a failed or uncertain email did reach its reader (owners and managers)."""
    membership = member(request)
    message = get_message_for_member(membership, message_id)
    return services.message_mark_sent(membership=membership, message=message)
