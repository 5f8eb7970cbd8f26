"""Mailboxes Keepwarm reads over IMAP: the accounts, where each folder's sync stands, each run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import Workspace, WorkspaceScoped


class Security(models.TextChoices):
    TLS = "tls", "TLS from the start (usually port 993)"
    STARTTLS = "starttls", "STARTTLS (usually port 143)"
    NONE = "none", "None: plain text (only on a trusted network)"


class FolderRole(models.TextChoices):
    INBOUND = "inbound", "Received mail"
    SENT = "sent", "Sent mail"


class MailboxSettings(models.Model):
    """A workspace's mailbox policy: whether its mail hosts may be on a private network."""

    workspace = models.OneToOneField(Workspace, models.CASCADE, related_name="mailbox_settings")
    # Off by default: a host on a private, loopback or link-local address could otherwise
    # be used to probe the network Keepwarm runs in.
    allow_private_hosts = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Mailbox settings of {self.workspace}"


class MailboxAccount(WorkspaceScoped):
    """One IMAP mailbox whose messages become interactions."""

    name = models.CharField(max_length=100)
    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.TLS)
    username = models.CharField(max_length=254)
    # Fernet token of the password (see keepwarm.mailboxes.secrets); never the password itself.
    password_encrypted = models.TextField()
    # [{"name": "INBOX", "role": "inbound"}, {"name": "Sent", "role": "sent"}]
    folders = models.JSONField(default=list)
    # Our own addresses, lower case: mail from them is outbound.
    our_addresses = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Set while a sync runs, so a "Sync now" and the worker never read one mailbox at once.
    syncing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def folder_names(self) -> list[str]:
        return [str(f["name"]) for f in self.folders]

    def folder_role(self, name: str) -> str:
        for folder in self.folders:
            if folder["name"] == name:
                return str(folder["role"])
        return FolderRole.INBOUND


class FolderState(models.Model):
    """How far one folder of an account has been read: its UIDVALIDITY and the highest UID."""

    account = models.ForeignKey(MailboxAccount, models.CASCADE, related_name="folder_states")
    folder = models.CharField(max_length=500)
    uid_validity = models.BigIntegerField()
    last_uid = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "folder"], name="folder_state_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.folder} {self.uid_validity}:{self.last_uid}"


class SyncRun(models.Model):
    """One sync of one account: when, what came of its messages, and any error."""

    account = models.ForeignKey(MailboxAccount, models.CASCADE, related_name="sync_runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    too_large = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-started_at"], name="sync_run_recent")]

    def __str__(self) -> str:
        return f"Sync of {self.account} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seen(self) -> int:
        return self.imported + self.duplicates + self.unmatched + self.quarantined
