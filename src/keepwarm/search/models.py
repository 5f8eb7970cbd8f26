"""The search index: one row per searchable record, kept by database triggers."""

from __future__ import annotations

from django.db import models


class DocumentKind(models.TextChoices):
    CLIENT = "client", "Client"
    CONTACT = "contact", "Person"
    INTERACTION = "interaction", "Interaction"
    FACT = "fact", "Personal fact"
    GOAL = "goal", "Goal"


class SearchDocument(models.Model):
    """A copy of one record's searchable text, written only by triggers (see schema.py).

    The ids are plain numbers rather than foreign keys: the source rows' own deletes
    remove these rows in the database, and Django never has to collect them.
    """

    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    workspace_id = models.BigIntegerField()
    client_id = models.BigIntegerField(null=True)
    # The contact a personal fact belongs to.
    parent_id = models.BigIntegerField(null=True)
    # An interaction's channel, a fact's category, a client's or goal's status.
    subkind = models.CharField(max_length=20, blank=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    happened_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "search_document"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_object")
        ]
        indexes = [
            models.Index(fields=["kind", "parent_id"], name="search_document_parent"),
            # PostgreSQL: a kind with few rows in the workspace (its clients, say) is read
            # through this index and checked against the query, not found through the
            # query's every match in the GIN index.
            models.Index(fields=["workspace_id", "kind", "id"], name="search_document_ws_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
