from __future__ import annotations

import datetime as dt
import socket
from io import StringIO
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q, Sum

from keepwarm.accounts.models import Membership, Role, User, Workspace
from keepwarm.clients.models import Client, ClientStatus, Contact, FactCategory, ImportantDate
from keepwarm.clients.selectors import resource_suggestions
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.demo.loader import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    STEPS,
    TEAM,
    DemoError,
    delete_demo,
    load_demo,
)
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.testing import BaseTestCase
from keepwarm.trust.models import TrustSnapshot

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 11, 25)
MIDNIGHT = dt.datetime.combine(TODAY, dt.time(), tzinfo=LONDON)


def fingerprint(workspace: Workspace) -> list[Any]:
    """Return what a reader would see of the demo, without database ids."""
    interactions = Interaction.objects.filter(workspace=workspace).order_by("occurred_at", "pk")
    commitments = Commitment.objects.filter(workspace=workspace).order_by("created_at", "pk")
    return [
        *interactions.values_list("client__name", "occurred_at", "subject", "message_id"),
        *commitments.values_list("client__name", "what", "due_on", "status"),
    ]


@time_machine.travel(dt.datetime(2026, 11, 25, 9, 30, tzinfo=LONDON), tick=False)
class DemoTests(BaseTestCase):
    demo: Workspace

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.demo = load_demo().workspace

    def client_named(self, prefix: str) -> Client:
        return Client.objects.get(workspace=self.demo, name__startswith=prefix)

    # The workspace and its team

    def test_it_creates_a_demo_workspace_with_two_team_members(self) -> None:
        self.assertTrue(self.demo.is_demo)
        roles = dict(
            Membership.objects.filter(workspace=self.demo).values_list("user__email", "role")
        )
        self.assertEqual(roles, {DEMO_EMAIL: Role.OWNER, TEAM[1].email: Role.MANAGER})

    def test_it_lets_the_demo_user_sign_in(self) -> None:
        self.assertTrue(self.client.login(email=DEMO_EMAIL, password=DEMO_PASSWORD))

    # The client record

    def test_it_loads_clients_of_every_status_and_size(self) -> None:
        clients = Client.objects.filter(workspace=self.demo)
        self.assertGreaterEqual(clients.count(), 25)
        self.assertEqual(set(clients.values_list("status", flat=True)), set(ClientStatus.values))
        self.assertEqual(
            set(clients.values_list("kind", flat=True)), {"organisation", "individual"}
        )
        values = [
            v for v in clients.filter(status="active").values_list("annual_value", flat=True) if v
        ]
        self.assertEqual(len(values), clients.filter(status="active").count())
        self.assertGreater(max(values) / min(values), 20)
        self.assertGreater(len(set(clients.values_list("response_target_hours", flat=True))), 3)
        self.assertGreater(len(set(clients.values_list("check_in_every_days", flat=True))), 3)

    def test_it_has_a_referral_chain(self) -> None:
        ashdown = self.client_named("Ashdown")
        chain = []
        client: Client | None = ashdown
        while client is not None:
            chain.append(client.name)
            client = client.referred_by
        self.assertEqual(
            chain,
            [
                "Ashdown Lettings",
                "Fenwick & Hale Solicitors",
                "Harbor Dental Care",
                "Castle Plumbing & Heating",
            ],
        )

    def test_referrers_are_named_thanked_and_one_waits_for_thanks(self) -> None:
        thistle = self.client_named("Thistle")
        assert thistle.referred_by_contact is not None
        self.assertEqual(thistle.referred_by_contact.name, "Marta Kowalski")
        self.assertIsNone(thistle.referral_thanked_at)
        self.assertIsNotNone(self.client_named("Ashdown").referral_thanked_at)

    def test_the_library_fits_clients_and_skips_what_was_shared(self) -> None:
        harbor = self.client_named("Harbor Dental")
        titles = [s.resource.title for s in resource_suggestions(harbor)]
        self.assertIn("Getting more online bookings: a checklist for practices", titles)
        self.assertNotIn("Patient forms online: what the data rules ask of you", titles)
        self.assertTrue(harbor.resource_shares.exists())

    def test_it_loads_people_with_facts_and_dates(self) -> None:
        contacts = Contact.objects.filter(workspace=self.demo)
        self.assertGreaterEqual(contacts.count(), 60)
        for email in contacts.values_list("email", flat=True):
            self.assertRegex(email, r"^[a-z]+@[a-z]+\.example$")
        categories = set(contacts.values_list("facts__category", flat=True)) - {None}
        self.assertEqual(categories, set(FactCategory.values))
        knee = contacts.get(facts__text__icontains="knee operation").facts.get(
            text__icontains="knee operation"
        )
        self.assertEqual(knee.date, dt.date(2026, 12, 1))  # next Tuesday
        self.assertEqual(knee.follow_up_on, dt.date(2026, 12, 8))
        self.assertTrue(contacts.filter(facts__text__icontains="county final").exists())
        self.assertTrue(contacts.filter(facts__text__icontains="vegan").exists())
        dates = ImportantDate.objects.filter(workspace=self.demo)
        soon = [d for d in dates if (d.next_occurrence(TODAY) or TODAY) <= TODAY + dt.timedelta(7)]
        self.assertGreaterEqual(len([d for d in soon if d.kind == "birthday"]), 3)
        self.assertTrue(dates.filter(kind="anniversary").exists())

    def test_it_gives_clients_goals(self) -> None:
        without = Client.objects.filter(workspace=self.demo, goals__isnull=True)
        self.assertEqual(list(without.values_list("name", flat=True)), ["Eastside Boxing Gym"])

    # Six months of interactions

    def test_it_spans_six_months_of_every_kind_of_interaction(self) -> None:
        interactions = Interaction.objects.filter(workspace=self.demo)
        self.assertGreater(interactions.count(), 500)
        # The diary holds one meeting planned for tomorrow (demo/agenda.py); the rest is history.
        planned = interactions.filter(occurred_at__gte=MIDNIGHT)
        self.assertEqual(
            list(planned.values_list("client__name", "channel")),
            [("Harbor Dental Care", "meeting")],
        )
        history = interactions.exclude(pk__in=planned)
        first = history.earliest("occurred_at").occurred_at
        last = history.latest("occurred_at").occurred_at
        self.assertLessEqual(first, MIDNIGHT - dt.timedelta(days=175))
        self.assertLess(last, MIDNIGHT)
        self.assertGreater(last, MIDNIGHT - dt.timedelta(days=2))
        self.assertEqual(set(interactions.values_list("channel", flat=True)), set(Channel.values))
        self.assertEqual(
            set(interactions.values_list("direction", flat=True)), set(Direction.values)
        )
        for kind in ("progress", "problem", "value_add", "personal_touch", "job_report"):
            self.assertTrue(interactions.filter(**{f"is_{kind}": True}).exists(), kind)
        self.assertFalse(interactions.filter(contacts__workspace=self.charlies_workspace).exists())

    def test_it_threads_emails_and_times_our_replies(self) -> None:
        emails = Interaction.objects.filter(workspace=self.demo, channel="email")
        self.assertFalse(emails.filter(message_id="").exists())
        ids = list(emails.values_list("message_id", flat=True))
        self.assertEqual(len(ids), len(set(ids)))
        answered = emails.filter(direction="inbound", replied_by__isnull=False).select_related(
            "replied_by"
        )
        self.assertGreater(answered.count(), 50)
        for message in answered:
            reply = message.replied_by
            assert reply is not None
            self.assertFalse(message.needs_reply)
            self.assertEqual(reply.direction, "outbound")
            expected = (reply.occurred_at - message.occurred_at).total_seconds()
            self.assertEqual(message.first_response_seconds, expected)
            if reply.channel == "email":
                self.assertEqual(reply.in_reply_to, message.message_id)
                self.assertIn(message.message_id, reply.references)

    def test_it_sends_steady_weekly_updates_to_close_clients(self) -> None:
        for name in ("Harbor Dental", "Saltmarsh", "Northgate"):
            updates = Interaction.objects.filter(
                client=self.client_named(name),
                direction="outbound",
                is_progress=True,
                subject__startswith="Weekly update",
            )
            weeks = {u.occurred_at.isocalendar()[:2] for u in updates}
            self.assertGreaterEqual(len(weeks), 25, name)

    def test_it_has_a_no_change_update(self) -> None:
        update = Interaction.objects.get(workspace=self.demo, subject__icontains="no change")
        self.assertEqual(update.direction, "outbound")
        self.assertIn("no change this week", update.body)

    def test_it_has_an_angry_email_unanswered_for_two_days(self) -> None:
        waiting = Interaction.objects.filter(
            workspace=self.demo, direction="inbound", needs_reply=True, replied_by__isnull=True
        )
        angry = waiting.get(client=self.client_named("Meadowbank"))
        self.assertEqual(angry.occurred_at.astimezone(LONDON).date(), TODAY - dt.timedelta(2))
        self.assertTrue(angry.is_problem)
        self.assertIn("frustrated", angry.body)
        self.assertLess(angry.client.response_target_hours, 48)
        self.assertFalse(
            Interaction.objects.filter(
                client=angry.client, direction="outbound", occurred_at__gt=angry.occurred_at
            ).exists()
        )

    def test_it_has_a_client_nobody_contacted_for_five_weeks(self) -> None:
        castle = self.client_named("Castle")
        self.assertEqual(castle.status, "active")
        recent = castle.interactions.filter(occurred_at__gte=MIDNIGHT - dt.timedelta(days=35))
        self.assertFalse(recent.exists())
        self.assertTrue(castle.interactions.filter(direction="outbound").exists())
        self.assertLess(castle.check_in_every_days, 35)

    def test_it_quietly_neglects_a_five_percent_client(self) -> None:
        active = Client.objects.filter(workspace=self.demo, status="active")
        revenue = active.aggregate(total=Sum("annual_value"))["total"]
        greenway = self.client_named("Greenway")
        assert greenway.annual_value is not None and revenue is not None
        self.assertAlmostEqual(float(greenway.annual_value / revenue), 0.05, delta=0.005)
        recent = Q(occurred_at__gte=MIDNIGHT - dt.timedelta(days=90), direction="outbound")
        ours = Interaction.objects.filter(recent, workspace=self.demo).count()
        theirs = Interaction.objects.filter(recent, client=greenway).count()
        self.assertLess(theirs / ours, 0.02)

    def test_it_has_promises_in_every_state(self) -> None:
        promises = Commitment.objects.filter(workspace=self.demo)
        self.assertEqual(
            set(promises.values_list("status", flat=True)), set(CommitmentStatus.values)
        )
        open_ = promises.filter(status="open")
        self.assertGreaterEqual(open_.filter(due_on__lt=TODAY).count(), 5)
        self.assertTrue(open_.filter(due_on=TODAY).exists())
        self.assertGreaterEqual(
            open_.filter(due_on__gt=TODAY, due_on__lte=TODAY + dt.timedelta(7)).count(), 3
        )
        for old in promises.filter(status="renegotiated"):
            self.assertTrue(old.renegotiated_into.exists())
        self.assertFalse(promises.filter(status__in=["kept", "late", "broken"], done_at=None))
        self.assertTrue(promises.filter(source_interaction__isnull=False).exists())

    # Trust scores

    def test_it_reads_the_tone_of_what_clients_wrote(self) -> None:
        interactions = Interaction.objects.filter(workspace=self.demo)
        self.assertFalse(interactions.filter(direction="inbound", sentiment=None).exists())
        self.assertFalse(interactions.exclude(direction="inbound").exclude(sentiment=None).exists())
        angry = interactions.get(subject="Booking confirmations STILL not working")
        assert angry.sentiment is not None
        self.assertLess(angry.sentiment, -0.5)

    def test_it_stores_six_months_of_trust_scores_that_tell_the_story(self) -> None:
        snapshots = TrustSnapshot.objects.filter(workspace=self.demo)
        days = sorted(set(snapshots.values_list("day", flat=True)))
        self.assertEqual(days[-1], TODAY)
        self.assertLessEqual(days[0], TODAY - dt.timedelta(days=175))
        self.assertGreaterEqual(len(days), 26)
        today = dict(snapshots.filter(day=TODAY).values_list("client__name", "band"))
        self.assertEqual(len(today), Client.objects.filter(workspace=self.demo).count())
        self.assertIn(today["Castle Plumbing & Heating"], ("cold", "cool"))
        for name in ("Harbor Dental Care", "Saltmarsh Brewing Co", "Northgate Home & Garden"):
            self.assertIn(today[name], ("warm", "close"), name)

    # Loading again

    def test_it_does_not_load_twice(self) -> None:
        result = load_demo()
        self.assertFalse(result.created)
        self.assertEqual(result.workspace, self.demo)
        self.assertEqual(Workspace.objects.filter(is_demo=True).count(), 1)
        self.assertEqual(result.counts["interactions"], self.demo_interactions())
        self.assertTrue(result.login_ok)

    def test_it_reloads_the_same_story_on_reset(self) -> None:
        before = fingerprint(self.demo)
        steps: list[tuple[str, int, int]] = []
        result = load_demo(reset=True, progress=lambda *step: steps.append(step))
        self.assertTrue(result.created)
        self.assertFalse(Workspace.objects.filter(pk=self.demo.pk).exists())
        self.assertEqual(Workspace.objects.filter(is_demo=True).get(), result.workspace)
        self.assertEqual(fingerprint(result.workspace), before)
        self.assertEqual([s[0] for s in steps], [*STEPS, "Done"])
        self.assertEqual([s[1] for s in steps], list(range(len(STEPS) + 1)))
        self.assertEqual(User.objects.filter(email=DEMO_EMAIL).count(), 1)
        self.assertTrue(self.client.login(email=DEMO_EMAIL, password=DEMO_PASSWORD))

    def test_it_never_touches_other_workspaces(self) -> None:
        alices_client = Client.objects.create(workspace=self.workspace, name="Alice's client")
        # bob also joined the demo: he keeps his account, only the demo membership goes.
        Membership.objects.create(user=self.bob, workspace=self.demo, role=Role.MEMBER)
        load_demo(reset=True)
        self.assertTrue(Client.objects.filter(pk=alices_client.pk).exists())
        self.assertEqual(Workspace.objects.filter(is_demo=False).count(), 2)
        self.assertEqual(
            set(self.bob.memberships.values_list("workspace", flat=True)), {self.workspace.pk}
        )
        self.assertEqual(User.objects.filter(pk__in=[self.alice.pk, self.charlie.pk]).count(), 2)

    def test_it_refuses_to_take_over_a_real_users_email(self) -> None:
        delete_demo()
        real = User.objects.create_user(DEMO_EMAIL, "their own password")
        Membership.objects.create(user=real, workspace=self.workspace, role=Role.MEMBER)
        with self.assertRaisesMessage(DemoError, DEMO_EMAIL):
            load_demo()
        self.assertFalse(Workspace.objects.filter(is_demo=True).exists())
        real.refresh_from_db()
        self.assertTrue(real.check_password("their own password"))

    # The command

    def test_it_prints_the_url_and_login(self) -> None:
        out = StringIO()
        call_command("demo", "--no-serve", "--port", "8123", stdout=out)
        text = out.getvalue()
        self.assertIn("http://127.0.0.1:8123/", text)
        self.assertIn(DEMO_EMAIL, text)
        self.assertIn(DEMO_PASSWORD, text)
        self.assertIn("already here (loaded today)", text)
        self.assertNotIn("\n\n\n", text)
        self.assertIn("Not serving", text)
        self.assertEqual(Workspace.objects.filter(is_demo=True).get(), self.demo)

    def test_it_reloads_from_the_command_with_reset(self) -> None:
        out = StringIO()
        call_command("demo", "--no-serve", "--reset", stdout=out)
        self.assertIn("Loaded the demo workspace, Brightside Studio", out.getvalue())
        self.assertFalse(Workspace.objects.filter(pk=self.demo.pk).exists())

    def test_it_serves_on_localhost(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with mock.patch("keepwarm.web.server.serve") as serve:
            call_command("demo", "--port", str(port), stdout=StringIO())
        serve.assert_called_once()
        self.assertEqual(serve.call_args.kwargs["host"], "127.0.0.1")
        self.assertEqual(serve.call_args.kwargs["port"], port)
        self.assertEqual(serve.call_args.kwargs["workers"], 2)

    def test_it_refuses_a_port_in_use_before_doing_anything(self) -> None:
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            with (
                mock.patch("keepwarm.web.server.serve") as serve,
                self.assertRaisesMessage(CommandError, f"Port {port}"),
            ):
                call_command("demo", "--reset", "--port", str(port), stdout=StringIO())
        serve.assert_not_called()
        self.assertTrue(Workspace.objects.filter(pk=self.demo.pk).exists())

    def test_it_rejects_a_bad_port(self) -> None:
        with self.assertRaisesMessage(CommandError, "--port"):
            call_command("demo", "--no-serve", "--port", "0", stdout=StringIO())

    def demo_interactions(self) -> int:
        return Interaction.objects.filter(workspace=self.demo).count()
