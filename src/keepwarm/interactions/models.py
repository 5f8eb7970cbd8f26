"""The interaction log: every call, meeting, email and message with a client."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import Workspace, WorkspaceScoped
from keepwarm.clients.models import Client, Contact
from keepwarm.lib.text import is_clearly_negative


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Site visit"
    MESSAGE = "message", "Message"
    PORTAL = "portal", "Portal"


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the client"
    OUTBOUND = "outbound", "From us"
    INTERNAL = "internal", "Internal note"


# What an interaction was about; stored as one boolean column each so that counts
# per kind stay simple, indexable SQL.
INTERACTION_KINDS: dict[str, str] = {
    "progress": "Progress",
    "problem": "Problem",
    "value_add": "Value-add",
    "personal_touch": "Personal touch",
    "job_report": "Job report",
}


class Interaction(WorkspaceScoped):
    """One contact between us and a client, in either direction, or an internal note."""

    # The largest table keeps no single-column index on workspace or client: the composite
    # indexes below lead with them and serve those lookups and cascades too, and every
    # index more is one more write per imported email.
    workspace = models.ForeignKey(Workspace, models.CASCADE, related_name="+", db_index=False)
    client = models.ForeignKey(Client, models.CASCADE, related_name="interactions", db_index=False)
    contacts = models.ManyToManyField(Contact, blank=True, related_name="interactions")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)

    is_progress = models.BooleanField(default=False)
    is_problem = models.BooleanField(default=False)
    is_value_add = models.BooleanField(default=False)
    is_personal_touch = models.BooleanField(default=False)
    is_job_report = models.BooleanField(default=False)

    # Email threading; filled by email ingestion.
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)

    needs_reply = models.BooleanField(default=False)
    replied_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="replies_to"
    )
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    sentiment = models.FloatField(null=True, blank=True)
    reading_ease = models.FloatField(null=True, blank=True)

    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["client", "-occurred_at"], name="interaction_client_at"),
            models.Index(fields=["workspace", "-occurred_at"], name="interaction_ws_at"),
            # Today's replies and the Inbox read messages waiting for a reply.
            models.Index(
                fields=["workspace", "needs_reply", "occurred_at"], name="interaction_ws_reply"
            ),
            # The trust engine's staleness check: what changed since the last snapshot.
            models.Index(fields=["client", "updated_at"], name="interaction_client_upd"),
            # Feedback due: each client's last job report, one index step per client.
            models.Index(
                fields=["client", "is_job_report", "-occurred_at"], name="interaction_client_job"
            ),
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.get_channel_display()} on {self.occurred_at:%d %b %Y}"

    @property
    def kinds(self) -> list[str]:
        return [kind for kind in INTERACTION_KINDS if getattr(self, f"is_{kind}")]

    @property
    def reads_negative(self) -> bool:
        """Return whether a message from the client reads clearly upset."""
        return is_clearly_negative(self.sentiment)

    @property
    def kind_labels(self) -> list[str]:
        return [INTERACTION_KINDS[kind] for kind in self.kinds]
