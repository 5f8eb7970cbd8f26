"""The reports pages and API in the isolation matrix."""

from __future__ import annotations

from typing import Any

from keepwarm.reports.models import ReportKind, StatusReport

PARAM_OBJECTS = {"report_id": "report"}
READ_ROUTES = {"report_list", "report_preview"}
WORKSPACE_WRITES = {"report_settings"}
API_BODIES = {
    "send": {},
    "schedule": {"at": "2031-01-01T09:00:00+00:00"},
}


def make_objects(test_class: Any, objects: dict[str, Any]) -> dict[str, Any]:
    return {
        "report": StatusReport.objects.create(
            workspace=test_class.workspace,
            client=objects["client"],
            kind=ReportKind.JOB,
            subject="Job report",
            wrong_md="A leak",
            did_md="Fixed it",
            body_markdown="Hi Lena,\n\nWe fixed the leak.\n",
        )
    }
