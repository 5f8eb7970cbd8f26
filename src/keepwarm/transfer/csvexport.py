"""CSV export of a workspace's clients, people, interactions and promises, streamed.

Every cell goes through `neutralise`, so a spreadsheet never runs one as a formula; the
clients and people files use the headers the importer recognises, so they import back as
they are.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Prefetch

from keepwarm.clients.models import Client, Contact
from keepwarm.commitments.models import Commitment
from keepwarm.interactions.models import INTERACTION_KINDS, Interaction
from keepwarm.transfer.textio import neutralise

CHUNK = 2000
EXPORT_KINDS = {
    "clients": "Clients",
    "contacts": "People",
    "interactions": "Interactions",
    "commitments": "Promises",
}

CLIENT_HEADERS = [
    "Client id", "Client name", "Client type", "Client status", "Industry", "Website",
    "Owner email", "Reply within hours", "Check in every days", "Annual value", "Client notes",
]  # fmt: skip
CONTACT_HEADERS = [
    "Client id", "Client name", "Contact id", "Contact name", "Role", "Email", "Other emails",
    "Phone", "Other phones", "Preferred channel", "Receives reports", "Contact notes",
]  # fmt: skip
INTERACTION_HEADERS = [
    "Interaction id", "Client id", "Client name", "Occurred at", "Channel", "Direction",
    "Subject", "Body", "People", "Kinds", "Needs reply", "First response seconds",
]  # fmt: skip
COMMITMENT_HEADERS = [
    "Promise id", "Client id", "Client name", "What", "Promised to", "Owner email", "Due on",
    "Status", "Done at",
]  # fmt: skip


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat() if value else ""


def _lines(value: str) -> str:
    return "; ".join(line.strip() for line in value.splitlines() if line.strip())


def _clients(workspace_id: int) -> Iterator[list[Any]]:
    yield CLIENT_HEADERS
    rows = (
        Client.objects.filter(workspace_id=workspace_id)
        .select_related("owner")
        .order_by("name", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for c in rows:
        yield [
            c.pk, c.name, c.get_kind_display(), c.get_status_display(), c.industry, c.website,
            c.owner.email if c.owner else "", c.response_target_hours, c.check_in_every_days,
            "" if c.annual_value is None else c.annual_value, c.notes,
        ]  # fmt: skip


def _contacts(workspace_id: int, client_id: int | None = None) -> Iterator[list[Any]]:
    yield CONTACT_HEADERS
    people = Contact.objects.filter(workspace_id=workspace_id)
    if client_id is not None:
        people = people.filter(client_id=client_id)
    rows = (
        people.select_related("client")
        .order_by("client__name", "client_id", "name", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for p in rows:
        yield [
            p.client_id, p.client.name, p.pk, p.name, p.role, p.email, _lines(p.other_emails),
            p.phone, _lines(p.other_phones), p.get_preferred_channel_display(),
            _yes(p.receives_reports), p.notes,
        ]  # fmt: skip


def _interactions(workspace_id: int) -> Iterator[list[Any]]:
    yield INTERACTION_HEADERS
    rows = (
        Interaction.objects.filter(workspace_id=workspace_id)
        .select_related("client")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.only("pk", "name")))
        .order_by("occurred_at", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for i in rows:
        yield [
            i.pk, i.client_id, i.client.name, _when(i.occurred_at), i.get_channel_display(),
            i.get_direction_display(), i.subject, i.body,
            "; ".join(sorted(c.name for c in i.contacts.all())),
            "; ".join(INTERACTION_KINDS[k] for k in i.kinds), _yes(i.needs_reply),
            "" if i.first_response_seconds is None else i.first_response_seconds,
        ]  # fmt: skip


def _commitments(workspace_id: int) -> Iterator[list[Any]]:
    yield COMMITMENT_HEADERS
    rows = (
        Commitment.objects.filter(workspace_id=workspace_id)
        .select_related("client", "promised_to", "owner")
        .order_by("due_on", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for c in rows:
        yield [
            c.pk, c.client_id, c.client.name, c.what,
            c.promised_to.name if c.promised_to else "", c.owner.email if c.owner else "",
            c.due_on.isoformat(), c.get_status_display(), _when(c.done_at),
        ]  # fmt: skip


ROWS: dict[str, Callable[[int], Iterator[list[Any]]]] = {
    "clients": _clients,
    "contacts": _contacts,
    "interactions": _interactions,
    "commitments": _commitments,
}


class _Line:
    """A file-like object that hands back what csv.writer writes, one row at a time."""

    def write(self, value: str) -> str:
        return value


def export_rows(kind: str, workspace_id: int) -> Iterator[list[str]]:
    """Return the rows of one kind's export (header first), every cell spreadsheet-safe."""
    for row in ROWS[kind](workspace_id):
        yield [neutralise(str(cell)) for cell in row]


def export_csv(kind: str, workspace_id: int, *, bom: bool = True) -> Iterator[str]:
    """Return one kind's export as CSV text, line by line (a BOM first, for spreadsheets)."""
    writer = csv.writer(_Line())
    if bom:
        yield "\ufeff"
    for row in export_rows(kind, workspace_id):
        yield writer.writerow(row)  # type: ignore[func-returns-value]


def export_filename(kind: str, workspace_name: str, today: dt.date) -> str:
    """Return a file name such as keepwarm-clients-2026-03-11.csv."""
    return f"keepwarm-{kind}-{today.isoformat()}.csv"
