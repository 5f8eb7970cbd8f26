"""The recovery app's pages and API operations in the isolation matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from keepwarm.recovery.models import AgreedAction, RecoveryCase, ToughTopic

PARAM_OBJECTS = {
    "case_id": "recovery_case",
    "action_id": "agreed_action",
    "topic_id": "tough_topic",
}

READ_ROUTES = {"recovery_case_detail"}

# Valid bodies by the last path segment, so that the lookup itself is what answers.
API_BODIES: dict[str, dict[str, Any]] = {
    "steps": {"step": "prepare", "notes": ""},
    "actions": {"side": "theirs", "text": "Send the new opening hours"},
    "done": {"done": True},
    "close": {"outcome": "lost", "closing_note": "They moved to another studio."},
    "raise": {"outcome": "They took it well."},
}


def make_objects(test_class: Any, objects: dict[str, Any]) -> dict[str, Any]:
    """Create an open case with one agreed action, and a tough topic, in alice's workspace."""
    ws = test_class.workspace
    client = objects["client"]
    case = RecoveryCase.objects.create(
        workspace=ws, client=client, cause="slow_response", what_happened="Waited a week."
    )
    return {
        "recovery_case": case,
        "agreed_action": AgreedAction.objects.create(
            workspace=ws, case=case, side="theirs", text="Send the opening hours"
        ),
        "tough_topic": ToughTopic.objects.create(
            workspace=ws,
            client=client,
            kind="price",
            what_to_say="Our rates go up 5% in January.",
            raise_by=dt.date(2026, 12, 1),
        ),
    }
