"""Today: what members did with agenda items (done, snoozed, dismissed), and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import WorkspaceScoped
from keepwarm.clients.models import Client


class AgendaActionKind(models.TextChoices):
    DONE = "done", "Done"
    SNOOZE = "snooze", "Snoozed"
    DISMISS = "dismiss", "Dismissed"


class AgendaAction(WorkspaceScoped):
    """A member marked an agenda item done, snoozed it until a day, or dismissed it.

    `cause` fingerprints what raised the item (a promise's due day and status, a message's id,
    the touch a check-in clock runs from): the action holds only while the cause is the same,
    so a dismissed item comes back once its cause changes.
    """

    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=20)
    client = models.ForeignKey(Client, models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=AgendaActionKind.choices)
    cause = models.CharField(max_length=100, blank=True)
    snooze_until = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "client", "created_at"], name="agenda_action_client"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.key}"
