"""Referrals: who referred whom on the client form and pages, thanks, asks and Insights."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients import services
from keepwarm.clients.models import Client, Contact
from keepwarm.testing import BaseTestCase


class ReferralTests(BaseTestCase):
    harbor: Client
    bakery: Client
    lena: Contact
    tom: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.harbor = services.client_create(membership=m, name="Harbor Dental")
        cls.lena = services.contact_create(membership=m, client=cls.harbor, name="Lena Ortiz")
        cls.bakery = services.client_create(membership=m, name="Corner Bakery")
        cls.tom = services.contact_create(membership=m, client=cls.bakery, name="Tom Baker")

    def test_naming_the_person_is_enough_and_a_mismatch_is_refused(self) -> None:
        made = services.client_create(
            membership=self.alice_m, name="Law Office", referred_by_contact=self.lena
        )
        self.assertEqual((made.referred_by, made.referred_by_contact), (self.harbor, self.lena))
        with self.assertRaises(ValidationError) as caught:
            services.client_create(
                membership=self.alice_m,
                name="Plumbers",
                referred_by=self.bakery,
                referred_by_contact=self.lena,
            )
        self.assertIn("referred_by_contact", caught.exception.message_dict)

    def test_the_client_form_sets_the_referrer_and_both_pages_show_it(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            "/clients/new/",
            {
                "name": "Law Office",
                "kind": "organisation",
                "status": "prospect",
                "referred_by_contact": self.lena.pk,
                "response_target_hours": 24,
                "check_in_every_days": 14,
                "plain_language_target": 60,
                "report_cadence": "none",
                "report_weekday": 4,
                "report_time": "16:00",
                "report_time_zone": "UTC",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        law = Client.objects.get(name="Law Office")
        self.assertEqual(law.referred_by, self.harbor)
        page = self.client.get(f"/clients/{law.pk}/").text
        self.assertIn("Referred by <a", page)
        self.assertIn("(Lena Ortiz)", page)
        self.assertIn(f'href="/clients/{law.pk}/referral/thank/"', page)
        referrer_page = self.client.get(f"/clients/{self.harbor.pk}/").text
        self.assertIn("They referred", referrer_page)
        self.assertIn(f'href="/clients/{law.pk}/"', referrer_page)

    def test_thanking_logs_a_personal_touch_on_the_referrer(self) -> None:
        law = services.client_create(
            membership=self.alice_m, name="Law Office", referred_by_contact=self.lena
        )
        self.login(self.alice)
        self.assertContains(
            self.client.get(f"/clients/{law.pk}/referral/thank/"), "Thank Lena Ortiz"
        )
        response = self.client.post(
            f"/clients/{law.pk}/referral/thank/", {"channel": "call", "note": "Sent flowers"}
        )
        self.assertRedirects(response, f"/clients/{self.harbor.pk}/", fetch_redirect_response=False)
        law.refresh_from_db()
        self.assertIsNotNone(law.referral_thanked_at)
        thanks = self.harbor.interactions.get()
        self.assertEqual(
            (thanks.subject, thanks.is_personal_touch, thanks.direction),
            ("Thanked them for referring Law Office", True, "outbound"),
        )
        self.assertTrue(AuditEvent.objects.filter(action="client.referral_thanked").exists())
        # Nobody referred the bakery: nothing to thank for.
        self.assertContains(
            self.client.post(f"/clients/{self.bakery.pk}/referral/thank/", {"channel": "call"}),
            "Nobody referred Corner Bakery",
        )

    def test_asking_is_recorded(self) -> None:
        self.login(self.alice)
        self.client.post(f"/clients/{self.bakery.pk}/referral/asked/")
        self.bakery.refresh_from_db()
        self.assertIsNotNone(self.bakery.referral_asked_at)
        self.assertContains(
            self.client.get(f"/clients/{self.bakery.pk}/"), "Last asked for a referral on"
        )

    def test_insights_counts_clients_by_referrer(self) -> None:
        for name in ("Law Office", "Plumbers"):
            services.client_create(membership=self.alice_m, name=name, referred_by=self.harbor)
        thanked = services.client_create(
            membership=self.alice_m, name="Charity", referred_by=self.bakery
        )
        services.referral_mark_thanked(
            membership=self.alice_m, client=thanked, at=thanked.created_at
        )
        self.login(self.alice)
        page = self.client.get("/insights/").text
        self.assertIn("Referral sources", page)
        self.assertIn("3 clients came through a referral, from 2 referrers", page)
        harbor_row = page.index(f'href="/clients/{self.harbor.pk}/#referrals"')
        bakery_row = page.index(f'href="/clients/{self.bakery.pk}/#referrals"')
        self.assertLess(harbor_row, bakery_row)  # most referrals first
