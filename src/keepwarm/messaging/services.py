"""Writes for the outbox: queue an email with a change, send again, mark as sent."""

from __future__ import annotations

import hashlib
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from keepwarm.accounts.access import require_manage
from keepwarm.accounts.models import Membership, Workspace
from keepwarm.accounts.services import audit_record
from keepwarm.messaging.models import MessageState, OutboundMessage

logger = logging.getLogger("keepwarm.outbox")

# States a person may act on: the ones Keepwarm will not resolve by itself.
STUCK_STATES = (MessageState.UNCERTAIN, MessageState.FAILED)


def message_id_for(key: str) -> str:
    """Return the Message-ID an email with this idempotency key has, now and always."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<kw.{digest}@{settings.MESSAGE_ID_DOMAIN}>"


def _check_address(value: str) -> bool:
    if "\n" in value or "\r" in value:
        return False
    _name, address = parseaddr(value)
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _validate(
    *, key: str, kind: str, to: list[str], subject: str, text: str, reply_to: str
) -> None:
    errors: dict[str, str] = {}
    if not key or len(key) > 200:
        errors["key"] = "Give an idempotency key of 1 to 200 characters."
    if not kind or len(kind) > 30:
        errors["kind"] = "Give a kind of 1 to 30 characters."
    if not to:
        errors["to"] = "Give at least one address to send to."
    elif bad := [address for address in to if not _check_address(address)]:
        errors["to"] = f"Not an email address: {', '.join(bad)}."
    if not subject.strip() or len(subject) > 300 or "\n" in subject or "\r" in subject:
        errors["subject"] = "Give a one-line subject of at most 300 characters."
    if not text.strip():
        errors["text"] = "An email needs a plain-text body."
    if reply_to and not _check_address(reply_to):
        errors["reply_to"] = f"Not an email address: {reply_to}."
    if errors:
        raise ValidationError(errors)


def schedule_delivery(message_pk: int) -> None:
    """Hand a committed message to the tasks backend (the worker, or inline in the demo)."""
    from keepwarm.messaging.tasks import deliver_message

    deliver_message.enqueue(message_pk)


@transaction.atomic
def message_enqueue(
    *,
    workspace: Workspace,
    key: str,
    kind: str,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    reply_to: str = "",
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
) -> OutboundMessage:
    """Queue an email as part of the current transaction; it is sent after commit, once.

    A second call with the same `key` returns the message already queued and sends nothing.
    `headers` adds headers of the sender's own (List-Unsubscribe ...); the Message-ID and
    threading headers are Keepwarm's and cannot be set here.
    """
    existing = OutboundMessage.objects.filter(key=key).first()
    if existing is None:
        _validate(key=key, kind=kind, to=to, subject=subject, text=text, reply_to=reply_to)
        if in_reply_to and not references:
            references = in_reply_to
        try:
            with transaction.atomic():
                message = OutboundMessage.objects.create(
                    workspace=workspace,
                    key=key,
                    kind=kind,
                    message_id=message_id_for(key),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=list(to),
                    reply_to=reply_to,
                    subject=subject,
                    body_text=text,
                    body_html=html,
                    in_reply_to=in_reply_to,
                    references=references,
                    extra_headers=_extra_headers(headers),
                )
        except IntegrityError:
            # Another transaction queued the same key first.
            existing = OutboundMessage.objects.get(key=key)
        else:
            transaction.on_commit(lambda: schedule_delivery(message.pk), robust=True)
            return message
    if existing.workspace_id != workspace.pk:
        raise ValueError(f"The key {key!r} is already used by another workspace's message.")
    return existing


RESERVED_HEADERS = {"message-id", "in-reply-to", "references", "from", "to", "subject"}


def _extra_headers(headers: dict[str, str] | None) -> dict[str, str]:
    """Return extra headers, refusing ones Keepwarm sets itself and line breaks (injection)."""
    extra = dict(headers or {})
    for name, value in extra.items():
        if name.lower() in RESERVED_HEADERS:
            raise ValidationError(f"The {name} header is set by the outbox itself.")
        if any(c in name + value for c in "\r\n"):
            raise ValidationError(f"The {name} header may not contain line breaks.")
    return extra


@transaction.atomic
def message_send_again(*, membership: Membership, message: OutboundMessage) -> OutboundMessage:
    """Queue a failed, uncertain or waiting message to be sent now (an owner's or manager's call).

    For an uncertain message the person accepts that the client may get it twice.
    """
    require_manage(membership)
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.state not in (*STUCK_STATES, MessageState.RETRYING):
        raise ValidationError(
            f"This email is {message.get_state_display().lower()}; only a failed, uncertain or "
            "waiting email can be sent again."
        )
    old_state, old_error = message.state, message.last_error
    message.state = MessageState.QUEUED
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.claimed_at = None
    message.claimed_by = ""
    message.last_error = ""
    message.save(
        update_fields=[
            "state",
            "attempts",
            "next_attempt_at",
            "claimed_at",
            "claimed_by",
            "last_error",
            "updated_at",
        ]
    )
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="message.send_again",
        obj=message,
        changes={"state": [old_state, message.state], "last_error": [old_error, ""]},
    )
    transaction.on_commit(lambda: schedule_delivery(message.pk), robust=True)
    return message


@transaction.atomic
def message_mark_sent(*, membership: Membership, message: OutboundMessage) -> OutboundMessage:
    """Record that an uncertain or failed message did reach its reader (checked by a person)."""
    require_manage(membership)
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.state not in STUCK_STATES:
        raise ValidationError(
            f"This email is {message.get_state_display().lower()}; only a failed or uncertain "
            "email can be marked as sent."
        )
    old_state = message.state
    message.state = MessageState.SENT
    # An uncertain message most likely went when it was claimed.
    message.sent_at = (
        message.claimed_at
        if old_state == MessageState.UNCERTAIN and message.claimed_at
        else timezone.now()
    )
    message.claimed_at = None
    message.claimed_by = ""
    message.save(update_fields=["state", "sent_at", "claimed_at", "claimed_by", "updated_at"])
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="message.mark_sent",
        obj=message,
        changes={"state": [old_state, message.state]},
    )
    return message
