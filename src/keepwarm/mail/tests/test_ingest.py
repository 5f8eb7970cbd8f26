from __future__ import annotations

import datetime as dt

import time_machine

from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Interaction
from keepwarm.mail.ingest import IngestOutcome, ingest_messages
from keepwarm.mail.models import MailMessage, MailSettings, UnmatchedMessage
from keepwarm.mail.testing import make_email
from keepwarm.testing import BaseTestCase

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


class IngestTests(BaseTestCase):
    harbor: Client
    bakery: Client
    lena: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace, name="Harbor Dental", website="https://www.harbor.example/"
        )
        cls.lena = Contact.objects.create(
            workspace=cls.workspace,
            client=cls.harbor,
            name="Lena Ortiz",
            email="lena@harbor.example",
        )
        cls.bakery = Client.objects.create(workspace=cls.workspace, name="Bakery")
        Contact.objects.create(
            workspace=cls.workspace,
            client=cls.bakery,
            name="Sam",
            email="sam@gmail.com",
            other_emails="sam.baker@bakery.example",
        )

    def ingest(self, *raws: bytes, **kwargs: object) -> list[IngestOutcome]:
        with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
            return list(ingest_messages(workspace=self.workspace, raws=raws, **kwargs))  # type: ignore[arg-type]

    def interaction(self, outcome: IngestOutcome) -> Interaction:
        assert outcome.interaction_id is not None
        return Interaction.objects.get(pk=outcome.interaction_id)

    def test_it_imports_an_inbound_message_from_a_contact(self) -> None:
        [outcome] = self.ingest(make_email())
        self.assertEqual(outcome.status, "imported")
        interaction = self.interaction(outcome)
        self.assertEqual(interaction.client, self.harbor)
        self.assertEqual(interaction.direction, "inbound")
        self.assertEqual(interaction.channel, "email")
        self.assertTrue(interaction.needs_reply)
        self.assertEqual(interaction.occurred_at, T0)
        self.assertEqual(list(interaction.contacts.all()), [self.lena])
        self.assertEqual(interaction.message_id, "<m1@harbor.example>")
        self.assertIsNotNone(interaction.sentiment)

    def test_it_matches_by_domain_but_never_a_free_mail_domain(self) -> None:
        outcomes = self.ingest(
            make_email(sender="new@harbor.example", message_id="<a@x>"),
            make_email(sender="someone@bakery.example", message_id="<b@x>"),
            make_email(sender="stranger@gmail.com", message_id="<c@x>"),
            make_email(sender="sam@gmail.com", message_id="<d@x>"),
        )
        self.assertEqual(
            [o.status for o in outcomes], ["imported", "imported", "unmatched", "imported"]
        )
        self.assertEqual(outcomes[0].reason, "domain")
        clients = [self.interaction(o).client for o in outcomes if o.interaction_id]
        self.assertEqual(clients, [self.harbor, self.bakery, self.bakery])
        unmatched = UnmatchedMessage.objects.get()
        self.assertEqual(unmatched.address, "stranger@gmail.com")
        self.assertTrue(unmatched.needs_reply)

    def test_it_imports_the_same_mailbox_twice_without_adding_anything(self) -> None:
        raws = [make_email(message_id=f"<m{i}@harbor.example>") for i in range(3)]
        raws.append(make_email(message_id=None, body="No id here."))
        raws.append(make_email(sender="stranger@gmail.com", message_id="<s@x>"))
        first = self.ingest(*raws)
        self.assertEqual([o.status for o in first], ["imported"] * 4 + ["unmatched"])
        again = self.ingest(*raws)
        self.assertEqual([o.status for o in again], ["duplicate"] * 5)
        self.assertEqual(Interaction.objects.count(), 4)
        self.assertEqual(UnmatchedMessage.objects.count(), 1)
        no_id = Interaction.objects.get(body="No id here.")
        self.assertTrue(no_id.message_id.endswith("@content.keepwarm.invalid>"))

    def test_it_keeps_both_messages_sharing_an_id_with_different_content(self) -> None:
        one = make_email(message_id="<same@x>", body="First text")
        two = make_email(message_id="<same@x>", body="Other text")
        outcomes = self.ingest(one, two, one)
        self.assertEqual([o.status for o in outcomes], ["imported", "imported", "duplicate"])
        self.assertEqual(MailMessage.objects.filter(message_id="<same@x>").count(), 2)

    def test_it_treats_mail_from_our_addresses_as_outbound(self) -> None:
        raw = make_email(sender="help@studio.example", to="lena@harbor.example", message_id="<o@s>")
        [outcome] = self.ingest(raw, our_addresses=["Help@Studio.example"])
        interaction = self.interaction(outcome)
        self.assertEqual(interaction.direction, "outbound")
        self.assertFalse(interaction.needs_reply)
        self.assertIsNone(interaction.sentiment)

    def test_it_marks_an_inbound_message_answered_by_our_first_reply(self) -> None:
        question = make_email(message_id="<q@h>", at=T0)
        reply = make_email(
            sender="alice@example.org",
            to="lena@harbor.example",
            subject="Re: Opening hours",
            body="Done!",
            message_id="<r@s>",
            in_reply_to="<q@h>",
            references="<q@h>",
            at=T0 + dt.timedelta(hours=5),
        )
        later = make_email(
            sender="alice@example.org",
            to="lena@harbor.example",
            subject="Re: Opening hours",
            body="And one more thing.",
            message_id="<r2@s>",
            in_reply_to="<q@h>",
            at=T0 + dt.timedelta(hours=9),
        )
        self.ingest(question)
        self.ingest(reply, later)
        inbound = Interaction.objects.get(message_id="<q@h>")
        self.assertFalse(inbound.needs_reply)
        self.assertEqual(inbound.first_response_seconds, 5 * 3600)
        self.assertEqual(inbound.replied_by, Interaction.objects.get(message_id="<r@s>"))

    def test_it_finds_a_reply_imported_before_its_question(self) -> None:
        question = make_email(message_id="<q@h>", at=T0)
        reply = make_email(
            sender="alice@example.org",
            to="lena@harbor.example",
            subject="Re: Opening hours",
            message_id="<r@s>",
            in_reply_to="<q@h>",
            at=T0 + dt.timedelta(hours=2),
        )
        self.ingest(reply)
        self.ingest(question)
        inbound = Interaction.objects.get(message_id="<q@h>")
        self.assertFalse(inbound.needs_reply)
        self.assertEqual(inbound.first_response_seconds, 2 * 3600)

    def test_it_answers_within_one_batch_and_by_subject_without_ids(self) -> None:
        question = make_email(message_id="<q@h>", at=T0)
        reply = make_email(
            sender="alice@example.org",
            to="lena@harbor.example",
            subject="RE: opening  hours",
            message_id="<r@s>",
            at=T0 + dt.timedelta(hours=1),
        )
        self.ingest(question, reply)
        self.assertEqual(Interaction.objects.get(message_id="<q@h>").first_response_seconds, 3600)
        question2 = make_email(message_id="<q2@h>", subject="Invoice", at=T0)
        self.ingest(question2)
        self.ingest(
            make_email(
                sender="alice@example.org",
                to="lena@harbor.example",
                subject="Re: Invoice",
                message_id="<r2@s>",
                at=T0 + dt.timedelta(hours=3),
            )
        )
        self.assertEqual(
            Interaction.objects.get(message_id="<q2@h>").first_response_seconds, 3 * 3600
        )

    def test_it_counts_business_hours_when_configured(self) -> None:
        MailSettings.objects.create(
            workspace=self.workspace,
            business_hours_enabled=True,
            business_days="01234",
            opens_at=dt.time(9),
            closes_at=dt.time(17),
        )
        # Friday 16:00 to Monday 10:00 is two business hours.
        friday = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)
        self.ingest(make_email(message_id="<q@h>", at=friday))
        self.ingest(
            make_email(
                sender="alice@example.org",
                to="lena@harbor.example",
                subject="Re: Opening hours",
                message_id="<r@s>",
                in_reply_to="<q@h>",
                at=friday + dt.timedelta(days=3, hours=-6),
            )
        )
        self.assertEqual(Interaction.objects.get(message_id="<q@h>").first_response_seconds, 7200)

    def test_it_needs_no_reply_for_automatic_mail_or_a_closing_thanks(self) -> None:
        outcomes = self.ingest(
            make_email(message_id="<1@x>", headers={"Auto-Submitted": "auto-replied"}),
            make_email(message_id="<2@x>", headers={"List-Id": "<news.harbor.example>"}),
            make_email(message_id="<3@x>", sender="noreply@harbor.example"),
            make_email(message_id="<4@x>", headers={"Precedence": "bulk"}),
            make_email(message_id="<5@x>", body="Thanks so much!\n\n-- \nLena"),
            make_email(message_id="<6@x>", body="Thanks, but the page is still wrong?"),
        )
        needs = [self.interaction(o).needs_reply for o in outcomes]
        self.assertEqual(needs, [False, False, False, False, False, True])

    def test_it_marks_trust_stale_through_updated_at(self) -> None:
        [outcome] = self.ingest(make_email())
        interaction = self.interaction(outcome)
        self.assertEqual(interaction.updated_at, T0 + dt.timedelta(days=3))

    def test_it_quarantines_garbage_and_goes_on(self) -> None:
        outcomes = self.ingest(b"\x00\x01\x02" * 100, make_email())
        self.assertEqual([o.status for o in outcomes], ["quarantined", "imported"])
        self.assertEqual(outcomes[0].reason, "binary data, not an email")
