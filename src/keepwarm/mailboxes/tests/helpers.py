"""Shared pieces of the mailbox tests: a test case on the session's Dovecot, and messages."""

from __future__ import annotations

import pytest

from keepwarm.clients.models import Client, Contact
from keepwarm.mailboxes import services
from keepwarm.mailboxes.models import MailboxAccount, MailboxSettings
from keepwarm.mailboxes.testing import Dovecot, MailUser
from keepwarm.testing import BaseTestCase

OURS = "alice@studio.example"
LENA = "lena@harbor.example"


def message(
    n: int,
    *,
    sender: str = LENA,
    to: str = OURS,
    subject: str = "",
    body: str = "Could you send the invoice for October, please?",
    in_reply_to: str = "",
    day: int = 1,
) -> bytes:
    """Return a small raw email numbered `n` (its Message-ID is <n@harbor.example>)."""
    headers = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject or f'Question {n}'}",
        f"Date: Tue, {day:02d} Dec 2026 09:{n % 60:02d}:00 +0000",
        f"Message-ID: <{n}@{sender.split('@')[1]}>",
    ]
    if in_reply_to:
        headers += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    return (
        "\r\n".join([*headers, "Content-Type: text/plain; charset=utf-8", "", body, ""])
    ).encode()


class MailboxTestCase(BaseTestCase):
    """A test with alice's workspace allowed private hosts and a fresh Dovecot user."""

    dovecot: Dovecot
    user: MailUser
    harbor: Client
    lena: Contact

    @pytest.fixture(autouse=True)
    def _dovecot(self, dovecot_server: Dovecot) -> None:
        self.dovecot = dovecot_server
        self.user = dovecot_server.new_user()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(workspace=cls.workspace, name="Harbor Dental")
        cls.lena = Contact.objects.create(
            workspace=cls.workspace, client=cls.harbor, name="Lena Ortiz", email=LENA
        )
        MailboxSettings.objects.create(workspace=cls.workspace, allow_private_hosts=True)

    def add_account(self, **overrides: object) -> MailboxAccount:
        """Add a mailbox for the Dovecot user through the service, as alice."""
        kwargs: dict[str, object] = {
            "name": "Studio inbox",
            "host": self.dovecot.host,
            "port": self.dovecot.port,
            "security": "none",
            "username": self.user.name,
            "password": self.user.password,
            "inbound_folders": ["INBOX"],
            "sent_folders": ["Sent"],
            "our_addresses": [OURS],
        }
        kwargs.update(overrides)
        return services.mailbox_create(membership=self.alice_m, **kwargs)  # type: ignore[arg-type]
