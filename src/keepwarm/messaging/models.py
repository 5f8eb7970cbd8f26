"""The outbox: every email Keepwarm sends, delivered once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import WorkspaceScoped


class MessageState(models.TextChoices):
    QUEUED = "queued", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Will retry"
    FAILED = "failed", "Failed"
    # The server may have accepted it but we never recorded that; never resent blindly.
    UNCERTAIN = "uncertain", "Delivery uncertain"


class OutboundMessage(WorkspaceScoped):
    """One email, written in the same transaction as the change that causes it."""

    key = models.CharField(
        max_length=200, unique=True, help_text="Idempotency key: one message per key, ever."
    )
    kind = models.CharField(max_length=30, help_text="What sent it: report, digest, feedback ...")
    message_id = models.CharField(max_length=300, unique=True)
    from_email = models.CharField(max_length=300)
    to = models.JSONField(default=list)
    reply_to = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True)
    # Further headers, e.g. List-Unsubscribe on the digest.
    extra_headers = models.JSONField(default=dict, blank=True)

    state = models.CharField(
        max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbound_due"),
            models.Index(fields=["workspace", "-created_at"], name="outbound_ws_created"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.state})"


class JobRun(models.Model):
    """One run of a periodic job for one slot; the unique row is how workers agree who runs it."""

    name = models.CharField(max_length=100)
    slot = models.DateTimeField(help_text="Start of the slot this run is for (UTC).")
    claimed_by = models.CharField(max_length=100)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.IntegerField(null=True, blank=True, help_text="How many things the job did.")
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="jobrun_once_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"
