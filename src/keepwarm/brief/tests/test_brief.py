"""The meeting-prep brief: every section for a seeded client, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core.management import CommandError, call_command
from django.test import TestCase

from keepwarm.clients import services
from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment
from keepwarm.feedback.models import FeedbackResponse
from keepwarm.interactions.models import Interaction
from keepwarm.recovery.models import RecoveryCase, RecoveryStep, ToughTopic
from keepwarm.testing import BaseTestCase

NOW = dt.datetime(2026, 3, 11, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def seed(
    test: TestCase | type[TestCase], m: object, *, size: int = 1
) -> tuple[Client, Interaction]:
    """A client with something in every section; `size` repeats each kind of row."""
    membership = m
    client = services.client_create(
        membership=membership,  # type: ignore[arg-type]
        name="Harbor Dental",
        industry="Dental practice",
        notes="Two surgeries; busiest on Mondays. They compete with a chain across the road.",
    )
    ws = client.workspace
    lena = services.contact_create(membership=membership, client=client, name="Lena Ortiz")  # type: ignore[arg-type]
    for n in range(size):
        services.goal_create(
            membership=membership,  # type: ignore[arg-type]
            client=client,
            text=f"More online reviews {n}" if n else "More online reviews",
            priority=1,
        )
        services.fact_create(
            membership=membership,  # type: ignore[arg-type]
            contact=lena,
            category="health",
            text=f"Knee operation {n}" if n else "Knee operation",
            date=TODAY + dt.timedelta(days=6),
            follow_up_on=TODAY + dt.timedelta(days=8),
        )
        services.date_create(
            membership=membership,  # type: ignore[arg-type]
            contact=lena,
            kind="birthday",
            date=dt.date(1984, 3, 20),
        )
        Interaction.objects.create(
            workspace=ws,
            client=client,
            channel="email",
            direction="inbound",
            occurred_at=NOW - dt.timedelta(days=3, hours=n),
            subject=f"New opening hours {n}",
        )
        Commitment.objects.create(
            workspace=ws,
            client=client,
            what=f"Send the review cards {n}",
            promised_to=lena,
            due_on=TODAY - dt.timedelta(days=2),
        )
        ToughTopic.objects.create(
            workspace=ws,
            client=client,
            kind="price",
            what_to_say=f"Our rates go up in April {n}",
            raise_by=TODAY + dt.timedelta(days=5),
        )
        services.resource_create(
            membership=membership,  # type: ignore[arg-type]
            title=f"Getting more reviews {n}",
            url="https://example.com/reviews",
            industries="dental",
            topics="online reviews",
        )
        case = RecoveryCase.objects.create(
            workspace=ws, client=client, cause="slow_response", what_happened="Waited a week."
        )
        RecoveryStep.objects.create(workspace=ws, case=case, step="prepare")
    Interaction.objects.create(
        workspace=ws,
        client=client,
        channel="meeting",
        direction="outbound",
        occurred_at=NOW - dt.timedelta(days=10),
        subject="Quarterly review",
    )
    FeedbackResponse.objects.create(
        workspace=ws,
        client=client,
        contact=lena,
        kind="nps",
        score=6,
        comment="Slow to answer lately.",
        unhappy=True,
        source="email",
        created_at=NOW - dt.timedelta(days=5),
    )
    meeting = Interaction.objects.create(
        workspace=ws,
        client=client,
        channel="meeting",
        direction="outbound",
        occurred_at=NOW + dt.timedelta(days=1),
        subject="Website launch",
    )
    return client, meeting


@time_machine.travel(NOW, tick=False)
class BriefPageTests(BaseTestCase):
    def test_it_holds_every_section_for_a_seeded_client(self) -> None:
        client, meeting = seed(self, self.alice_m)
        self.login(self.alice)
        response = self.client.get(f"/meetings/{meeting.pk}/brief/")
        self.assertEqual(response.status_code, 200)
        page = response.text
        for expected in (
            "Brief: Harbor Dental",
            "Website launch",  # the meeting it prepares for
            "Questions worth asking",
            "More online reviews",  # goals
            "Since the last meeting",
            "Quarterly review",  # the last meeting
            "New opening hours",  # what happened since
            "Ask about:",
            "Knee operation",  # a fact to ask about
            "birthday",  # a date coming up
            "Send the review cards",  # an open promise
            "overdue 2 days",
            "Open recovery case:",
            "Our rates go up in April",  # a tough topic
            "6 of 10",  # the last feedback
            "Slow to answer lately.",
            "Dental practice",  # industry notes
            "busiest on Mondays",
            "Getting more reviews",  # a resource that fits
            "late on “Send the review cards 0”",  # a question from an overdue promise
            "ask what would make it better",  # a question from the low score
        ):
            self.assertIn(expected, page)
        # The printable page carries the print button and links back to the client.
        self.assertIn('onclick="window.print()"', page)
        self.assertIn(f'href="/clients/{client.pk}/"', page)

    def test_it_takes_the_same_queries_for_a_small_and_a_big_history(self) -> None:
        small, small_meeting = seed(self, self.alice_m)
        self.login(self.alice)
        self.client.get("/today/")  # the session is saved on the first page
        with self.assertNumQueries(18):
            self.client.get(f"/meetings/{small_meeting.pk}/brief/")
        with self.assertNumQueries(19):  # the client brief looks for the next meeting too
            self.client.get(f"/clients/{small.pk}/brief/")

    def test_it_takes_the_same_queries_for_a_big_history(self) -> None:
        big, big_meeting = seed(self, self.alice_m, size=14)
        self.login(self.alice)
        self.client.get("/today/")
        with self.assertNumQueries(18):
            response = self.client.get(f"/meetings/{big_meeting.pk}/brief/")
        self.assertContains(response, "Knee operation 5")
        # One printed page: long lists are cut, and say so.
        self.assertContains(response, "2 more things remembered")
        self.assertContains(response, "More open promises, due later")
        self.assertContains(response, "More promises are late: go through them together")
        self.assertNotContains(response, "Raise the price topic: Our rates go up in April 3")
        with self.assertNumQueries(19):
            self.client.get(f"/clients/{big.pk}/brief/")

    def test_the_client_brief_shows_the_next_meeting(self) -> None:
        client, _ = seed(self, self.alice_m)
        self.login(self.alice)
        self.assertContains(self.client.get(f"/clients/{client.pk}/brief/"), "Website launch")

    def test_only_a_meeting_has_a_meeting_brief(self) -> None:
        client, _ = seed(self, self.alice_m)
        email = Interaction.objects.filter(client=client, channel="email").first()
        assert email is not None
        self.login(self.alice)
        self.assertEqual(self.client.get(f"/meetings/{email.pk}/brief/").status_code, 404)

    def test_an_empty_client_says_what_to_do(self) -> None:
        client = services.client_create(membership=self.alice_m, name="Corner Bakery")
        self.login(self.victor)
        page = self.client.get(f"/clients/{client.pk}/brief/").text
        self.assertIn("No meeting planned yet.", page)
        self.assertIn("No goals are recorded yet.", page)
        self.assertIn("No feedback yet.", page)

    def test_the_client_page_and_today_link_to_it(self) -> None:
        client, meeting = seed(self, self.alice_m)
        self.login(self.alice)
        self.assertContains(
            self.client.get(f"/clients/{client.pk}/"), f'href="/clients/{client.pk}/brief/"'
        )
        self.assertContains(self.client.get("/today/"), f'href="/meetings/{meeting.pk}/brief/"')


@time_machine.travel(NOW, tick=False)
class BriefCommandTests(BaseTestCase):
    def test_it_prints_the_brief_in_the_terminal(self) -> None:
        seed(self, self.alice_m)
        out = io.StringIO()
        call_command("brief", "harbor", workspace=self.workspace.name, stdout=out)
        text = out.getvalue()
        for expected in (
            "Brief: Harbor Dental",
            "Website launch",
            "Questions worth asking",
            "More online reviews",
            "Knee operation",
            "Send the review cards",
            "Open recovery case",
            "6 of 10",
            "Dental practice",
            "Getting more reviews",
        ):
            self.assertIn(expected, text)

    def test_it_takes_the_client_by_id_and_explains_a_miss(self) -> None:
        client, _ = seed(self, self.alice_m)
        out = io.StringIO()
        call_command("brief", str(client.pk), workspace=str(self.workspace.pk), stdout=out)
        self.assertIn("Brief: Harbor Dental", out.getvalue())
        with self.assertRaisesMessage(CommandError, "No client in Alice's Studio"):
            call_command("brief", "Nobody", workspace=str(self.workspace.pk), stdout=out)
        with self.assertRaisesMessage(CommandError, "Say which workspace"):
            call_command("brief", "Harbor", stdout=out)
