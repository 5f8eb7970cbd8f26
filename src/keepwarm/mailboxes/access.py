"""Access helper for mailbox accounts."""

from __future__ import annotations

from keepwarm.accounts.access import require_manage
from keepwarm.accounts.models import Membership
from keepwarm.lib.access import get_in_workspace_or_404
from keepwarm.mailboxes.models import MailboxAccount


def get_mailbox_for_member(
    membership: Membership, mailbox_id: object, *, write: bool = False
) -> MailboxAccount:
    """Return a mailbox of the member's workspace, or 404; writes need an owner or manager."""
    account = get_in_workspace_or_404(
        MailboxAccount.objects.select_related("workspace"), membership.workspace_id, mailbox_id
    )
    if write:
        require_manage(membership)
    return account
