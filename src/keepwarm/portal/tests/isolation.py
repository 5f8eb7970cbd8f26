"""The portal's routes in the isolation matrix.

The portal link (`portal_open`) carries a secret; the other portal pages rely on the signed
portal cookie alone, so a signed-in team member without it gets the plain 404. Their own
matrix (a link for client A never shows client B) is in test_isolation_portal.py.
"""

from __future__ import annotations

from typing import Any

from keepwarm.portal.models import PortalToken
from keepwarm.reports.models import StatusReport

PARAM_OBJECTS = {"report_id": "report", "link_id": "portal_link"}
SECRET_ROUTES = {"portal_open"}
PUBLIC_ROUTES = {"portal_home", "portal_feedback", "portal_concern", "portal_goal_comment"}
READ_ROUTES = {"portal_report"}


def make_objects(test_class: Any, objects: dict[str, Any]) -> dict[str, Any]:
    made: dict[str, Any] = {
        "portal_link": PortalToken.objects.create(
            workspace=test_class.workspace, client=objects["client"], token_hash="2" * 64
        )
    }
    if "report" not in objects:
        made["report"] = StatusReport.objects.create(
            workspace=test_class.workspace,
            client=objects["client"],
            subject="Weekly update",
        )
    return made
