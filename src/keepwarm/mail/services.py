"""Writes for email ingestion that people make: assigning unmatched mail, business hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from keepwarm.accounts.access import require_manage, require_write
from keepwarm.accounts.models import Membership
from keepwarm.accounts.records import check_fields, check_same_workspace, record_update
from keepwarm.accounts.services import audit_record
from keepwarm.clients.models import Client, ClientStatus, Contact
from keepwarm.clients.services import client_create, contact_create
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.interactions.services import interaction_log, interaction_mark_replied
from keepwarm.mail.matching import domain_of, is_free_mail
from keepwarm.mail.models import MailMessage, MailSettings, RememberedAddress, UnmatchedMessage

SETTINGS_FIELDS = ("business_hours_enabled", "business_days", "opens_at", "closes_at")


@dataclass(frozen=True)
class Assigned:
    """What assigning an address did: the message's interaction, and how many came along."""

    interaction: Interaction
    contact: Contact
    others: int


def _contact_for(membership: Membership, client: Client, address: str, name: str) -> Contact:
    existing = Contact.objects.filter(workspace=membership.workspace, client=client)
    for contact in existing.filter(email__iexact=address):
        return contact
    for contact in existing.exclude(other_emails=""):
        if address in (e.lower() for e in contact.all_emails):
            return contact
    return contact_create(
        membership=membership,
        client=client,
        name=name or address.split("@")[0],
        email=address,
    )


def _to_interaction(
    membership: Membership, unmatched: UnmatchedMessage, client: Client, contact: Contact
) -> Interaction:
    interaction = interaction_log(
        membership=membership,
        client=client,
        contacts=[contact],
        channel=Channel.EMAIL,
        direction=unmatched.direction,
        occurred_at=min(unmatched.occurred_at, timezone.now()),
        subject=unmatched.subject,
        body=unmatched.body,
        needs_reply=unmatched.needs_reply and unmatched.direction == Direction.INBOUND,
    )
    # Email ids are not a person's to edit, so interaction_log does not take them.
    interaction.message_id = unmatched.message_id
    interaction.in_reply_to = unmatched.in_reply_to
    interaction.references = unmatched.references
    interaction.save(update_fields=["message_id", "in_reply_to", "references"])
    MailMessage.objects.filter(pk=unmatched.mail_id).update(interaction=interaction)
    unmatched.assigned_at = timezone.now()
    unmatched.interaction = interaction
    unmatched.save(update_fields=["assigned_at", "interaction"])
    return interaction


def _link_replies(membership: Membership, interactions: list[Interaction]) -> None:
    """Mark assigned questions answered by replies already imported, and the other way round."""
    by_id = {i.message_id: i for i in interactions if i.message_id}
    for interaction in sorted(interactions, key=lambda i: i.occurred_at):
        if interaction.direction != Direction.OUTBOUND or interaction.in_reply_to not in by_id:
            continue
        question = by_id[interaction.in_reply_to]
        if (
            question.direction == Direction.INBOUND
            and question.needs_reply
            and question.occurred_at <= interaction.occurred_at
        ):
            interaction_mark_replied(membership=membership, interaction=question, reply=interaction)


@transaction.atomic
def unmatched_assign(
    *, membership: Membership, unmatched: UnmatchedMessage, client: Client
) -> Assigned:
    """File an unmatched email under a client, with its sender as a person there.

    The address is remembered, and the other waiting emails from it go to the same client.
    """
    require_write(membership)
    check_same_workspace(membership.workspace, client=client, unmatched=unmatched)
    if unmatched.assigned_at is not None:
        raise ValidationError("This email has already been assigned.")
    address = unmatched.address.lower()
    contact = _contact_for(membership, client, address, unmatched.name)
    RememberedAddress.objects.update_or_create(
        workspace=membership.workspace,
        address=address,
        defaults={"client": client, "contact": contact, "created_by": membership.user},
    )
    interaction = _to_interaction(membership, unmatched, client, contact)
    others = list(
        UnmatchedMessage.objects.filter(
            workspace=membership.workspace, address=unmatched.address, assigned_at__isnull=True
        ).order_by("occurred_at", "pk")
    )
    done = [interaction, *(_to_interaction(membership, o, client, contact) for o in others)]
    _link_replies(membership, done)
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="mail.assign",
        obj=interaction,
        changes={"address": address, "client": client.pk, "messages": len(done)},
    )
    return Assigned(interaction=interaction, contact=contact, others=len(others))


def suggested_client_name(unmatched: UnmatchedMessage) -> str:
    """Return a name for a new client from an email: its company's domain, else the sender."""
    domain = domain_of(unmatched.address)
    if domain and not is_free_mail(domain):
        label = domain.removeprefix("www.").split(".")[0]
        return label.replace("-", " ").title()
    return unmatched.name or unmatched.address.split("@")[0]


@transaction.atomic
def unmatched_assign_new_client(
    *, membership: Membership, unmatched: UnmatchedMessage, name: str
) -> Assigned:
    """File an unmatched email under a new prospect, whose later mail then finds it alone.

    A company domain becomes the prospect's website, so colleagues' emails match it too.
    """
    require_write(membership)
    check_same_workspace(membership.workspace, unmatched=unmatched)
    if unmatched.assigned_at is not None:
        raise ValidationError("This email has already been assigned.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the new client a name."})
    data: dict[str, Any] = {"name": name, "status": ClientStatus.PROSPECT}
    domain = domain_of(unmatched.address)
    if domain and not is_free_mail(domain):
        data["website"] = f"https://{domain}"
    client = client_create(membership=membership, **data)
    return unmatched_assign(membership=membership, unmatched=unmatched, client=client)


@transaction.atomic
def unmatched_set_aside(*, membership: Membership, unmatched: UnmatchedMessage) -> None:
    """Drop an email that belongs to no client; importing it again will not bring it back."""
    require_write(membership)
    check_same_workspace(membership.workspace, unmatched=unmatched)
    if unmatched.assigned_at is not None:
        raise ValidationError("This email has already been assigned.")
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="mail.set_aside",
        obj=unmatched,
        changes={"address": unmatched.address, "subject": unmatched.subject},
    )
    # The message's key stays, so the same email is a duplicate on every later import.
    unmatched.delete()


def mail_settings_for(workspace_id: int) -> MailSettings:
    """Return the workspace's mail settings, unsaved defaults when it has none yet."""
    found = MailSettings.objects.filter(workspace_id=workspace_id).first()
    return found or MailSettings(workspace_id=workspace_id)


@transaction.atomic
def mail_settings_update(*, membership: Membership, **data: Any) -> MailSettings:
    """Change the workspace's business hours."""
    check_fields(data, SETTINGS_FIELDS)
    require_manage(membership)
    days = data.get("business_days")
    if days is not None and (not days or any(d not in "0123456" for d in days)):
        raise ValidationError({"business_days": "Choose at least one day of the week."})
    opens = data.get("opens_at")
    closes = data.get("closes_at")
    if isinstance(opens, dt.time) and isinstance(closes, dt.time) and closes <= opens:
        raise ValidationError({"closes_at": "Closing time must be after opening time."})
    settings, _ = MailSettings.objects.get_or_create(workspace=membership.workspace)
    return record_update(
        membership=membership, obj=settings, action="mail.settings_update", data=data
    )
