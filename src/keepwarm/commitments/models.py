"""The promise ledger: what we said we would do, for whom, by when, and whether we did."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import WorkspaceScoped
from keepwarm.clients.models import Client, Contact, Goal
from keepwarm.interactions.models import Interaction


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    LATE = "late", "Kept late"
    BROKEN = "broken", "Broken"
    RENEGOTIATED = "renegotiated", "Renegotiated"


CLOSED_STATUSES = (CommitmentStatus.KEPT, CommitmentStatus.LATE, CommitmentStatus.BROKEN)


class Commitment(WorkspaceScoped):
    """A promise made to a client."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="commitments")
    what = models.CharField(max_length=300)
    promised_to = models.ForeignKey(
        Contact, models.SET_NULL, null=True, blank=True, related_name="commitments"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    source_interaction = models.ForeignKey(
        Interaction, models.SET_NULL, null=True, blank=True, related_name="commitments"
    )
    goal = models.ForeignKey(
        Goal, models.SET_NULL, null=True, blank=True, related_name="commitments"
    )
    renegotiated_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="renegotiated_into"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "status", "due_on"], name="commitment_ws_due"),
            # The trust engine's staleness check: what changed since the last snapshot.
            models.Index(fields=["client", "updated_at"], name="commitment_client_upd"),
        ]

    def __str__(self) -> str:
        return self.what

    def days_overdue(self, today: dt.date | None = None) -> int:
        """Return how many days past due an open promise is (0 when not overdue)."""
        if self.status != CommitmentStatus.OPEN:
            return 0
        day = today or timezone.localdate()
        return max(0, (day - self.due_on).days)
