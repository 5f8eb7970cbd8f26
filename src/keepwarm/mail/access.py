"""Access helper for messages that matched no client."""

from __future__ import annotations

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.lib.access import get_in_workspace_or_404
from keepwarm.mail.models import UnmatchedMessage


def get_unmatched_for_member(
    membership: Membership, unmatched_id: object, *, write: bool = False
) -> UnmatchedMessage:
    """Return a message of the member's workspace still waiting to be assigned, or 404."""
    unmatched = get_in_workspace_or_404(
        UnmatchedMessage.objects.filter(assigned_at__isnull=True).select_related("mail"),
        membership.workspace_id,
        unmatched_id,
    )
    if write:
        require_write(membership)
    return unmatched
