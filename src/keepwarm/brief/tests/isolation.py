"""The brief's pages, the resource library and referral actions in the isolation matrix."""

from __future__ import annotations

from typing import Any

from keepwarm.clients.models import Resource, ResourceTag

PARAM_OBJECTS = {"resource_id": "resource"}

READ_ROUTES = {"client_brief", "meeting_brief", "resource_list"}

WORKSPACE_WRITES = {"resource_create"}

# Valid bodies by the last path segment, so that the lookup itself is what answers.
API_BODIES: dict[str, dict[str, Any]] = {
    "share": {"message": "Thought of you."},
    "thank": {"channel": "call"},
    "resources": {"title": "Pricing guide", "url": "https://example.com/p"},
}


def make_objects(test_class: Any, objects: dict[str, Any]) -> dict[str, Any]:
    """Create a tagged resource in alice's workspace."""
    ws = test_class.workspace
    resource = Resource.objects.create(
        workspace=ws, title="Five ways to get more reviews", url="https://example.com/reviews"
    )
    ResourceTag.objects.create(workspace=ws, resource=resource, kind="industry", name="dental")
    return {"resource": resource}
