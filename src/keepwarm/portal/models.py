"""The client portal: what a client may see of the relationship, without an account."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import WorkspaceScoped
from keepwarm.clients.models import Client, Goal
from keepwarm.interactions.models import Interaction
from keepwarm.reports.models import StatusReport


class PortalToken(WorkspaceScoped):
    """A client's portal link; only the hash of its secret is stored."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="portal_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Portal link for {self.client}"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        """Return whether the link still opens the portal."""
        moment = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)


class ReportRead(WorkspaceScoped):
    """The first time a client opened a sent report on the portal: "they read it"."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="+")
    report = models.OneToOneField(StatusReport, models.CASCADE, related_name="portal_read")
    read_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Report {self.report_id} read {self.read_at:%Y-%m-%d}"


class Concern(WorkspaceScoped):
    """A concern a client raised on the portal; the interaction carries the reply state."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="portal_concerns")
    interaction = models.OneToOneField(Interaction, models.CASCADE, related_name="concern")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Concern from {self.client}"


class GoalComment(WorkspaceScoped):
    """What a client said on the portal about one of their goals as we understand it."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, models.CASCADE, related_name="portal_comments")
    interaction = models.OneToOneField(Interaction, models.CASCADE, related_name="goal_comment")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Comment on {self.goal}"
