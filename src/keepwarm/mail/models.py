"""Email ingestion: what was imported, what matched nobody, business hours, import runs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import Workspace, WorkspaceScoped
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Interaction


class MailMessage(WorkspaceScoped):
    """One email we have seen, keyed by Message-ID and content, so no import repeats it."""

    # sha256 of message id and content hash: one short unique key per workspace, so the
    # duplicate check for a whole batch is one indexed IN lookup.
    fingerprint = models.CharField(max_length=64)
    message_id = models.CharField(max_length=998)
    content_hash = models.CharField(max_length=64)
    # What this message answers, so a reply imported before its question still finds it.
    in_reply_to = models.CharField(max_length=500, blank=True)
    # The first message of its conversation, so opening one shows the whole thread.
    thread_key = models.CharField(max_length=500, blank=True)
    interaction = models.ForeignKey(
        Interaction, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "fingerprint"], name="mailmessage_key"),
        ]
        indexes = [
            models.Index(fields=["workspace", "in_reply_to"], name="mailmessage_ws_reply_to"),
            models.Index(fields=["workspace", "thread_key"], name="mailmessage_ws_thread"),
        ]

    def __str__(self) -> str:
        return self.message_id


class UnmatchedMessage(WorkspaceScoped):
    """An email whose people match no client yet; assigning it makes it an interaction."""

    mail = models.OneToOneField(MailMessage, models.CASCADE, related_name="unmatched")
    direction = models.CharField(max_length=10)
    address = models.EmailField(max_length=320, help_text="The other side's address.")
    name = models.CharField(max_length=200, blank=True)
    other_addresses = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    message_id = models.CharField(max_length=500, blank=True)
    in_reply_to = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)
    needs_reply = models.BooleanField(default=False)
    sentiment = models.FloatField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    interaction = models.ForeignKey(
        Interaction, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["workspace", "assigned_at", "-occurred_at"], name="unmatched_ws_open"
            ),
            models.Index(fields=["workspace", "address"], name="unmatched_ws_address"),
        ]

    def __str__(self) -> str:
        return self.subject or self.address


class RememberedAddress(WorkspaceScoped):
    """An address someone assigned to a client once; later mail from it goes there too."""

    address = models.CharField(max_length=320)
    client = models.ForeignKey(Client, models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "address"], name="remembered_address"),
        ]

    def __str__(self) -> str:
        return self.address


class MailSettings(models.Model):
    """Business hours of a workspace, used to count response times when switched on."""

    workspace = models.OneToOneField(Workspace, models.CASCADE, related_name="mail_settings")
    business_hours_enabled = models.BooleanField(
        default=False,
        help_text="Count response time only inside business hours, in the workspace's zone.",
    )
    business_days = models.CharField(
        max_length=7, default="01234", help_text="Weekdays we work, 0 Monday to 6 Sunday."
    )
    opens_at = models.TimeField(default=dt.time(9, 0))
    closes_at = models.TimeField(default=dt.time(17, 0))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Mail settings of {self.workspace}"

    @property
    def days(self) -> set[int]:
        return {int(d) for d in self.business_days if d.isdigit()}


class ImportRun(WorkspaceScoped):
    """One file being imported; its byte offset lets an interrupted import resume."""

    path = models.CharField(max_length=1000)
    size = models.BigIntegerField(default=0)
    offset = models.BigIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "path"], name="importrun_path"),
        ]

    def __str__(self) -> str:
        return self.path
