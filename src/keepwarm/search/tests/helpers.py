"""Records in alice's and charlie's workspaces for the search tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from keepwarm.clients.models import Client, Contact, Goal, PersonalFact
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase


class SearchTestCase(BaseTestCase):
    """One record of each searchable kind in alice's workspace, and a look-alike of charlie's."""

    harbor: Client
    lena: Contact
    fact: PersonalFact
    goal: Goal
    email: Interaction
    charlies_client: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ws = cls.workspace
        cls.harbor = Client.objects.create(
            workspace=ws,
            name="Harbor Dental",
            industry="Dentistry",
            notes="Prefers calls after lunch.",
        )
        cls.lena = Contact.objects.create(
            workspace=ws,
            client=cls.harbor,
            name="Lena Ortiz",
            role="Practice manager",
            email="lena@harbor-dental.example",
        )
        cls.fact = PersonalFact.objects.create(
            workspace=ws,
            contact=cls.lena,
            category="family",
            text="Son Tyrone plays in the county final",
        )
        cls.goal = Goal.objects.create(
            workspace=ws, client=cls.harbor, text="More bookings for the spring"
        )
        cls.email = Interaction.objects.create(
            workspace=ws,
            client=cls.harbor,
            channel="email",
            direction="inbound",
            occurred_at=timezone.now() - dt.timedelta(days=2),
            subject="Invoice for March",
            body="Hi, the <b>invoice</b> arrived & looks right. Thanks, Lena",
        )
        cls.charlies_client = Client.objects.create(
            workspace=cls.charlies_workspace,
            name="Harbor Plumbing",
            notes="invoice lunch tyrone",
        )
