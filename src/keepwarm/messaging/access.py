"""Access helper for the outbox: owners and managers only, a plain 404 outside the workspace."""

from __future__ import annotations

from keepwarm.accounts.access import require_manage
from keepwarm.accounts.models import Membership
from keepwarm.lib.access import get_in_workspace_or_404
from keepwarm.messaging.models import OutboundMessage


def get_message_for_member(membership: Membership, message_id: object) -> OutboundMessage:
    """Return an email of the member's workspace (404 otherwise) if they may manage (403)."""
    message = get_in_workspace_or_404(
        OutboundMessage.objects.all(), membership.workspace_id, message_id
    )
    require_manage(membership)
    return message
