"""Background tasks of the mailboxes app."""

from __future__ import annotations

from django.tasks import task

from keepwarm.accounts.models import User
from keepwarm.mailboxes.models import MailboxAccount
from keepwarm.mailboxes.sync import mailbox_sync


@task()
def sync_mailbox(account_pk: int, user_pk: int | None = None) -> str:
    """Sync one mailbox now, if it still exists; return a one-line summary."""
    account = MailboxAccount.objects.select_related("workspace").filter(pk=account_pk).first()
    if account is None:
        return "gone"
    by = User.objects.filter(pk=user_pk).first() if user_pk else None
    run = mailbox_sync(account=account, by=by)
    return run.error or f"{run.imported} imported, {run.duplicates} already there"
