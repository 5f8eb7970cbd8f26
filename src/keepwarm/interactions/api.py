"""JSON API for the interaction log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from keepwarm.accounts.models import Membership
from keepwarm.clients.access import get_client_for_member, get_contact_for_member
from keepwarm.clients.models import Contact
from keepwarm.interactions import services
from keepwarm.interactions.access import get_interaction_for_member
from keepwarm.interactions.models import INTERACTION_KINDS, Channel, Direction, Interaction
from keepwarm.lib.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    AwareDateTime,
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

router = Router(tags=["interactions"])

Kind = Literal["progress", "problem", "value_add", "personal_touch", "job_report"]
StrictBool = Annotated[bool, Field(strict=True)]


class InteractionOut(Schema):
    id: int
    client_id: int
    contact_ids: list[int] = Field(description="The client's people who took part.")
    channel: Channel
    direction: Direction
    occurred_at: dt.datetime
    subject: str
    body: str
    kinds: list[Kind] = Field(description="What it was about.")
    needs_reply: bool
    replied_by_id: int | None = Field(description="Our message that answered this one.")
    first_response_seconds: int | None
    message_id: str = Field(description="The email's Message-ID, for logged emails.")
    logged_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_contact_ids(obj: Interaction) -> list[int]:
        return [contact.pk for contact in obj.contacts.all()]


class InteractionPageOut(PageOut):
    results: list[InteractionOut]


class InteractionIn(InSchema):
    client_id: Id
    contact_ids: list[Id] = Field(
        default_factory=list, description="People at this client who took part."
    )
    channel: Channel
    direction: Direction
    occurred_at: AwareDateTime | None = Field(None, description="Defaults to now.")
    subject: Text = Field("", max_length=300)
    body: Text = ""
    kinds: list[Kind] = Field(default_factory=list)
    needs_reply: StrictBool = Field(False, description="Only for messages from the client.")


class InteractionPatch(PatchSchema):
    contact_ids: list[Id] = unset()
    channel: Channel = unset()
    direction: Direction = unset()
    occurred_at: AwareDateTime = unset()
    subject: Annotated[Text, Field(max_length=300)] = unset()
    body: Text = unset()
    kinds: list[Kind] = unset()
    needs_reply: StrictBool = unset()


class MarkRepliedIn(InSchema):
    reply_id: Id | None = Field(None, description="Our outbound message that answered it.")


class InteractionFilters(PageIn):
    client_id: int | None = None
    direction: Direction | None = None
    channel: Channel | None = None
    since: AwareDateTime | None = Field(None, description="Only those at or after this moment.")
    until: AwareDateTime | None = Field(None, description="Only those before this moment.")


def _contacts(membership: Membership, ids: list[int]) -> list[Contact]:
    return [get_contact_for_member(membership, contact_id) for contact_id in ids]


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """Turn the API's `kinds` list into the model's one flag per kind."""
    if "kinds" in data:
        kinds = set(data.pop("kinds"))
        data.update({f"is_{kind}": kind in kinds for kind in INTERACTION_KINDS})
    return data


@router.get("", response={200: InteractionPageOut, **READ_ERRORS})
def interaction_list(request: HttpRequest, filters: Query[InteractionFilters]) -> dict[str, Any]:
    """List interactions, newest first."""
    membership = member(request)
    queryset = Interaction.objects.filter(workspace_id=membership.workspace_id)
    if filters.client_id is not None:
        client = get_client_for_member(membership, filters.client_id)
        queryset = queryset.filter(client=client)
    if filters.direction is not None:
        queryset = queryset.filter(direction=filters.direction)
    if filters.channel is not None:
        queryset = queryset.filter(channel=filters.channel)
    if filters.since is not None:
        queryset = queryset.filter(occurred_at__gte=filters.since)
    if filters.until is not None:
        queryset = queryset.filter(occurred_at__lt=filters.until)
    queryset = queryset.prefetch_related("contacts").order_by("-occurred_at", "-pk")
    return paginate(request, queryset, filters)


@router.post("", response={201: InteractionOut, **WRITE_ERRORS})
def interaction_create(request: HttpRequest, payload: InteractionIn) -> Status[Interaction]:
    """Log a call, meeting, email, visit or note."""
    membership = member(request)
    data = _fields(payload.model_dump())
    client = get_client_for_member(membership, data.pop("client_id"), write=True)
    people = _contacts(membership, data.pop("contact_ids"))
    if data["occurred_at"] is None:
        del data["occurred_at"]
    interaction = services.interaction_log(
        membership=membership, client=client, contacts=people, **data
    )
    return Status(201, interaction)


@router.get("/{interaction_id}", response={200: InteractionOut, **READ_ERRORS})
def interaction_read(request: HttpRequest, interaction_id: int) -> Interaction:
    """Return one interaction."""
    return get_interaction_for_member(member(request), interaction_id)


@router.patch("/{interaction_id}", response={200: InteractionOut, **WRITE_ERRORS})
def interaction_update(
    request: HttpRequest, interaction_id: int, payload: InteractionPatch
) -> Interaction:
    """Change what was logged about an interaction."""
    membership = member(request)
    interaction = get_interaction_for_member(membership, interaction_id, write=True)
    data = _fields(payload.model_dump(exclude_unset=True))
    people = _contacts(membership, data.pop("contact_ids")) if "contact_ids" in data else None
    interaction = services.interaction_update(
        membership=membership, interaction=interaction, contacts=people, **data
    )
    return interaction


@router.delete("/{interaction_id}", response={204: None, **WRITE_ERRORS})
def interaction_delete(request: HttpRequest, interaction_id: int) -> Status[None]:
    """Delete an interaction from the log."""
    membership = member(request)
    interaction = get_interaction_for_member(membership, interaction_id, write=True)
    services.interaction_delete(membership=membership, interaction=interaction)
    return Status(204, None)


@router.post("/{interaction_id}/mark-replied", response={200: InteractionOut, **WRITE_ERRORS})
def interaction_mark_replied(
    request: HttpRequest, interaction_id: int, payload: MarkRepliedIn | None = None
) -> Interaction:
    """Record that a message from the client has been answered."""
    membership = member(request)
    interaction = get_interaction_for_member(membership, interaction_id, write=True)
    reply = None
    if payload is not None and payload.reply_id is not None:
        reply = get_interaction_for_member(membership, payload.reply_id)
    return services.interaction_mark_replied(
        membership=membership, interaction=interaction, reply=reply
    )
