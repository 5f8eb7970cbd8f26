"""Delivery of the outbox: claim a message, send it through Django's mail, record the outcome.

The claim commits before the mail server is contacted, so a message is only ever in the hands
of one process. A message left in `sending` by a process that died (or outlived its lease)
may or may not have reached the server: it becomes `uncertain` and is never resent blindly.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import os
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from keepwarm.accounts.services import audit_record
from keepwarm.messaging.models import MessageState, OutboundMessage

logger = logging.getLogger("keepwarm.outbox")

# A claim older than this is taken to have crashed (an SMTP attempt times out in 30 s).
LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 10
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=1)
DUE_STATES = (MessageState.QUEUED, MessageState.RETRYING)
CLAIMED_STATES = (MessageState.SENDING, MessageState.UNCERTAIN)

UNCERTAIN_NOTE = (
    "Keepwarm stopped while this email was being sent, so the mail server may or may not "
    "have accepted it. It will not be sent again unless someone chooses to."
)


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Attempt:
    """What became of one attempt to send one message."""

    outcome: Outcome
    error: str = ""


# Who is sending -------------------------------------------------------------------------


def _start_time(pid: int) -> str | None:
    """Return the process's start time in clock ticks since boot (Linux), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode(errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the fields after it are space-separated.
    fields = stat.rpartition(")")[2].split()
    if not fields or fields[0] in ("Z", "X"):
        return "gone"
    return fields[19] if len(fields) > 19 else None


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid").removeprefix("pid:[").removesuffix("]")
    except OSError:
        return "-"


@cache
def _host() -> str:
    # Containers may share a host name; their process-id namespaces differ.
    return f"{socket.gethostname()[:40]}:{_pid_namespace()}"


def worker_identity(role: str = "worker") -> str:
    """Return who this process is, as recorded on the messages it claims."""
    pid = os.getpid()
    return f"{role}/{_host()}/{pid}/{_start_time(pid) or '-'}"[:100]


def claimer_is_gone(claimed_by: str) -> bool:
    """Return whether the process that made a claim has certainly stopped.

    Only processes on this machine can be checked; for others the lease decides.
    """
    try:
        _role, host, pid_text, started = claimed_by.rsplit("/", 3)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != _host():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # It exists, and belongs to another user.
    now_started = _start_time(pid)
    if now_started is None:
        return False  # No /proc to tell a reused pid or a zombie by.
    # Another process may have taken the pid since; its start time then differs.
    return now_started == "gone" or (started != "-" and now_started != started)


# Claiming --------------------------------------------------------------------------------


def claim_message(*, worker: str, pk: int | None = None) -> OutboundMessage | None:
    """Claim one due message (this one, or the longest waiting) for `worker`, or return None.

    On PostgreSQL rows held by another worker are skipped; SQLite's IMMEDIATE transactions
    take turns. The claim commits before anything is sent (inside an outer transaction it
    commits with that one: no savepoint, as a failure rolls the whole of it back anyway).
    """
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        due = OutboundMessage.objects.select_for_update(skip_locked=True).filter(
            next_attempt_at__lte=now
        )
        if pk is not None:
            due = due.filter(pk=pk)
        # New messages first, then retries; one state at a time so the index gives the order.
        for state in DUE_STATES:
            message = due.filter(state=state).order_by("next_attempt_at", "pk").first()
            if message is not None:
                break
        else:
            return None
        message.state = MessageState.SENDING
        message.claimed_at = now
        message.claimed_by = worker
        message.attempts += 1
        message.save(update_fields=["state", "claimed_at", "claimed_by", "attempts", "updated_at"])
    return message


# Sending ---------------------------------------------------------------------------------


def build_email(message: OutboundMessage) -> EmailMultiAlternatives:
    """Return the email for a message: its own Message-ID, threading headers, text and HTML."""
    headers = {**message.extra_headers, "Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=list(message.to),
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


class _NotConnected(Exception):
    """Raised when the mail server could not be reached: nothing was sent."""


def _smtp_code(error: smtplib.SMTPException) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        # Only when every refusal is temporary is the whole message worth retrying.
        return max(codes) if codes else None
    code = getattr(error, "smtp_code", None)
    return code if isinstance(code, int) else None


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{address}: {code} {_text(text)}" for address, (code, text) in error.recipients.items()
        ]
        return "The mail server refused the recipients: " + "; ".join(parts)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server answered {error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"[:2000]


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


class Courier:
    """Sends messages over one mail connection, opened on first use and reused after."""

    def __init__(self) -> None:
        self.connection: BaseEmailBackend | None = None

    def _open(self) -> BaseEmailBackend:
        if self.connection is None:
            connection = mailers.default
            try:
                connection.open()
            except (OSError, smtplib.SMTPException) as error:
                raise _NotConnected(_describe(error)) from error
            self.connection = connection
        return self.connection

    def close(self) -> None:
        """Close the connection, ignoring a server that has already gone."""
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except (OSError, smtplib.SMTPException):
                logger.debug("Closing the mail connection failed", exc_info=True)

    def send(self, message: OutboundMessage) -> Attempt:
        """Try to send one message and classify what happened."""
        try:
            email = build_email(message)
        except (ValueError, TypeError) as error:
            return Attempt(Outcome.FAILED, _describe(error))
        try:
            connection = self._open()
        except _NotConnected as error:
            return Attempt(Outcome.RETRY, f"Could not reach the mail server: {error}")
        try:
            sent = connection.send_messages([email])
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as error:
            # The server answered with a refusal: it did not take the message.
            self.close()
            code = _smtp_code(error)
            temporary = code is None or 400 <= code < 500
            return Attempt(Outcome.RETRY if temporary else Outcome.FAILED, _describe(error))
        except (ValueError, smtplib.SMTPNotSupportedError) as error:
            # A bad header or address, found while the email was built: nothing went out.
            self.close()
            return Attempt(Outcome.FAILED, _describe(error))
        except (OSError, smtplib.SMTPException) as error:
            # Cut off mid-conversation: the server may have taken it. Never resend blindly.
            self.close()
            return Attempt(Outcome.UNCERTAIN, f"The connection broke while sending: {error}")
        if not sent:
            return Attempt(Outcome.FAILED, "The mail backend did not send it.")
        return Attempt(Outcome.SENT)


# Recording outcomes ----------------------------------------------------------------------


def retry_delay(attempts: int) -> dt.timedelta:
    """Return how long to wait after the `attempts`-th failed attempt (1, 2, 4 … 60 minutes)."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def record_attempt(message: OutboundMessage, attempt: Attempt) -> OutboundMessage:
    """Record what became of the claimed `message`, unless someone else took it over since."""
    now = timezone.now()
    fields: dict[str, Any] = {"claimed_at": None, "claimed_by": "", "updated_at": now}
    if attempt.outcome == Outcome.SENT:
        fields |= {"state": MessageState.SENT, "sent_at": now, "last_error": ""}
    elif attempt.outcome == Outcome.RETRY and message.attempts < MAX_ATTEMPTS:
        fields |= {
            "state": MessageState.RETRYING,
            "next_attempt_at": now + retry_delay(message.attempts),
            "last_error": attempt.error,
        }
    elif attempt.outcome == Outcome.UNCERTAIN:
        # Keep the claim: it says who tried and when.
        fields = {"state": MessageState.UNCERTAIN, "last_error": attempt.error, "updated_at": now}
    else:
        error = attempt.error
        if attempt.outcome == Outcome.RETRY:
            error = f"Gave up after {message.attempts} attempts. Last error: {error}"
        fields |= {"state": MessageState.FAILED, "last_error": error}
    with transaction.atomic(savepoint=False):
        updated = OutboundMessage.objects.filter(
            pk=message.pk,
            state__in=CLAIMED_STATES,
            claimed_by=message.claimed_by,
            attempts=message.attempts,
        ).update(**fields)
        if not updated:
            logger.warning("message %s was taken over while being sent", message.pk)
            return message
        for name, value in fields.items():
            setattr(message, name, value)
        if message.state in (MessageState.FAILED, MessageState.UNCERTAIN):
            audit_record(
                workspace=message.workspace,
                actor=None,
                action=f"message.{message.state}",
                obj=message,
                changes={"state": ["sending", message.state], "error": message.last_error},
            )
    return message


def _log(message: OutboundMessage, attempt: Attempt) -> None:
    logger.info(
        "message %s %s: %s to %s (attempt %s)%s",
        message.pk,
        message.state,
        message.kind,
        ", ".join(message.to),
        message.attempts,
        f": {attempt.error}" if attempt.error else "",
    )


def deliver_claimed(message: OutboundMessage, courier: Courier) -> OutboundMessage:
    """Send a message this process has claimed and record the outcome."""
    attempt = courier.send(message)
    message = record_attempt(message, attempt)
    _log(message, attempt)
    return message


def message_deliver(*, pk: int, worker: str | None = None) -> OutboundMessage | None:
    """Send the message with this id if it is due and nobody holds it; None otherwise."""
    message = claim_message(worker=worker or worker_identity("web"), pk=pk)
    if message is None:
        return None
    courier = Courier()
    try:
        return deliver_claimed(message, courier)
    finally:
        courier.close()


def outbox_deliver_due(
    *,
    worker: str,
    limit: int = 100,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Send up to `limit` due messages over one connection; return how many were attempted.

    Recording one message's outcome and claiming the next share a transaction: one commit
    per message. A crash before that commit leaves the sent message claimed (so uncertain)
    and the next one still queued, as separate transactions would.
    """
    courier = Courier()
    done = 0
    try:
        message = None if should_stop() or limit < 1 else claim_message(worker=worker)
        while message is not None:
            attempt = courier.send(message)
            done += 1
            with transaction.atomic():
                recorded = record_attempt(message, attempt)
                more = done < limit and not should_stop()
                message = claim_message(worker=worker) if more else None
            _log(recorded, attempt)
    finally:
        courier.close()
    return done


def outbox_reconcile(*, now: dt.datetime | None = None) -> int:
    """Mark messages whose sender died or outlived its lease as `uncertain`; return how many."""
    now = now or timezone.now()
    marked = 0
    stuck = OutboundMessage.objects.filter(state=MessageState.SENDING).only(
        "pk", "workspace", "claimed_by", "claimed_at", "attempts", "subject", "to", "state"
    )
    for message in stuck:
        expired = message.claimed_at is None or message.claimed_at <= now - LEASE
        if not expired and not claimer_is_gone(message.claimed_by):
            continue
        with transaction.atomic():
            updated = OutboundMessage.objects.filter(
                pk=message.pk,
                state=MessageState.SENDING,
                claimed_by=message.claimed_by,
                attempts=message.attempts,
            ).update(state=MessageState.UNCERTAIN, last_error=UNCERTAIN_NOTE, updated_at=now)
            if not updated:
                continue
            audit_record(
                workspace=message.workspace,
                actor=None,
                action="message.uncertain",
                obj=message,
                changes={"state": ["sending", "uncertain"], "claimed_by": message.claimed_by},
            )
        marked += 1
        logger.warning(
            "message %s delivery uncertain: %s stopped while sending it",
            message.pk,
            message.claimed_by,
        )
    return marked
