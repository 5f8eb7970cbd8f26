"""Repairing trust: recovery cases and the tough-topics register."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import WorkspaceScoped
from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment


class Cause(models.TextChoices):
    """Why a client lost trust, in the words of seed 003."""

    TREATED_POORLY = "treated_poorly", "Not treated well"
    SLOW_RESPONSE = "slow_response", "We took too long to respond"
    CONFUSING = "confusing", "A confusing explanation"
    UNIMPORTANT = "unimportant", "They felt unimportant"
    NO_UPDATES = "no_updates", "No updates on progress or problems"
    POOR_WORK = "poor_work", "Work that was not good enough"
    OTHER = "other", "Something else"


class Outcome(models.TextChoices):
    OPEN = "open", "Open"
    RETAINED = "retained", "Retained"
    LOST = "lost", "Lost"


class Step(models.TextChoices):
    """The eight steps of regaining trust, in order (seed 003)."""

    PREPARE = "prepare", "Prepare"
    FACTS = "facts", "Find the facts"
    FEELINGS = "feelings", "Find the feelings"
    UNDERSTAND = "understand", "Show you understand"
    FRAME = "frame", "Frame the problem"
    HANDLE_FEELINGS = "handle_feelings", "Handle the feelings"
    HANDLE_PROBLEM = "handle_problem", "Handle the problem"
    AGREE = "agree", "Agree on the steps both sides take"


class Side(models.TextChoices):
    OURS = "ours", "Us"
    THEIRS = "theirs", "The client"


class RecoveryCase(WorkspaceScoped):
    """An effort to win back a client's trust, from what happened to how it ended."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="recovery_cases")
    cause = models.CharField(max_length=20, choices=Cause.choices)
    what_happened = models.TextField()
    # The signal that suggested the case, when one did ("slow_reply", "broken_promise" ...).
    signal = models.CharField(max_length=30, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closing_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "outcome"], name="recovery_case_ws_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.get_cause_display()} ({self.client})"

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.OPEN


class RecoveryStep(WorkspaceScoped):
    """One of the eight steps, done: what we found or did, by whom and when."""

    case = models.ForeignKey(RecoveryCase, models.CASCADE, related_name="steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    notes = models.TextField(blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="recovery_step_once"),
        ]

    def __str__(self) -> str:
        return self.get_step_display()


class AgreedAction(WorkspaceScoped):
    """A step one side agreed to take; ours are promises in the ledger."""

    case = models.ForeignKey(RecoveryCase, models.CASCADE, related_name="actions")
    side = models.CharField(max_length=10, choices=Side.choices)
    text = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    commitment = models.ForeignKey(
        Commitment, models.SET_NULL, null=True, blank=True, related_name="recovery_actions"
    )
    # Theirs only: when the client did what they agreed to.
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.text


class TopicKind(models.TextChoices):
    PRICE = "price", "Price"
    DELIVERY = "delivery", "Delivery"
    COOPERATION = "cooperation", "Cooperation"
    MISTAKE = "mistake", "A mistake to admit"
    OTHER = "other", "Something else"


class ToughTopic(WorkspaceScoped):
    """A hard conversation we owe a client, to raise before they have to (seed 004)."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="tough_topics")
    kind = models.CharField(max_length=12, choices=TopicKind.choices)
    what_to_say = models.TextField()
    raise_by = models.DateField()
    raised_at = models.DateTimeField(null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "raised_at", "raise_by"], name="tough_topic_ws_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.what_to_say[:40]}"
