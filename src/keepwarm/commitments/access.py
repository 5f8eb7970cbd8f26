"""Access helper for the promise ledger."""

from __future__ import annotations

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.commitments.models import Commitment
from keepwarm.lib.access import get_in_workspace_or_404


def get_commitment_for_member(
    membership: Membership, commitment_id: object, *, write: bool = False
) -> Commitment:
    """Return a promise of the member's workspace, or 404."""
    commitment = get_in_workspace_or_404(
        Commitment.objects.select_related("client", "owner", "promised_to"),
        membership.workspace_id,
        commitment_id,
    )
    if write:
        require_write(membership)
    return commitment
