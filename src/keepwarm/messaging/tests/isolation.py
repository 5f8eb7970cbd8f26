"""The outbox's place in the isolation matrix (see keepwarm/tests/test_isolation.py)."""

from __future__ import annotations

from typing import Any

from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.services import message_id_for

PARAM_OBJECTS = {"message_id": "message"}
READ_ROUTES = {"outbox", "outbox_message"}


def make_objects(test_class: Any, objects: dict[str, Any]) -> dict[str, Any]:
    """Create one failed email in alice's workspace."""
    message = OutboundMessage.objects.create(
        workspace=test_class.workspace,
        key="isolation:1",
        kind="report",
        message_id=message_id_for("isolation:1"),
        from_email="keepwarm@localhost",
        to=["lena@harbor.example"],
        subject="Your weekly update",
        body_text="Nothing changed this week.",
        state=MessageState.FAILED,
        last_error="The mail server answered 550 No such user",
    )
    return {"message": message}
