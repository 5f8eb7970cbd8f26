"""Reads for the mailbox pages and API."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from keepwarm.accounts.models import Workspace
from keepwarm.mailboxes.models import MailboxAccount, SyncRun


def mailboxes_for(workspace: Workspace) -> QuerySet[MailboxAccount]:
    """Return the workspace's mailboxes, by name, each with its latest run's id."""
    latest = SyncRun.objects.filter(account=OuterRef("pk")).order_by("-started_at", "-pk")
    return MailboxAccount.objects.filter(workspace=workspace).annotate(
        latest_run_id=Subquery(latest.values("pk")[:1])
    )


def with_latest_runs(accounts: list[MailboxAccount]) -> list[MailboxAccount]:
    """Attach each account's latest SyncRun as `latest_run` (None before its first), in one query."""
    ids = [a.latest_run_id for a in accounts if getattr(a, "latest_run_id", None)]
    runs = SyncRun.objects.in_bulk(ids)
    for account in accounts:
        account.latest_run = runs.get(getattr(account, "latest_run_id", None) or 0)  # type: ignore[attr-defined]
    return accounts
