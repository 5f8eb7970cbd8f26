"""Writes for the promise ledger: make, keep, break and renegotiate promises."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.accounts.records import (
    check_fields,
    check_same_workspace,
    record_create,
    record_delete,
    record_update,
)
from keepwarm.accounts.services import audit_record
from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment, CommitmentStatus

COMMITMENT_FIELDS = ("what", "promised_to", "owner", "due_on", "goal", "source_interaction")
OUTCOMES = (CommitmentStatus.KEPT, CommitmentStatus.LATE, CommitmentStatus.BROKEN)


def _check_links(membership: Membership, client: Client, data: dict[str, Any]) -> None:
    check_same_workspace(
        membership.workspace,
        owner=data.get("owner"),
        promised_to=data.get("promised_to"),
        goal=data.get("goal"),
        source_interaction=data.get("source_interaction"),
    )
    errors = {}
    for field in ("promised_to", "goal", "source_interaction"):
        linked = data.get(field)
        if linked is not None and linked.client_id != client.pk:
            errors[field] = "Choose one that belongs to this client."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def commitment_create(*, membership: Membership, client: Client, **data: Any) -> Commitment:
    """Record a promise made to a client."""
    check_fields(data, COMMITMENT_FIELDS)
    check_same_workspace(membership.workspace, client=client)
    _check_links(membership, client, data)
    data.setdefault("owner", membership.user)
    return record_create(
        membership=membership,
        model=Commitment,
        action="commitment.create",
        data={"client": client, **data},
    )


@transaction.atomic
def commitment_update(*, membership: Membership, commitment: Commitment, **data: Any) -> Commitment:
    """Change what was promised, to whom, or by when."""
    check_fields(data, COMMITMENT_FIELDS)
    _check_links(membership, commitment.client, data)
    return record_update(
        membership=membership, obj=commitment, action="commitment.update", data=data
    )


@transaction.atomic
def commitment_mark(
    *,
    membership: Membership,
    commitment: Commitment,
    status: str,
    at: dt.datetime | None = None,
) -> Commitment:
    """Close a promise as kept (on time), kept late, or broken."""
    require_write(membership)
    if status not in OUTCOMES:
        raise ValidationError({"status": "Choose kept, late or broken."})
    if commitment.status not in (CommitmentStatus.OPEN, *OUTCOMES):
        raise ValidationError("A renegotiated promise is closed; update its replacement instead.")
    before = commitment.status
    commitment.status = status
    commitment.done_at = None if status == CommitmentStatus.BROKEN else (at or timezone.now())
    commitment.save(update_fields=["status", "done_at", "updated_at"])
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action=f"commitment.mark_{status}",
        obj=commitment,
        changes={"status": [before, status]},
    )
    return commitment


@transaction.atomic
def commitment_reopen(*, membership: Membership, commitment: Commitment) -> Commitment:
    """Undo a kept, late or broken mark."""
    require_write(membership)
    if commitment.status not in OUTCOMES:
        raise ValidationError("Only a kept, late or broken promise can be reopened.")
    before = commitment.status
    commitment.status = CommitmentStatus.OPEN
    commitment.done_at = None
    commitment.save(update_fields=["status", "done_at", "updated_at"])
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="commitment.reopen",
        obj=commitment,
        changes={"status": [before, CommitmentStatus.OPEN]},
    )
    return commitment


@transaction.atomic
def commitment_renegotiate(
    *, membership: Membership, commitment: Commitment, due_on: dt.date, what: str = ""
) -> Commitment:
    """Agree a new date with the client: close this promise and open its replacement."""
    require_write(membership)
    if commitment.status != CommitmentStatus.OPEN:
        raise ValidationError("Only an open promise can be renegotiated.")
    if due_on <= commitment.due_on:
        raise ValidationError({"due_on": "Choose a date after the current due date."})
    commitment.status = CommitmentStatus.RENEGOTIATED
    commitment.done_at = timezone.now()
    commitment.save(update_fields=["status", "done_at", "updated_at"])
    replacement = Commitment.objects.create(
        workspace=commitment.workspace,
        client=commitment.client,
        what=what.strip() or commitment.what,
        promised_to=commitment.promised_to,
        owner=commitment.owner,
        due_on=due_on,
        goal=commitment.goal,
        source_interaction=commitment.source_interaction,
        renegotiated_from=commitment,
    )
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="commitment.renegotiate",
        obj=commitment,
        changes={"due_on": [str(commitment.due_on), str(due_on)], "replacement": replacement.pk},
    )
    return replacement


@transaction.atomic
def commitment_delete(*, membership: Membership, commitment: Commitment) -> None:
    """Delete a promise recorded by mistake."""
    record_delete(membership=membership, obj=commitment, action="commitment.delete")
