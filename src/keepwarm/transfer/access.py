"""Access helper for uploads waiting to be imported: another workspace's is a plain 404."""

from __future__ import annotations

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.lib.access import get_in_workspace_or_404
from keepwarm.transfer.models import ImportUpload


def get_upload_for_member(membership: Membership, upload_id: object) -> ImportUpload:
    """Return an upload of the member's workspace, or 404; 403 for a read-only member."""
    upload = get_in_workspace_or_404(ImportUpload.objects.all(), membership.workspace_id, upload_id)
    require_write(membership)
    return upload
