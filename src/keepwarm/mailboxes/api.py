"""JSON API for mailboxes: list them (never their passwords) and ask for a sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from keepwarm.accounts.access import require_manage
from keepwarm.lib.api import READ_ERRORS, WRITE_ERRORS, PageIn, PageOut, member, paginate
from keepwarm.mailboxes import services
from keepwarm.mailboxes.access import get_mailbox_for_member
from keepwarm.mailboxes.models import FolderRole, MailboxAccount, Security
from keepwarm.mailboxes.selectors import mailboxes_for, with_latest_runs

router = Router(tags=["mailboxes"])


class FolderOut(Schema):
    name: str
    role: FolderRole = Field(description="inbound: received mail; sent: our own replies.")


class RunOut(Schema):
    started_at: dt.datetime
    finished_at: dt.datetime | None
    imported: int
    duplicates: int
    unmatched: int
    quarantined: int
    too_large: int = Field(description="Skipped: larger than the per-message size limit.")
    error: str


class MailboxOut(Schema):
    id: int
    name: str
    host: str
    port: int
    security: Security
    username: str
    folders: list[FolderOut]
    our_addresses: list[str]
    enabled: bool
    last_sync_at: dt.datetime | None
    last_error: str = Field(description="Why the last sync failed, or empty.")
    last_run: RunOut | None


class MailboxPageOut(PageOut):
    results: list[MailboxOut]


class SyncQueuedOut(Schema):
    id: int
    queued: bool = Field(description="true: the sync runs now in the worker (or has already run).")


def _out(account: MailboxAccount) -> dict[str, Any]:
    return {
        "id": account.pk,
        "name": account.name,
        "host": account.host,
        "port": account.port,
        "security": account.security,
        "username": account.username,
        "folders": account.folders,
        "our_addresses": account.our_addresses,
        "enabled": account.enabled,
        "last_sync_at": account.last_sync_at,
        "last_error": account.last_error,
        "last_run": getattr(account, "latest_run", None),
    }


@router.get("", response={200: MailboxPageOut, **READ_ERRORS})
def mailbox_list(request: HttpRequest, filters: Query[PageIn]) -> dict[str, Any]:
    """List the workspace's mailboxes with their last sync (passwords are never returned)."""
    membership = member(request)
    page = paginate(request, mailboxes_for(membership.workspace), filters)
    page["results"] = [_out(a) for a in with_latest_runs(list(page["results"]))]
    return page


@router.post("/{mailbox_id}/sync", response={202: SyncQueuedOut, **WRITE_ERRORS})
def mailbox_sync(request: HttpRequest, mailbox_id: int) -> Status[dict[str, Any]]:
    """Read the mailbox's new messages now (owners and managers)."""
    membership = member(request)
    account = get_mailbox_for_member(membership, mailbox_id)
    require_manage(membership)
    services.mailbox_sync_request(membership=membership, account=account)
    return Status(202, {"id": account.pk, "queued": True})
