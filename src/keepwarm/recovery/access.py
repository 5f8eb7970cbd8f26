"""Access helpers for recovery cases, their agreed actions, and tough topics."""

from __future__ import annotations

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.lib.access import get_in_workspace_or_404
from keepwarm.recovery.models import AgreedAction, RecoveryCase, ToughTopic


def get_case_for_member(
    membership: Membership, case_id: object, *, write: bool = False
) -> RecoveryCase:
    """Return a recovery case of the member's workspace, or 404."""
    case = get_in_workspace_or_404(
        RecoveryCase.objects.select_related("client", "opened_by", "closed_by"),
        membership.workspace_id,
        case_id,
    )
    if write:
        require_write(membership)
    return case


def get_action_for_member(
    membership: Membership, action_id: object, *, write: bool = False
) -> AgreedAction:
    """Return an agreed action of the member's workspace, or 404."""
    action = get_in_workspace_or_404(
        AgreedAction.objects.select_related("case", "case__client", "commitment"),
        membership.workspace_id,
        action_id,
    )
    if write:
        require_write(membership)
    return action


def get_topic_for_member(
    membership: Membership, topic_id: object, *, write: bool = False
) -> ToughTopic:
    """Return a tough topic of the member's workspace, or 404."""
    topic = get_in_workspace_or_404(
        ToughTopic.objects.select_related("client", "created_by", "raised_by"),
        membership.workspace_id,
        topic_id,
    )
    if write:
        require_write(membership)
    return topic
