"""Access helper for reports."""

from __future__ import annotations

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.lib.access import get_in_workspace_or_404
from keepwarm.reports.models import StatusReport


def get_report_for_member(
    membership: Membership, report_id: object, *, write: bool = False
) -> StatusReport:
    """Return a report of the member's workspace, or 404."""
    report = get_in_workspace_or_404(
        StatusReport.objects.select_related(
            "client", "workspace", "outbound", "interaction", "created_by", "reviewed_by"
        ),
        membership.workspace_id,
        report_id,
    )
    if write:
        require_write(membership)
    return report
