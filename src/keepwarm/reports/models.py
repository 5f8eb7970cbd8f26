"""Status reports and job reports: drafted, reviewed, sent on schedule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from keepwarm.accounts.models import WorkspaceScoped
from keepwarm.clients.models import Client, ReportCadence, Weekday
from keepwarm.interactions.models import Interaction
from keepwarm.messaging.models import OutboundMessage


class ReportKind(models.TextChoices):
    STATUS = "status", "Status report"
    JOB = "job", "Job report"


class ReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


# States a report may be sent (or scheduled) from.
SENDABLE_STATES = (ReportState.DRAFT, ReportState.SCHEDULED, ReportState.FAILED)
# States in which the report of a period needs nothing more from anyone.
HANDLED_STATES = (ReportState.SCHEDULED, ReportState.SENDING, ReportState.SENT)


class ReportSettings(WorkspaceScoped):
    """A workspace's report defaults (one row per workspace).

    A client whose own cadence is "No scheduled reports" follows the default cadence, with
    the default weekday, time and no-change rule, in the client's own time zone, as long as
    at least one of its people receives reports. The grace period applies to every client.
    """

    default_cadence = models.CharField(
        max_length=12, choices=ReportCadence.choices, default=ReportCadence.NONE
    )
    default_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.FRIDAY
    )
    default_time = models.TimeField(default="16:00")
    default_auto_send_no_change = models.BooleanField(default=False)
    grace_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How long after it is due a report may wait before it is overdue."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="report_settings_one_per_workspace")
        ]

    def __str__(self) -> str:
        return f"Report settings for workspace {self.workspace_id}"


class StatusReport(WorkspaceScoped):
    """One report to a client: a status report for a period, or a job report."""

    client = models.ForeignKey(Client, models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=10, choices=ReportKind.choices, default=ReportKind.STATUS)
    # The period a status report covers, as local dates of the client's zone (empty for job
    # reports): from the day after the previous report was due to the day this one is due.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    cadence = models.CharField(max_length=12, choices=ReportCadence.choices, blank=True)
    # The records it draws on happened in [covers_from, due_at).
    covers_from = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)

    subject = models.CharField(max_length=300)
    # Status report sections, Markdown.
    done_md = models.TextField("What we did", blank=True)
    problems_md = models.TextField("Problems", blank=True)
    next_md = models.TextField("What comes next", blank=True)
    questions_md = models.TextField("Questions for you", blank=True)
    # Job report sections, Markdown.
    wrong_md = models.TextField("What was wrong", blank=True)
    did_md = models.TextField("What we did", blank=True)
    needed_md = models.TextField("What is needed next", blank=True)
    # Job reports: [{"what": ..., "due_on": "YYYY-MM-DD", "commitment_id": null}]; each
    # becomes a promise when the report is sent.
    recommendations = models.JSONField(default=list, blank=True)
    # The whole email as the client reads it, Markdown; starts from the sections.
    body_markdown = models.TextField(blank=True)
    is_no_change = models.BooleanField(default=False)
    has_problems = models.BooleanField(default=False)

    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    outbound = models.ForeignKey(
        OutboundMessage, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The outbox Message-ID, so a client's reply threads back to this report.
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    interaction = models.ForeignKey(
        Interaction, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reading_ease = models.FloatField(null=True, blank=True, help_text="At sending.")
    sent_below_target = models.BooleanField(default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "period_start"],
                condition=Q(kind="status"),
                name="report_one_per_client_period",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "state"], name="report_ws_state"),
            models.Index(fields=["state", "scheduled_for"], name="report_scheduled"),
            models.Index(fields=["client", "-created_at"], name="report_client_created"),
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.get_kind_display()} for {self.client_id}"

    @property
    def is_job(self) -> bool:
        return self.kind == ReportKind.JOB

    @property
    def is_editable(self) -> bool:
        return self.state in SENDABLE_STATES
