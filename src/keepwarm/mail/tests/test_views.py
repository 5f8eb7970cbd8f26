from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.urls import reverse

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Interaction
from keepwarm.mail.ingest import ingest_messages
from keepwarm.mail.models import MailSettings, RememberedAddress, UnmatchedMessage
from keepwarm.mail.testing import make_email
from keepwarm.testing import BaseTestCase

NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class InboxTests(BaseTestCase):
    harbor: Client
    bakery: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ws = cls.workspace
        cls.harbor = Client.objects.create(
            workspace=ws, name="Harbor Dental", response_target_hours=24
        )
        cls.bakery = Client.objects.create(workspace=ws, name="Bakery", response_target_hours=4)
        Contact.objects.create(
            workspace=ws, client=cls.harbor, name="Lena Ortiz", email="lena@harbor.example"
        )
        Contact.objects.create(
            workspace=ws, client=cls.bakery, name="Sam", email="sam@bakery.example"
        )
        with time_machine.travel(NOW, tick=False):
            list(
                ingest_messages(
                    workspace=ws,
                    raws=[
                        make_email(
                            message_id="<angry@h>",
                            subject="Still waiting",
                            body="This is terrible. I am really angry and frustrated.",
                            at=NOW - dt.timedelta(days=2),
                        ),
                        make_email(
                            sender="sam@bakery.example",
                            message_id="<cake@b>",
                            subject="Cake order",
                            body="Could you add the new cakes to the menu page?",
                            at=NOW - dt.timedelta(hours=10),
                        ),
                        make_email(
                            sender="sam@bakery.example",
                            message_id="<fresh@b>",
                            subject="Photos",
                            body="Here are the photos.",
                            at=NOW - dt.timedelta(hours=1),
                        ),
                        make_email(
                            sender="Pat Stranger <pat@gmail.com>",
                            message_id="<u1@g>",
                            subject="A quote?",
                            at=NOW - dt.timedelta(hours=3),
                        ),
                        make_email(
                            sender="pat@gmail.com",
                            message_id="<u2@g>",
                            subject="Following up",
                            at=NOW - dt.timedelta(hours=2),
                        ),
                    ],
                )
            )

    def test_it_lists_messages_waiting_for_a_reply_most_overdue_first(self) -> None:
        self.login(self.bob)
        # Session, user, membership, the waiting ids, their rows, their people, the unmatched
        # count, the workspace switcher, and the session saved again: whatever the rows.
        with self.assertNumQueries(11):
            response = self.client.get(reverse("inbox"))
        self.assertEqual(response.status_code, 200)
        rows = response.context["rows"]
        self.assertEqual(
            [r.interaction.message_id for r in rows], ["<angry@h>", "<cake@b>", "<fresh@b>"]
        )
        self.assertContains(
            response, "Reply to Lena Ortiz (Harbor Dental) — waiting 2 days, target 1 day"
        )
        self.assertContains(response, "Reads upset", count=1)
        self.assertContains(response, "Unmatched emails (2)")
        self.assertContains(response, 'aria-current="page">Inbox<')

    def test_it_says_what_to_do_when_nothing_waits(self) -> None:
        self.login(self.charlie)
        response = self.client.get(reverse("inbox"))
        self.assertContains(response, "Nothing is waiting for a reply")
        self.assertContains(response, "keepwarm import mail PATH")

    def test_it_shows_the_thread_and_marks_replied_through_the_service(self) -> None:
        question = Interaction.objects.get(message_id="<cake@b>")
        list(
            ingest_messages(
                workspace=self.workspace,
                raws=[
                    make_email(
                        sender="sam@bakery.example",
                        message_id="<cake2@b>",
                        subject="Re: Cake order",
                        in_reply_to="<cake@b>",
                        references="<cake@b>",
                        body="And the prices too.",
                        at=NOW - dt.timedelta(hours=9),
                    )
                ],
            )
        )
        self.login(self.bob)
        response = self.client.get(reverse("inbox_thread", args=[question.pk]))
        self.assertContains(response, "The conversation")
        self.assertEqual(len(response.context["thread"]), 2)
        response = self.client.post(
            reverse("inbox_mark_replied", args=[question.pk]), headers={"HX-Request": "true"}
        )
        self.assertEqual(response.status_code, 200)
        question.refresh_from_db()
        self.assertFalse(question.needs_reply)
        self.assertTrue(AuditEvent.objects.filter(action="interaction.mark_replied").exists())
        fresh = Interaction.objects.get(message_id="<fresh@b>")
        self.client.post(reverse("inbox_no_reply_needed", args=[fresh.pk]))
        fresh.refresh_from_db()
        self.assertFalse(fresh.needs_reply)

    def test_it_assigns_an_unmatched_email_and_remembers_the_address(self) -> None:
        self.login(self.bob)
        with self.assertNumQueries(10):
            response = self.client.get(reverse("unmatched_list"))
        self.assertContains(response, "Pat Stranger &lt;pat@gmail.com&gt;")
        first = UnmatchedMessage.objects.get(message_id="<u1@g>")
        response = self.client.post(
            reverse("unmatched_assign", args=[first.pk]), {"client": self.bakery.pk}
        )
        self.assertRedirects(response, reverse("unmatched_list"))
        self.assertFalse(UnmatchedMessage.objects.filter(assigned_at__isnull=True).exists())
        contact = Contact.objects.get(email="pat@gmail.com")
        self.assertEqual((contact.client, contact.name), (self.bakery, "Pat Stranger"))
        self.assertTrue(
            RememberedAddress.objects.filter(address="pat@gmail.com", client=self.bakery).exists()
        )
        interactions = Interaction.objects.filter(client=self.bakery, contacts=contact)
        self.assertEqual(interactions.count(), 2)
        self.assertTrue(all(i.needs_reply for i in interactions))
        # Later mail from the address goes to the client by itself, free-mail domain or not.
        [outcome] = ingest_messages(
            workspace=self.workspace,
            raws=[make_email(sender="pat@gmail.com", message_id="<u3@g>", at=NOW)],
        )
        self.assertEqual(outcome.status, "imported")

    def test_it_files_an_email_under_a_new_prospect(self) -> None:
        [outcome] = ingest_messages(
            workspace=self.workspace,
            raws=[
                make_email(
                    sender="Pat Kelly <pat@kelly-joinery.example>",
                    message_id="<j1@k>",
                    subject="Website for a joinery?",
                    at=NOW - dt.timedelta(hours=1),
                )
            ],
        )
        self.assertEqual(outcome.status, "unmatched")
        email = UnmatchedMessage.objects.get(message_id="<j1@k>")
        self.login(self.bob)
        page = self.client.get(reverse("unmatched_list"))
        # A company domain suggests the name; free mail suggests the sender.
        self.assertContains(page, 'value="Kelly Joinery"')
        self.assertContains(page, 'value="Pat Stranger"')
        response = self.client.post(
            reverse("unmatched_new_client", args=[email.pk]), {"name": "Kelly Joinery"}
        )
        client = Client.objects.get(workspace=self.workspace, name="Kelly Joinery")
        self.assertRedirects(response, reverse("client_detail", args=[client.pk]))
        self.assertEqual(
            (client.status, client.website), ("prospect", "https://kelly-joinery.example")
        )
        contact = Contact.objects.get(client=client)
        self.assertEqual((contact.name, contact.email), ("Pat Kelly", "pat@kelly-joinery.example"))
        self.assertTrue(Interaction.objects.get(client=client).needs_reply)
        self.assertTrue(AuditEvent.objects.filter(action="client.create").exists())

    def test_it_refuses_a_new_client_without_a_name_and_saves_nothing(self) -> None:
        first = UnmatchedMessage.objects.get(message_id="<u1@g>")
        clients = Client.objects.count()
        self.login(self.bob)
        response = self.client.post(
            reverse("unmatched_new_client", args=[first.pk]), {"name": "  "}, follow=True
        )
        self.assertContains(response, "Give the new client a name.")
        self.assertEqual(Client.objects.count(), clients)
        first.refresh_from_db()
        self.assertIsNone(first.assigned_at)

    def test_it_sets_an_email_aside_for_good(self) -> None:
        first = UnmatchedMessage.objects.get(message_id="<u1@g>")
        self.login(self.bob)
        response = self.client.post(reverse("unmatched_set_aside", args=[first.pk]))
        self.assertRedirects(response, reverse("unmatched_list"))
        self.assertFalse(UnmatchedMessage.objects.filter(message_id="<u1@g>").exists())
        self.assertTrue(AuditEvent.objects.filter(action="mail.set_aside").exists())
        # The same email imported again stays a duplicate, not a new unmatched one.
        [outcome] = ingest_messages(
            workspace=self.workspace,
            raws=[
                make_email(
                    sender="Pat Stranger <pat@gmail.com>",
                    message_id="<u1@g>",
                    subject="A quote?",
                    at=NOW - dt.timedelta(hours=3),
                )
            ],
        )
        self.assertEqual(outcome.status, "duplicate")

    def test_it_says_to_add_a_client_when_there_is_none(self) -> None:
        UnmatchedMessage.objects.update(workspace=self.charlies_workspace)
        self.login(self.charlie)
        response = self.client.get(reverse("unmatched_list"))
        self.assertContains(response, "There are no clients yet")

    def test_it_refuses_a_client_of_another_workspace(self) -> None:
        theirs = Client.objects.create(workspace=self.charlies_workspace, name="Theirs")
        first = UnmatchedMessage.objects.get(message_id="<u1@g>")
        self.login(self.bob)
        self.client.post(reverse("unmatched_assign", args=[first.pk]), {"client": theirs.pk})
        first.refresh_from_db()
        self.assertIsNone(first.assigned_at)

    def test_it_saves_business_hours_for_managers_only(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("mail_settings")).status_code, 403)
        self.login(self.alice)
        response = self.client.post(
            reverse("mail_settings"),
            {
                "business_hours_enabled": "on",
                "business_days": ["0", "1"],
                "opens_at": "10:00",
                "closes_at": "09:00",
            },
        )
        self.assertContains(response, "Closing time must be after opening time.")
        response = self.client.post(
            reverse("mail_settings"),
            {
                "business_hours_enabled": "on",
                "business_days": ["0", "1"],
                "opens_at": "08:30",
                "closes_at": "16:00",
            },
        )
        self.assertRedirects(response, reverse("mail_settings"))
        settings = MailSettings.objects.get(workspace=self.workspace)
        self.assertEqual((settings.business_days, settings.opens_at), ("01", dt.time(8, 30)))
        self.assertTrue(settings.business_hours_enabled)

    def test_the_api_lists_the_inbox_and_assigns_unmatched_mail(self) -> None:
        headers = self.api_headers(self.bob)
        with self.assertNumQueries(6):
            response = self.client.get("/api/inbox", headers=headers)
        body = response.json()
        self.assertEqual(body["count"], 3)
        self.assertEqual(body["results"][0]["subject"], "Still waiting")
        self.assertTrue(body["results"][0]["overdue"])
        self.assertTrue(body["results"][0]["negative"])
        with self.assertNumQueries(4):
            unmatched = self.client.get("/api/mail/unmatched", headers=headers).json()
        self.assertEqual(unmatched["count"], 2)
        first = unmatched["results"][0]["id"]
        response = self.client.post(
            f"/api/mail/unmatched/{first}/assign",
            data=json.dumps({"client_id": self.harbor.pk}),
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["others_assigned"], 1)
        missing = self.client.post(
            f"/api/mail/unmatched/{first}/assign",
            data=json.dumps({"client_id": self.harbor.pk}),
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(missing.status_code, 404)
