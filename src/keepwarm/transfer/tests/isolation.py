"""The transfer app's pages in the isolation matrix."""

from __future__ import annotations

from typing import Any

from keepwarm.transfer.models import ImportUpload

PARAM_OBJECTS = {"upload_id": "import_upload"}

# Downloads only read; anyone in the workspace, viewers included, may export. The review
# page only reads too (its dry run is rolled back), though only members who write reach it.
READ_ROUTES = {
    "transfer_home",
    "transfer_review",
    "transfer_export_csv",
    "transfer_export_vcard",
    "client_vcards",
    "contact_vcard",
}

WORKSPACE_WRITES = {"transfer_upload"}


def make_objects(test_class: Any, objects: dict[str, Any]) -> dict[str, Any]:
    """Create an upload waiting for its columns in alice's workspace."""
    return {
        "import_upload": ImportUpload.objects.create(
            workspace=test_class.workspace,
            source="csv",
            filename="clients.csv",
            content=b"Company,Email\r\nHarbor Dental,lena@harbor.example\r\n",
            size=48,
            created_by=test_class.alice,
        )
    }
