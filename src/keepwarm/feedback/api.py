"""JSON API for feedback requests and responses."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from keepwarm.clients.access import get_client_for_member, get_contact_for_member
from keepwarm.feedback import services
from keepwarm.feedback.models import FeedbackKind, FeedbackRequest, FeedbackResponse
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

router = Router(tags=["feedback"])


class FeedbackRequestOut(Schema):
    id: int
    client_id: int
    contact_id: int | None
    kind: FeedbackKind
    via: str = Field(description="email or portal")
    sent_at: dt.datetime
    expires_at: dt.datetime = Field(description="The answer links stop working then.")
    answered_at: dt.datetime | None
    outbound_message_id: int | None = Field(description="The email in the outbox.")
    requested_by_id: int | None


class FeedbackRequestPageOut(PageOut):
    results: list[FeedbackRequestOut]


class FeedbackRequestIn(InSchema):
    client_id: Id
    contact_id: Id | None = Field(
        None, description="The person to ask; needs an email address when asked by email."
    )
    kind: Literal["nps", "csat"] = Field(
        description="nps: how likely to recommend (0-10); csat: how satisfied (1-5)."
    )
    via: Literal["email", "portal"] = Field(
        "email", description="email: one link per score; portal: waits on the client's portal."
    )


class FeedbackResponseOut(Schema):
    id: int
    request_id: int | None = Field(description="Null when given on the portal unasked.")
    client_id: int
    contact_id: int | None
    kind: FeedbackKind
    score: int
    comment: str
    sentiment: float | None = Field(description="How positive the comment reads, -1 to 1.")
    unhappy: bool = Field(description="A low score (NPS <= 6, CSAT <= 2) or a negative comment.")
    source: str = Field(description="email or portal")
    interaction_id: int | None = Field(description="The entry on the client's timeline.")
    created_at: dt.datetime


class FeedbackResponsePageOut(PageOut):
    results: list[FeedbackResponseOut]


class FeedbackFilters(PageIn):
    client_id: int | None = None
    kind: FeedbackKind | None = None


@router.post("/requests", response={201: FeedbackRequestOut, **WRITE_ERRORS})
def feedback_request_create(
    request: HttpRequest, payload: FeedbackRequestIn
) -> Status[FeedbackRequest]:
    """Ask someone at a client for a score by email (one open request per person)."""
    membership = member(request)
    client = get_client_for_member(membership, payload.client_id, write=True)
    contact = (
        None
        if payload.contact_id is None
        else get_contact_for_member(membership, payload.contact_id)
    )
    created = services.feedback_request_create(
        membership=membership, client=client, contact=contact, kind=payload.kind, via=payload.via
    )
    return Status(201, created)


@router.get("/requests", response={200: FeedbackRequestPageOut, **READ_ERRORS})
def feedback_request_list(request: HttpRequest, filters: Query[FeedbackFilters]) -> dict[str, Any]:
    """List feedback requests, newest first."""
    membership = member(request)
    queryset = FeedbackRequest.objects.filter(workspace_id=membership.workspace_id)
    if filters.client_id is not None:
        queryset = queryset.filter(client=get_client_for_member(membership, filters.client_id))
    if filters.kind is not None:
        queryset = queryset.filter(kind=filters.kind)
    return paginate(request, queryset.order_by("-sent_at", "-pk"), filters)


@router.get("/responses", response={200: FeedbackResponsePageOut, **READ_ERRORS})
def feedback_response_list(request: HttpRequest, filters: Query[FeedbackFilters]) -> dict[str, Any]:
    """List the scores clients gave, newest first."""
    membership = member(request)
    queryset = FeedbackResponse.objects.filter(workspace_id=membership.workspace_id)
    if filters.client_id is not None:
        queryset = queryset.filter(client=get_client_for_member(membership, filters.client_id))
    if filters.kind is not None:
        queryset = queryset.filter(kind=filters.kind)
    return paginate(request, queryset.order_by("-created_at", "-pk"), filters)
