"""Access helper for interactions."""

from __future__ import annotations

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.interactions.models import Interaction
from keepwarm.lib.access import get_in_workspace_or_404


def get_interaction_for_member(
    membership: Membership, interaction_id: object, *, write: bool = False
) -> Interaction:
    """Return an interaction of the member's workspace, or 404."""
    interaction = get_in_workspace_or_404(
        Interaction.objects.select_related("client", "logged_by"),
        membership.workspace_id,
        interaction_id,
    )
    if write:
        require_write(membership)
    return interaction
