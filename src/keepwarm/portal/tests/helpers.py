"""Shared set-up for the portal tests: a client with a portal link and things to show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from keepwarm.clients.models import Client, Contact, Goal, PersonalFact
from keepwarm.commitments.models import Commitment
from keepwarm.portal import services
from keepwarm.reports.models import ReportState, StatusReport


def make_portal_client(test: Any, name: str, *, workspace: Any = None) -> tuple[Client, str]:
    """Create a client with a sent report, a promise, a goal, a private note; return its secret."""
    ws = workspace or test.workspace
    owner_m = test.alice_m if ws == test.workspace else test.charlie_m
    client = Client.objects.create(
        workspace=ws, name=name, owner=owner_m.user, notes=f"SECRET NOTE {name}"
    )
    contact = Contact.objects.create(
        workspace=ws, client=client, name=f"Person at {name}", email="p@example.com"
    )
    PersonalFact.objects.create(
        workspace=ws, contact=contact, category="health", text=f"PRIVATE FACT {name}"
    )
    StatusReport.objects.create(
        workspace=ws,
        client=client,
        subject=f"Weekly update for {name}",
        body_markdown=f"**Done** for {name}.",
        state=ReportState.SENT,
        sent_at=timezone.now() - dt.timedelta(days=1),
    )
    StatusReport.objects.create(
        workspace=ws, client=client, subject=f"DRAFT for {name}", state=ReportState.DRAFT
    )
    Commitment.objects.create(
        workspace=ws,
        client=client,
        what=f"Fix the booking form for {name}",
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    Goal.objects.create(workspace=ws, client=client, text=f"More bookings for {name}")
    _, secret = services.portal_link_create(membership=owner_m, client=client)
    return client, secret


def open_portal(test: Any, secret: str) -> Any:
    """Open the portal link on the test client and return the redirect."""
    return test.client.get(reverse("portal_open", args=[secret]))
