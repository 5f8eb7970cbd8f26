"""Periodic jobs of the mailboxes app: read every enabled mailbox every few minutes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from keepwarm.lib.schedule import job, stop_requested
from keepwarm.mailboxes.models import MailboxAccount
from keepwarm.mailboxes.sync import mailbox_sync


@job("mailboxes.sync", every=dt.timedelta(minutes=max(1, settings.MAIL_SYNC_MINUTES)))
def sync_mailboxes(*, now: dt.datetime) -> int:
    """Sync every enabled mailbox once per slot; return how many messages were imported.

    One failing mailbox records its error on the account and the others go on. A mailbox
    with a large backlog (its first sync) is read KEEPWARM_MAIL_SYNC_MAX_MESSAGES at a time,
    so one mailbox cannot hold up the others for long.
    """
    imported = 0
    accounts = MailboxAccount.objects.filter(enabled=True).select_related("workspace")
    for account in accounts.order_by("pk"):
        if stop_requested():
            break
        run = mailbox_sync(
            account=account,
            max_messages=settings.MAIL_SYNC_MAX_MESSAGES,
            should_stop=stop_requested,
        )
        imported += run.imported
    return imported
