"""Imports and exports: the ledger of outside ids, and uploads waiting for their mapping."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from keepwarm.accounts.models import WorkspaceScoped


class Source(models.TextChoices):
    CSV = "csv", "CSV"
    VCARD = "vcard", "vCard"
    ICS = "ics", "Calendar (ICS)"


class RefKind(models.TextChoices):
    CLIENT = "client", "Client"
    CONTACT = "contact", "Contact"
    INTERACTION = "interaction", "Interaction"


class ExternalRef(WorkspaceScoped):
    """An id another program gave a record, so that importing it again updates it."""

    # "csv", "vcard" or "ics"; a CSV's ids may be kept apart per program: "csv:hubspot".
    source = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=RefKind.choices)
    external_id = models.CharField(max_length=500)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "kind", "external_id"], name="external_ref_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.kind}:{self.external_id}"


class ImportUpload(WorkspaceScoped):
    """A file uploaded for import, kept until it is imported or abandoned (a day at most)."""

    source = models.CharField(max_length=10, choices=Source.choices)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    mapping = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename
