"""JSON API for the promise ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from keepwarm.accounts.access import get_teammate_for_member
from keepwarm.accounts.models import Membership
from keepwarm.clients.access import (
    get_client_for_member,
    get_contact_for_member,
    get_goal_for_member,
)
from keepwarm.commitments import services
from keepwarm.commitments.access import get_commitment_for_member
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.access import get_interaction_for_member
from keepwarm.lib.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InSchema,
    IsoDate,
    PageIn,
    PageOut,
    PatchSchema,
    QueryBool,
    Text,
    member,
    paginate,
    unset,
)

router = Router(tags=["commitments"])


class CommitmentOut(Schema):
    id: int
    client_id: int
    what: str
    promised_to_id: int | None = Field(description="The person at the client we promised.")
    owner_id: int | None = Field(description="The user who has to keep it.")
    due_on: dt.date
    status: CommitmentStatus
    done_at: dt.datetime | None = Field(description="When it was kept (null while open or broken).")
    days_overdue: int = Field(description="Days past due while still open; otherwise 0.")
    goal_id: int | None
    source_interaction_id: int | None = Field(description="The interaction it was made in.")
    renegotiated_from_id: int | None = Field(description="The promise this one replaced.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_days_overdue(obj: Commitment) -> int:
        return obj.days_overdue()


class CommitmentPageOut(PageOut):
    results: list[CommitmentOut]


class CommitmentIn(InSchema):
    client_id: Id
    what: Text = Field(min_length=1, max_length=300)
    due_on: IsoDate
    promised_to_id: Id | None = None
    owner_id: Id | None = Field(None, description="Defaults to the token's user.")
    goal_id: Id | None = None
    source_interaction_id: Id | None = None


class CommitmentPatch(PatchSchema):
    what: Annotated[Text, Field(min_length=1, max_length=300)] = unset()
    due_on: IsoDate = unset()
    promised_to_id: Id | None = unset()
    owner_id: Id | None = unset()
    goal_id: Id | None = unset()
    source_interaction_id: Id | None = unset()


class MarkIn(InSchema):
    status: Literal["kept", "late", "broken"]


class RenegotiateIn(InSchema):
    due_on: IsoDate = Field(description="The new date agreed with the client.")
    what: Text = Field("", max_length=300, description="A new wording; empty keeps the old.")


class CommitmentFilters(PageIn):
    client_id: int | None = None
    status: CommitmentStatus | None = None
    overdue: QueryBool | None = Field(
        None, description="true: only open promises past due; false: only the others."
    )


def _links(membership: Membership, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the API's related ids into rows of this workspace (404 for any other)."""
    lookups: dict[str, Callable[[Membership, int], Model]] = {
        "promised_to": get_contact_for_member,
        "goal": get_goal_for_member,
        "source_interaction": get_interaction_for_member,
        "owner": get_teammate_for_member,
    }
    for field, lookup in lookups.items():
        if f"{field}_id" in data:
            pk = data.pop(f"{field}_id")
            data[field] = None if pk is None else lookup(membership, pk)
    return data


@router.get("", response={200: CommitmentPageOut, **READ_ERRORS})
def commitment_list(request: HttpRequest, filters: Query[CommitmentFilters]) -> dict[str, Any]:
    """List promises, soonest due first."""
    membership = member(request)
    queryset = Commitment.objects.filter(workspace_id=membership.workspace_id)
    if filters.client_id is not None:
        queryset = queryset.filter(client=get_client_for_member(membership, filters.client_id))
    if filters.status is not None:
        queryset = queryset.filter(status=filters.status)
    if filters.overdue is not None:
        late = {"status": CommitmentStatus.OPEN, "due_on__lt": timezone.localdate()}
        queryset = queryset.filter(**late) if filters.overdue else queryset.exclude(**late)
    return paginate(request, queryset.order_by("due_on", "pk"), filters)


@router.post("", response={201: CommitmentOut, **WRITE_ERRORS})
def commitment_create(request: HttpRequest, payload: CommitmentIn) -> Status[Commitment]:
    """Record a promise made to a client."""
    membership = member(request)
    data = payload.model_dump()
    client = get_client_for_member(membership, data.pop("client_id"), write=True)
    data = _links(membership, data)
    if data["owner"] is None:
        del data["owner"]
    return Status(201, services.commitment_create(membership=membership, client=client, **data))


@router.get("/{commitment_id}", response={200: CommitmentOut, **READ_ERRORS})
def commitment_read(request: HttpRequest, commitment_id: int) -> Commitment:
    """Return one promise."""
    return get_commitment_for_member(member(request), commitment_id)


@router.patch("/{commitment_id}", response={200: CommitmentOut, **WRITE_ERRORS})
def commitment_update(
    request: HttpRequest, commitment_id: int, payload: CommitmentPatch
) -> Commitment:
    """Change what was promised, to whom, or by when."""
    membership = member(request)
    commitment = get_commitment_for_member(membership, commitment_id, write=True)
    data = _links(membership, payload.model_dump(exclude_unset=True))
    return services.commitment_update(membership=membership, commitment=commitment, **data)


@router.delete("/{commitment_id}", response={204: None, **WRITE_ERRORS})
def commitment_delete(request: HttpRequest, commitment_id: int) -> Status[None]:
    """Delete a promise recorded by mistake."""
    membership = member(request)
    commitment = get_commitment_for_member(membership, commitment_id, write=True)
    services.commitment_delete(membership=membership, commitment=commitment)
    return Status(204, None)


@router.post("/{commitment_id}/mark", response={200: CommitmentOut, **WRITE_ERRORS})
def commitment_mark(request: HttpRequest, commitment_id: int, payload: MarkIn) -> Commitment:
    """Close a promise as kept, kept late, or broken."""
    membership = member(request)
    commitment = get_commitment_for_member(membership, commitment_id, write=True)
    return services.commitment_mark(
        membership=membership, commitment=commitment, status=payload.status
    )


@router.post("/{commitment_id}/reopen", response={200: CommitmentOut, **WRITE_ERRORS})
def commitment_reopen(request: HttpRequest, commitment_id: int) -> Commitment:
    """Undo a kept, late or broken mark."""
    membership = member(request)
    commitment = get_commitment_for_member(membership, commitment_id, write=True)
    return services.commitment_reopen(membership=membership, commitment=commitment)


@router.post("/{commitment_id}/renegotiate", response={201: CommitmentOut, **WRITE_ERRORS})
def commitment_renegotiate(
    request: HttpRequest, commitment_id: int, payload: RenegotiateIn
) -> Status[Commitment]:
    """Agree a new date: close this promise and return its open replacement."""
    membership = member(request)
    commitment = get_commitment_for_member(membership, commitment_id, write=True)
    replacement = services.commitment_renegotiate(
        membership=membership, commitment=commitment, due_on=payload.due_on, what=payload.what
    )
    return Status(201, replacement)
