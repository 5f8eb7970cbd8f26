"""The mail app's pages and API operations in the isolation matrix."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from keepwarm.mail.models import MailMessage, UnmatchedMessage

PARAM_OBJECTS = {"unmatched_id": "unmatched"}

READ_ROUTES = {"inbox", "inbox_thread", "unmatched_list"}

WORKSPACE_WRITES = {"mail_settings"}

API_BODIES: dict[str, dict[str, Any]] = {"assign": {"client_id": 0}}


def make_objects(test_class: Any, objects: dict[str, Any]) -> dict[str, Any]:
    """Create an email from an unknown address in alice's workspace."""
    ws = test_class.workspace
    mail = MailMessage.objects.create(
        workspace=ws, fingerprint="f" * 64, message_id="<u@x>", content_hash="0" * 64
    )
    return {
        "unmatched": UnmatchedMessage.objects.create(
            workspace=ws,
            mail=mail,
            direction="inbound",
            address="stranger@gmail.com",
            subject="Quote?",
            occurred_at=timezone.now(),
        ),
    }
