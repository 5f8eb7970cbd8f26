"""Shared set-up for the feedback and portal tests."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail

from keepwarm.clients.models import Client, Contact

LINK = re.compile(r"/f/([A-Za-z0-9_-]+)/(\d+)/")


def make_client(test: Any, *, name: str = "Harbor Dental", workspace: Any = None) -> Client:
    """Create a client owned by alice (or charlie, in his workspace) with one contact."""
    ws = workspace or test.workspace
    owner = test.alice if ws == test.workspace else test.charlie
    client = Client.objects.create(workspace=ws, name=name, owner=owner)
    Contact.objects.create(
        workspace=ws,
        client=client,
        name=f"Lena at {name}",
        email=f"lena@{name.lower().replace(' ', '')}.example",
    )
    return client


def answer_links(text: object) -> list[tuple[str, int]]:
    """Return the (token, score) of each answer link in an email's text."""
    return [(token, int(score)) for token, score in LINK.findall(str(text))]


def last_email_text() -> str:
    return str(mail.outbox[-1].body)
