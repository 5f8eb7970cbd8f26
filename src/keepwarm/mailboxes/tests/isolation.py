"""The mailboxes app's pages and API operations in the isolation matrix."""

from __future__ import annotations

from typing import Any

from keepwarm.mailboxes import crypto
from keepwarm.mailboxes.models import MailboxAccount

PARAM_OBJECTS = {"mailbox_id": "mailbox"}

READ_ROUTES = {"mailbox_list"}

WORKSPACE_WRITES = {"mailbox_create", "mailbox_private_hosts"}


def make_objects(test_class: Any, objects: dict[str, Any]) -> dict[str, Any]:
    """Create a mailbox in alice's workspace (on a host nothing will ever connect to)."""
    return {
        "mailbox": MailboxAccount.objects.create(
            workspace=test_class.workspace,
            name="Studio inbox",
            host="imap.studio.example",
            username="alice@studio.example",
            password_encrypted=crypto.encrypt("hunter2"),
            folders=[{"name": "INBOX", "role": "inbound"}],
            our_addresses=["alice@studio.example"],
        )
    }
