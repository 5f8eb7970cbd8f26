"""JSON API for the resource library, sharing resources and referrals."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from keepwarm.accounts.access import require_write
from keepwarm.brief import services
from keepwarm.clients import services as client_services
from keepwarm.clients.access import (
    get_client_for_member,
    get_contact_for_member,
    get_resource_for_member,
)
from keepwarm.clients.models import Client, Resource, ResourceShare, TagKind
from keepwarm.clients.selectors import resource_library, resource_suggestions
from keepwarm.lib.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InSchema,
    PageIn,
    PageOut,
    PatchSchema,
    Text,
    member,
    paginate,
    unset,
)

router = Router(tags=["resources and referrals"])

Tag = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[^\x00,]*\S[^\x00,]*$")]
TagList = Annotated[list[Tag], Field(max_length=12)]


class ResourceOut(Schema):
    id: int
    title: str
    url: str
    note: str
    industries: list[str] = Field(description="Industries it suits, lower case.")
    topics: list[str] = Field(description="Topics it is about, lower case.")
    added_by_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_industries(obj: Resource) -> list[str]:
        return obj.tag_names(TagKind.INDUSTRY)

    @staticmethod
    def resolve_topics(obj: Resource) -> list[str]:
        return obj.tag_names(TagKind.TOPIC)


class ResourcePageOut(PageOut):
    results: list[ResourceOut]


class ResourceFilters(PageIn):
    tag: str | None = Field(None, max_length=60, description="Only resources with this tag.")


class ResourceIn(InSchema):
    title: Text = Field(min_length=1, max_length=200)
    url: Text = Field("", max_length=500, description="A link; give a link, a note or both.")
    note: Text = Field("", max_length=5000)
    industries: TagList = []
    topics: TagList = []


class ResourcePatch(PatchSchema):
    title: Annotated[Text, Field(min_length=1, max_length=200)] = unset()
    url: Annotated[Text, Field(max_length=500)] = unset()
    note: Annotated[Text, Field(max_length=5000)] = unset()
    industries: TagList = unset()
    topics: TagList = unset()


class SuggestionOut(Schema):
    resource: ResourceOut
    reasons: list[str] = Field(description="Why it fits: the industry or the goal it matches.")


class ShareIn(InSchema):
    message: Text = Field(min_length=1, max_length=5000)
    subject: Text = Field("", max_length=300)
    contact_id: Id | None = Field(None, description="The person it is for, at this client.")
    send_email: bool = Field(False, description="Email it to the person through the outbox.")


class ShareOut(Schema):
    id: int
    resource_id: int
    client_id: int
    contact_id: int | None
    message: str
    emailed: bool
    shared_by_id: int | None
    shared_at: dt.datetime


class ThankIn(InSchema):
    channel: Literal["email", "call", "message", "meeting", "visit"] = "email"
    note: Text = Field("", max_length=2000)


class ReferralOut(Schema):
    client_id: int
    referred_by_id: int | None
    referred_by_contact_id: int | None
    referral_thanked_at: dt.datetime | None
    referral_asked_at: dt.datetime | None

    @staticmethod
    def resolve_client_id(obj: Client) -> int:
        return obj.pk


@router.get("/resources", response={200: ResourcePageOut, **READ_ERRORS})
def resource_list(request: HttpRequest, filters: Query[ResourceFilters]) -> dict[str, Any]:
    """List the resource library, newest first."""
    membership = member(request)
    tag = (filters.tag or "").strip().lower()
    return paginate(request, resource_library(membership.workspace_id, tag=tag), filters)


@router.post("/resources", response={201: ResourceOut, **WRITE_ERRORS})
def resource_create(request: HttpRequest, payload: ResourceIn) -> Status[Resource]:
    """Add a link or a note to the library, with the industries and topics it suits."""
    membership = member(request)
    require_write(membership)
    resource = client_services.resource_create(membership=membership, **payload.model_dump())
    return Status(201, get_resource_for_member(membership, resource.pk))


@router.get("/resources/{resource_id}", response={200: ResourceOut, **READ_ERRORS})
def resource_read(request: HttpRequest, resource_id: int) -> Resource:
    """Return one resource."""
    return get_resource_for_member(member(request), resource_id)


@router.patch("/resources/{resource_id}", response={200: ResourceOut, **WRITE_ERRORS})
def resource_update(request: HttpRequest, resource_id: int, payload: ResourcePatch) -> Resource:
    """Change a resource; tags given replace that kind's tags, tags left out stay."""
    membership = member(request)
    resource = get_resource_for_member(membership, resource_id, write=True)
    data = payload.model_dump(exclude_unset=True)
    industries = data.pop("industries", resource.tag_names(TagKind.INDUSTRY))
    topics = data.pop("topics", resource.tag_names(TagKind.TOPIC))
    client_services.resource_update(
        membership=membership, resource=resource, industries=industries, topics=topics, **data
    )
    return get_resource_for_member(membership, resource_id)


@router.delete("/resources/{resource_id}", response={204: None, **WRITE_ERRORS})
def resource_delete(request: HttpRequest, resource_id: int) -> Status[None]:
    """Delete a resource, and the record of whom it was shared with."""
    membership = member(request)
    resource = get_resource_for_member(membership, resource_id, write=True)
    client_services.resource_delete(membership=membership, resource=resource)
    return Status(204, None)


@router.get(
    "/clients/{client_id}/resource-suggestions",
    response={200: list[SuggestionOut], **READ_ERRORS},
)
def resource_suggestion_list(request: HttpRequest, client_id: int) -> list[dict[str, Any]]:
    """Return the resources that fit a client's industry or goals, never one already sent."""
    client = get_client_for_member(member(request), client_id)
    return [
        {"resource": s.resource, "reasons": list(s.reasons)} for s in resource_suggestions(client)
    ]


@router.post(
    "/clients/{client_id}/resources/{resource_id}/share",
    response={201: ShareOut, **WRITE_ERRORS},
)
def resource_share(
    request: HttpRequest, client_id: int, resource_id: int, payload: ShareIn
) -> Status[ResourceShare]:
    """Share a resource: log a value-add on the timeline and, if asked, email it."""
    membership = member(request)
    client = get_client_for_member(membership, client_id, write=True)
    resource = get_resource_for_member(membership, resource_id)
    contact = (
        get_contact_for_member(membership, payload.contact_id)
        if payload.contact_id is not None
        else None
    )
    share = services.resource_share(
        membership=membership,
        client=client,
        resource=resource,
        contact=contact,
        message=payload.message,
        subject=payload.subject,
        send_email=payload.send_email,
    )
    return Status(201, share)


@router.post("/clients/{client_id}/referral/thank", response={200: ReferralOut, **WRITE_ERRORS})
def referral_thank(request: HttpRequest, client_id: int, payload: ThankIn) -> Client:
    """Log the thank-you to whoever referred this client, on the referrer's timeline."""
    membership = member(request)
    client = get_client_for_member(membership, client_id, write=True)
    services.referral_thank(
        membership=membership, client=client, channel=payload.channel, note=payload.note
    )
    return client


@router.post("/clients/{client_id}/referral/asked", response={200: ReferralOut, **WRITE_ERRORS})
def referral_asked(request: HttpRequest, client_id: int) -> Client:
    """Record that this client was asked for a referral (Today rests the prompt 90 days)."""
    membership = member(request)
    client = get_client_for_member(membership, client_id, write=True)
    return client_services.referral_mark_asked(
        membership=membership, client=client, at=timezone.now()
    )
