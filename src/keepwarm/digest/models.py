"""The daily digest email and the calendar feed of a member's agenda."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from keepwarm.accounts.models import Membership


class CalendarFeed(models.Model):
    """A member's secret calendar link; only a SHA-256 of its token is stored."""

    membership = models.ForeignKey(Membership, models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(revoked_at__isnull=True),
                name="calendarfeed_one_active",
            ),
        ]

    def __str__(self) -> str:
        return "Calendar link"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DigestDay(models.Model):
    """A member's digest for one local day: sent (with its message) or skipped as empty.

    One row per member and day, claimed before anything is queued, so the digest goes out at
    most once a day however many workers run, and an empty morning is not mailed at noon.
    """

    membership = models.ForeignKey(Membership, models.CASCADE, related_name="digest_days")
    day = models.DateField(help_text="The member's local date the digest is for.")
    items = models.PositiveIntegerField(default=0)
    message = models.ForeignKey(
        "messaging.OutboundMessage", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "day"], name="digestday_once"),
        ]

    def __str__(self) -> str:
        return f"Digest of {self.day}"
