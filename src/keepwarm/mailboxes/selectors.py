"""Reads for the mailbox pages and API."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from keepwarm.accounts.models import Workspace
from keepwarm.mailboxes.models import MailboxAccount, SyncRun


def mailboxes_for(workspace: Workspace) -> QuerySet[MailboxAccount]:
    """Return the workspace's mailboxes, by name, each with its latest run's id."""
    latest = SyncRun.objects.filter(account=OuterRef("pk")).order_by("-started_at", "-pk")
    return (
        MailboxAccount.objects.filter(workspace=workspace)
        .defer("password_encrypted")
        .annotate(latest_run_id=Subquery(latest.values("pk")[:1]))
    )


def with_latest_runs(accounts: list[MailboxAccount]) -> list[MailboxAccount]:
    """Attach each account's latest SyncRun as `latest_run` (None before any), in one query."""
    ids = [getattr(a, "latest_run_id", None) for a in accounts]
    runs = SyncRun.objects.in_bulk([i for i in ids if i])
    for account, run_id in zip(accounts, ids, strict=True):
        account.latest_run = runs.get(run_id or 0)  # type: ignore[attr-defined]
    return accounts
