"""Writes for the interaction log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.lib.plain import reading_ease
from keepwarm.lib.text import sentiment

INTERACTION_FIELDS = (
    "channel", "direction", "occurred_at", "subject", "body", "needs_reply",
    "is_progress", "is_problem", "is_value_add", "is_personal_touch", "is_job_report",
)  # fmt: skip


def _check_contacts(client: Client, contacts: Iterable[Contact]) -> list[Contact]:
    people = list(contacts)
    if any(c.client_id != client.pk for c in people):
        raise ValidationError({"contacts": "Choose people who work at this client."})
    return people


def _sentiment_of(direction: str, subject: str, body: str) -> float | None:
    """Return how positive a message from the client reads; None for anything else."""
    if direction != Direction.INBOUND:
        return None
    return sentiment(f"{subject}\n\n{body}")


# Channels whose text the client reads as we wrote it; a call's notes are only ours.
WRITTEN_CHANNELS = (Channel.EMAIL, Channel.MESSAGE, Channel.PORTAL)


def _reading_ease_of(direction: str, channel: str, body: str) -> float | None:
    """Return how plainly a message we wrote to the client reads; None for anything else."""
    if direction != Direction.OUTBOUND or channel not in WRITTEN_CHANNELS:
        return None
    return reading_ease(body)


def _check_reply_flag(data: dict[str, Any], direction: str, channel: str) -> None:
    if data.get("needs_reply") and direction != Direction.INBOUND:
        raise ValidationError({"needs_reply": "Only a message from the client can need a reply."})
    occurred_at = data.get("occurred_at")
    # A meeting may be planned ahead (imported calendars, Today's "meeting tomorrow").
    if (
        channel != Channel.MEETING
        and isinstance(occurred_at, dt.datetime)
        and occurred_at > timezone.now() + dt.timedelta(minutes=5)
    ):
        raise ValidationError({"occurred_at": "An interaction cannot be in the future."})


@transaction.atomic
def interaction_log(
    *,
    membership: Membership,
    client: Client,
    contacts: Iterable[Contact] = (),
    **data: Any,
) -> Interaction:
    """Log a call, meeting, email, visit or note with a client."""
    check_fields(data, INTERACTION_FIELDS)
    check_same_workspace(membership.workspace, client=client)
    people = _check_contacts(client, contacts)
    _check_reply_flag(data, data.get("direction", ""), data.get("channel", ""))
    interaction = record_create(
        membership=membership,
        model=Interaction,
        action="interaction.create",
        data={
            "client": client,
            "logged_by": membership.user,
            **data,
            "sentiment": _sentiment_of(
                data.get("direction", ""), data.get("subject", ""), data.get("body", "")
            ),
            "reading_ease": _reading_ease_of(
                data.get("direction", ""), data.get("channel", ""), data.get("body", "")
            ),
        },
    )
    if people:
        interaction.contacts.set(people)
    return interaction


@transaction.atomic
def interaction_update(
    *,
    membership: Membership,
    interaction: Interaction,
    contacts: Iterable[Contact] | None = None,
    **data: Any,
) -> Interaction:
    """Change what was logged about an interaction."""
    check_fields(data, INTERACTION_FIELDS)
    _check_reply_flag(
        data,
        data.get("direction", interaction.direction),
        data.get("channel", interaction.channel),
    )
    if data.get("direction", interaction.direction) != Direction.INBOUND:
        data.setdefault("needs_reply", False)
    record_update(membership=membership, obj=interaction, action="interaction.update", data=data)
    # Derived from what was written, so kept up to date but not audited as a change of its own.
    tone = _sentiment_of(interaction.direction, interaction.subject, interaction.body)
    ease = _reading_ease_of(interaction.direction, interaction.channel, interaction.body)
    if (tone, ease) != (interaction.sentiment, interaction.reading_ease):
        interaction.sentiment = tone
        interaction.reading_ease = ease
        interaction.save(update_fields=["sentiment", "reading_ease"])
    if contacts is not None:
        people = _check_contacts(interaction.client, contacts)
        before = set(interaction.contacts.values_list("pk", flat=True))
        if before != {c.pk for c in people}:
            interaction.contacts.set(people)
            audit_record(
                workspace=membership.workspace,
                actor=membership.user,
                action="interaction.update",
                obj=interaction,
                changes={"contacts": [sorted(before), sorted(c.pk for c in people)]},
            )
    return interaction


@transaction.atomic
def interaction_mark_replied(
    *, membership: Membership, interaction: Interaction, reply: Interaction | None = None
) -> Interaction:
    """Record that an inbound message has been answered (by `reply`, when we know it)."""
    require_write(membership)
    if interaction.direction != Direction.INBOUND:
        raise ValidationError("Only a message from the client can be answered.")
    if reply is not None:
        if reply.client_id != interaction.client_id or reply.direction != Direction.OUTBOUND:
            raise ValidationError("The reply must be a message from us to the same client.")
        if reply.occurred_at < interaction.occurred_at:
            raise ValidationError("The reply cannot come before the message it answers.")
    interaction.needs_reply = False
    interaction.replied_by = reply
    fields = ["needs_reply", "replied_by", "updated_at"]
    if reply is not None and interaction.first_response_seconds is None:
        seconds = (reply.occurred_at - interaction.occurred_at).total_seconds()
        interaction.first_response_seconds = int(seconds)
        fields.append("first_response_seconds")
    interaction.save(update_fields=fields)
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="interaction.mark_replied",
        obj=interaction,
        changes={"replied_by": reply.pk if reply else None},
    )
    return interaction


@transaction.atomic
def interaction_delete(*, membership: Membership, interaction: Interaction) -> None:
    """Delete an interaction from the log."""
    record_delete(membership=membership, obj=interaction, action="interaction.delete")
