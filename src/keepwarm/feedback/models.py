"""Feedback: NPS and CSAT requests and the client's answers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import Workspace, WorkspaceScoped
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Interaction
from keepwarm.messaging.models import OutboundMessage


class FeedbackKind(models.TextChoices):
    NPS = "nps", "How likely to recommend us (0 to 10)"
    CSAT = "csat", "How satisfied (1 to 5)"


# The lowest and highest score of each kind.
SCORE_RANGE: dict[str, tuple[int, int]] = {FeedbackKind.NPS: (0, 10), FeedbackKind.CSAT: (1, 5)}
# At or below these scores a client is unhappy (NPS detractor, CSAT "dissatisfied").
UNHAPPY_AT_MOST: dict[str, int] = {FeedbackKind.NPS: 6, FeedbackKind.CSAT: 2}


class FeedbackSource(models.TextChoices):
    EMAIL = "email", "Email"
    PORTAL = "portal", "Portal"


class FeedbackSettings(models.Model):
    """How often a workspace may ask its clients for feedback."""

    workspace = models.OneToOneField(Workspace, models.CASCADE, related_name="feedback_settings")
    quiet_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text="After asking a client for feedback, wait this many days before asking "
        "anyone there again.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Feedback settings of {self.workspace}"


class FeedbackRequest(WorkspaceScoped):
    """One request for a score, sent to one person at a client."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="feedback_requests")
    contact = models.ForeignKey(
        Contact, models.SET_NULL, null=True, blank=True, related_name="feedback_requests"
    )
    kind = models.CharField(max_length=4, choices=FeedbackKind.choices)
    via = models.CharField(
        max_length=6, choices=FeedbackSource.choices, default=FeedbackSource.EMAIL
    )
    # Hash of the secret in the email's answer links; blank for a portal-only request.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    outbound_message = models.ForeignKey(
        OutboundMessage, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "client", "-sent_at"], name="feedback_req_client"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request to {self.client}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """Return whether the request still waits for an answer."""
        return self.answered_at is None and self.expires_at > (now or timezone.now())


class FeedbackResponse(WorkspaceScoped):
    """A score a client gave us, with what they wrote."""

    request = models.OneToOneField(
        FeedbackRequest, models.SET_NULL, null=True, blank=True, related_name="response"
    )
    client = models.ForeignKey(Client, models.CASCADE, related_name="feedback_responses")
    contact = models.ForeignKey(
        Contact, models.SET_NULL, null=True, blank=True, related_name="feedback_responses"
    )
    kind = models.CharField(max_length=4, choices=FeedbackKind.choices)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    sentiment = models.FloatField(null=True, blank=True)
    unhappy = models.BooleanField(
        default=False, help_text="A low score or a negative comment: worth a call."
    )
    source = models.CharField(max_length=6, choices=FeedbackSource.choices)
    interaction = models.ForeignKey(
        Interaction, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="feedback_resp_ws_at"),
            models.Index(fields=["client", "-created_at"], name="feedback_resp_client_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind.upper()} {self.score} from {self.client}"

    @property
    def normalised(self) -> float:
        """Return the score on a 0 to 100 scale."""
        low, high = SCORE_RANGE[self.kind]
        return 100.0 * (self.score - low) / (high - low)


class PostThrottle(models.Model):
    """One form post by someone without an account, kept briefly to limit how fast they post."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:8]} at {self.at:%Y-%m-%d %H:%M}"
