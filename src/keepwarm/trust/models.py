"""The trust engine's stored state: per-workspace settings, daily snapshots, felt closeness."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import WorkspaceScoped
from keepwarm.clients.models import Client


class Band(models.TextChoices):
    COLD = "cold", "Cold"
    COOL = "cool", "Cool"
    WARMING = "warming", "Warming"
    WARM = "warm", "Warm"
    CLOSE = "close", "Close"


BAND_ORDER = [Band.COLD, Band.COOL, Band.WARMING, Band.WARM, Band.CLOSE]


class TrustSettings(WorkspaceScoped):
    """A workspace's weights and thresholds for the trust score (one row per workspace)."""

    weight_responsiveness = models.PositiveSmallIntegerField(default=25)
    weight_promise_reliability = models.PositiveSmallIntegerField(default=25)
    weight_contact_recency = models.PositiveSmallIntegerField(default=20)
    weight_sentiment = models.PositiveSmallIntegerField(default=15)
    weight_personal_touch = models.PositiveSmallIntegerField(default=15)
    weight_update_consistency = models.PositiveSmallIntegerField(default=15)
    weight_feedback = models.PositiveSmallIntegerField(default=15)
    # Lowest total of each band above Cold.
    cool_from = models.PositiveSmallIntegerField(default=20)
    warming_from = models.PositiveSmallIntegerField(default=40)
    warm_from = models.PositiveSmallIntegerField(default=60)
    close_from = models.PositiveSmallIntegerField(default=80)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="trust_settings_one_per_workspace")
        ]

    def __str__(self) -> str:
        return f"Trust settings for workspace {self.workspace_id}"


class TrustSnapshot(WorkspaceScoped):
    """A client's score on one day: the total, the band and every component."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="trust_snapshots")
    day = models.DateField()
    total = models.FloatField(null=True, blank=True, help_text="Empty when history is too thin.")
    band = models.CharField(max_length=10, choices=Band.choices, blank=True)
    # {"responsiveness": {"score": 80.0, "weight": 25}, ...}; components without data absent.
    components = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="trust_snapshot_client_day")
        ]
        indexes = [models.Index(fields=["workspace", "day"], name="trust_snapshot_ws_day")]

    def __str__(self) -> str:
        return f"{self.client_id} on {self.day}: {self.total}"


class FeltCloseness(WorkspaceScoped):
    """How close the account owner feels the relationship is, beside the computed band."""

    client = models.OneToOneField(Client, models.CASCADE, related_name="felt_closeness")
    band = models.CharField(max_length=10, choices=Band.choices)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.client_id} feels {self.band}"
