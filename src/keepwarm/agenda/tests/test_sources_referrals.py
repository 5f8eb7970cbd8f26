"""Agenda items from referrals: thank the referrer until done; ask happy clients once a quarter."""

from __future__ import annotations

import datetime as dt

import time_machine

from keepwarm.agenda.services import agenda_item_done
from keepwarm.agenda.tests.helpers import NOW, TODAY, AgendaTestCase, days_ago
from keepwarm.agenda.types import OVERDUE, UPCOMING
from keepwarm.brief.services import referral_thank
from keepwarm.clients.models import Client
from keepwarm.clients.services import referral_mark_asked
from keepwarm.feedback.models import FeedbackResponse


@time_machine.travel(NOW, tick=False)
class ThankReferrerTests(AgendaTestCase):
    def test_it_asks_to_thank_the_referrer_until_it_is_done(self) -> None:
        referrer = self.make_client("Harbor Dental")
        lena = self.make_contact(referrer)
        bakery = self.make_client(
            "Corner Bakery", referred_by=referrer, referred_by_contact=lena, created_at=days_ago(1)
        )
        item = self.one("thank_referrer")
        self.assertEqual(item.key, f"thank_referrer:{bakery.pk}")
        self.assertEqual(item.client_id, referrer.pk)
        self.assertEqual(
            item.sentence, "Thank Lena Ortiz (Harbor Dental) for referring Corner Bakery"
        )
        self.assertEqual(
            (item.state, item.url), (UPCOMING, f"/clients/{bakery.pk}/referral/thank/")
        )
        referral_thank(membership=self.alice_m, client=bakery, channel="call", note="Flowers")
        self.assertEqual(self.items("thank_referrer"), [])
        thanks = referrer.interactions.get()
        self.assertTrue(thanks.is_personal_touch)
        self.assertEqual(list(thanks.contacts.all()), [lena])
        bakery.refresh_from_db()
        self.assertIsNotNone(bakery.referral_thanked_at)

    def test_a_thank_you_left_for_days_is_overdue(self) -> None:
        referrer = self.make_client("Harbor Dental")
        self.make_client("Corner Bakery", referred_by=referrer, created_at=days_ago(5))
        item = self.one("thank_referrer")
        self.assertEqual(
            (item.state, item.overdue_days, item.reason), (OVERDUE, 2, "overdue 2 days")
        )
        self.assertEqual(item.sentence, "Thank Harbor Dental for referring Corner Bakery")


@time_machine.travel(NOW, tick=False)
class AskReferralTests(AgendaTestCase):
    def happy(self, client: Client, *, score: int = 9, kind: str = "nps", days: int = 10) -> None:
        FeedbackResponse.objects.create(
            workspace=self.workspace,
            client=client,
            kind=kind,
            score=score,
            source="email",
            created_at=days_ago(days),
        )

    def test_it_asks_a_warm_client_with_good_recent_feedback(self) -> None:
        client = self.make_client()
        self.band(client, TODAY, "warm")
        self.happy(client, score=9)
        item = self.one("ask_referral")
        self.assertEqual(item.key, f"ask_referral:{client.pk}")
        self.assertEqual(
            item.sentence,
            "Ask Harbor Dental if they know someone you could help — they gave you 9 of 10 "
            "10 days ago",
        )
        self.assertEqual(item.url, f"/clients/{client.pk}/#referrals")

    def test_a_csat_of_four_counts_and_close_counts(self) -> None:
        client = self.make_client()
        self.band(client, TODAY, "close")
        self.happy(client, score=4, kind="csat")
        self.assertEqual(len(self.items("ask_referral")), 1)

    def test_it_does_not_ask_cooler_clients_old_or_middling_feedback(self) -> None:
        cool = self.make_client("Cool Co")
        self.band(cool, TODAY, "warming")
        self.happy(cool)
        old = self.make_client("Old Co")
        self.band(old, TODAY, "warm")
        self.happy(old, days=100)
        middling = self.make_client("Middling Co")
        self.band(middling, TODAY, "warm")
        self.happy(middling, score=8)
        self.assertEqual(self.items("ask_referral"), [])

    def test_it_asks_at_most_once_a_quarter(self) -> None:
        client = self.make_client()
        self.band(client, TODAY, "warm")
        self.happy(client)
        referral_mark_asked(membership=self.alice_m, client=client, at=days_ago(30))
        self.assertEqual(self.items("ask_referral"), [])
        referral_mark_asked(membership=self.alice_m, client=client, at=days_ago(91))
        self.assertEqual(len(self.items("ask_referral")), 1)
        # Done on Today holds it off for the rest of the quarter too.
        agenda_item_done(membership=self.alice_m, key=f"ask_referral:{client.pk}")
        self.assertEqual(self.items("ask_referral"), [])
        later = dt.datetime(2026, 4, 2, 12, 0, tzinfo=dt.UTC)
        self.band(client, later.date(), "warm")
        self.assertEqual(len(self.items("ask_referral", now=later)), 1)
        self.assertEqual(self.items("ask_referral", now=later)[0].state, UPCOMING)
