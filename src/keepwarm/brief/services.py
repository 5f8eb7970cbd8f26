"""Following up: sharing a resource from the library, and thanking someone for a referral.

Both log an outbound interaction (a value-add or a personal touch), so they sit above the
interaction log and the outbox; the records they keep (the share, the thank-you date) live
with the client record.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from keepwarm.accounts.models import Membership
from keepwarm.accounts.records import check_same_workspace, record_create
from keepwarm.clients.models import Client, Contact, Resource, ResourceShare
from keepwarm.clients.services import referral_mark_thanked
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.interactions.services import interaction_log
from keepwarm.messaging.services import message_enqueue

MESSAGE_MAX = 5000
# How a thank-you can be given; each is logged on the referrer's timeline.
THANK_CHANNELS = (Channel.EMAIL, Channel.CALL, Channel.MESSAGE, Channel.MEETING, Channel.VISIT)


def share_message(*, resource: Resource, contact: Contact | None, sender: str) -> str:
    """Return the short message a share starts from: plain, personal and easy to change."""
    hello = f"Hi {contact.name.split()[0]}," if contact and contact.name.strip() else "Hello,"
    lines = [hello, "", f"I came across this and thought of you: {resource.title}."]
    if resource.url:
        lines.append(resource.url)
    if resource.note.strip():
        lines += ["", resource.note.strip()]
    lines += ["", "I hope it helps.", "", sender or "Best wishes"]
    return "\n".join(lines)


@transaction.atomic
def resource_share(
    *,
    membership: Membership,
    client: Client,
    resource: Resource,
    message: str,
    contact: Contact | None = None,
    send_email: bool = False,
    subject: str = "",
    now: dt.datetime | None = None,
) -> ResourceShare:
    """Share a resource with a client: log a value-add, record the share, maybe email it."""
    now = now or timezone.now()
    check_same_workspace(membership.workspace, client=client, resource=resource, contact=contact)
    message = message.strip()
    subject = subject.strip() or f"Something useful: {resource.title}"
    errors: dict[str, str] = {}
    if not message:
        errors["message"] = "Write a few words to go with it."
    elif len(message) > MESSAGE_MAX:
        errors["message"] = f"Keep the message under {MESSAGE_MAX} characters."
    if contact is not None and contact.client_id != client.pk:
        errors["contact"] = f"Choose someone who works at {client.name}."
    if send_email and (contact is None or not contact.email):
        errors["contact"] = "To send it by email, choose a person with an email address."
    if errors:
        raise ValidationError(errors)
    interaction_log(
        membership=membership,
        client=client,
        contacts=[contact] if contact else [],
        channel=Channel.EMAIL if send_email else Channel.MESSAGE,
        direction=Direction.OUTBOUND,
        occurred_at=now,
        subject=subject[:300],
        body=message,
        is_value_add=True,
    )
    share = record_create(
        membership=membership,
        model=ResourceShare,
        action="resource.share",
        data={
            "resource": resource,
            "client": client,
            "contact": contact,
            "message": message,
            "emailed": send_email,
            "shared_by": membership.user,
            "shared_at": now,
        },
    )
    if send_email and contact is not None:
        message_enqueue(
            workspace=membership.workspace,
            key=f"resource-share:{share.pk}",
            kind="resource",
            to=[contact.email],
            subject=subject,
            text=message,
            reply_to=membership.user.email,
        )
    return share


@transaction.atomic
def referral_thank(
    *,
    membership: Membership,
    client: Client,
    channel: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Interaction:
    """Thank whoever referred `client`: a personal touch on the referrer's timeline."""
    now = now or timezone.now()
    referrer = client.referred_by
    if referrer is None:
        raise ValidationError("Nobody is recorded as having referred this client.")
    if channel not in THANK_CHANNELS:
        raise ValidationError({"channel": "Choose how you thanked them."})
    person = client.referred_by_contact
    interaction = interaction_log(
        membership=membership,
        client=referrer,
        contacts=[person] if person is not None and person.client_id == referrer.pk else [],
        channel=channel,
        direction=Direction.OUTBOUND,
        occurred_at=now,
        subject=f"Thanked them for referring {client.name}"[:300],
        body=note.strip(),
        is_personal_touch=True,
    )
    referral_mark_thanked(membership=membership, client=client, at=now)
    return interaction
