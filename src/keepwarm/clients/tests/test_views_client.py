"""The client page, the client form and deleting a client."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients import services
from keepwarm.clients.models import Client, Contact
from keepwarm.commitments.services import commitment_create
from keepwarm.interactions.services import interaction_log
from keepwarm.testing import BaseTestCase

TODAY = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


class ClientPageTests(BaseTestCase):
    referrer: Client
    harbor: Client
    lena: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.referrer = services.client_create(membership=m, name="Bakery Bloom")
        cls.harbor = services.client_create(
            membership=m,
            name="Harbor Dental",
            status="active",
            industry="Dental practice",
            website="https://harbor.example",
            notes="Prefers calls before 10.",
            owner=cls.bob,
            referred_by=cls.referrer,
            response_target_hours=24,
            check_in_every_days=14,
        )
        cls.lena = services.contact_create(
            membership=m,
            client=cls.harbor,
            name="Lena Ortiz",
            role="Practice manager",
            email="lena@harbor.example",
            phone="+1 555 0100",
        )
        services.fact_create(
            membership=m,
            contact=cls.lena,
            category="family",
            text="Son Tyrone plays in the county final",
            follow_up_on=dt.date(2026, 6, 12),
        )
        services.date_create(
            membership=m, contact=cls.lena, kind="birthday", date=dt.date(1984, 6, 13)
        )
        # A one-off event that has passed is not upcoming.
        services.date_create(
            membership=m,
            contact=cls.lena,
            kind="event",
            label="Clinic opening",
            date=dt.date(2026, 1, 5),
            yearly=False,
        )
        services.goal_create(
            membership=m, client=cls.harbor, text="More bookings from the website", priority=1
        )

    def page(self, user=None):  # type: ignore[no-untyped-def]
        self.login(user or self.alice)
        return self.client.get(f"/clients/{self.harbor.pk}/")

    @time_machine.travel(TODAY, tick=False)
    def test_it_shows_the_header(self) -> None:
        interaction_log(
            membership=self.alice_m,
            client=self.harbor,
            channel="call",
            direction="outbound",
            occurred_at=TODAY - dt.timedelta(days=3),
        )
        response = self.page()
        self.assertContains(response, "<title>Harbor Dental · Keepwarm</title>")
        self.assertContains(response, '<span class="chip chip-status-active">Active</span>')
        self.assertContains(response, "Owner: Bob Baker")
        self.assertContains(response, "3 days ago</time>")
        self.assertContains(response, "reply within 24 hours · check in every 14 days")
        self.assertContains(response, "Dental practice")
        self.assertContains(response, 'href="https://harbor.example"')
        self.assertContains(
            response, f'Referred by <a href="/clients/{self.referrer.pk}/">Bakery Bloom</a>'
        )
        self.assertContains(response, "Prefers calls before 10.")
        self.assertContains(response, f'href="/clients/{self.harbor.pk}/edit/"')
        self.assertContains(response, f'href="/clients/{self.harbor.pk}/delete/"')
        self.assertEqual(response.context["nav"], "clients")

    @time_machine.travel(TODAY, tick=False)
    def test_it_counts_silence_from_the_last_non_internal_interaction(self) -> None:
        interaction_log(
            membership=self.alice_m,
            client=self.harbor,
            channel="email",
            direction="inbound",
            occurred_at=TODAY - dt.timedelta(days=20),
        )
        interaction_log(
            membership=self.alice_m,
            client=self.harbor,
            channel="call",
            direction="internal",
            occurred_at=TODAY,
        )
        response = self.page()
        self.assertContains(response, "20 days ago</time>")
        self.assertContains(response, "Check-in overdue by 6 days")

    def test_it_says_when_nothing_is_logged_yet(self) -> None:
        self.assertContains(self.page(), "No conversations logged yet")

    @time_machine.travel(TODAY, tick=False)
    def test_it_shows_people_with_facts_and_upcoming_dates(self) -> None:
        response = self.page()
        self.assertContains(response, f'<a href="/contacts/{self.lena.pk}/">Lena Ortiz</a>')
        self.assertContains(response, "Practice manager")
        self.assertContains(response, "mailto:lena@harbor.example")
        self.assertContains(response, "+1 555 0100")
        self.assertContains(response, "Son Tyrone plays in the county final")
        self.assertContains(response, "ask about it")
        self.assertContains(response, ">in 2 days</time>")
        self.assertContains(response, "Birthday")
        self.assertContains(response, ">in 3 days</time>")
        self.assertNotContains(response, "Clinic opening")
        self.assertContains(response, f'href="/clients/{self.harbor.pk}/people/new/"')

    def test_it_shows_goals_with_an_add_form(self) -> None:
        response = self.page()
        self.assertContains(response, "More bookings from the website")
        self.assertContains(response, "High priority")
        self.assertContains(response, f'hx-post="/clients/{self.harbor.pk}/goals/new/"')

    def test_it_includes_the_timeline_and_the_promises(self) -> None:
        commitment_create(
            membership=self.alice_m,
            client=self.harbor,
            what="Send the revised quote",
            due_on=dt.date(2030, 1, 1),
        )
        response = self.page()
        self.assertTemplateUsed(response, "interactions/_timeline.html")
        self.assertTemplateUsed(response, "commitments/_promises.html")
        self.assertContains(response, 'id="timeline"')
        self.assertContains(response, "Send the revised quote")

    def test_it_offers_a_viewer_no_write_buttons(self) -> None:
        response = self.page(self.victor)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, f"/clients/{self.harbor.pk}/edit/")
        self.assertNotContains(response, f"/clients/{self.harbor.pk}/delete/")
        self.assertNotContains(response, "Add a person")
        self.assertNotContains(response, "/goals/new/")
        self.assertNotContains(response, "/edit/")

    def test_it_is_a_404_for_another_workspace(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(f"/clients/{self.harbor.pk}/").status_code, 404)

    def test_it_asks_the_same_number_of_queries_however_much_is_recorded(self) -> None:
        # Start with one of everything: Django skips a prefetch query when there are no rows.
        interaction_log(
            membership=self.alice_m,
            client=self.harbor,
            contacts=[self.lena],
            channel="call",
            direction="outbound",
        )
        commitment_create(
            membership=self.alice_m, client=self.harbor, what="First", due_on=dt.date(2030, 1, 1)
        )
        self.login(self.alice)
        url = f"/clients/{self.harbor.pk}/"
        self.client.get(url)
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        m = self.alice_m
        for i in range(5):
            contact = services.contact_create(membership=m, client=self.harbor, name=f"P {i}")
            for j in range(3):
                services.fact_create(membership=m, contact=contact, category="diet", text=f"F{j}")
                services.date_create(
                    membership=m, contact=contact, kind="event", date=dt.date(2030, 1, j + 1)
                )
            services.goal_create(membership=m, client=self.harbor, text=f"Goal {i}")
            interaction_log(
                membership=m,
                client=self.harbor,
                contacts=[contact],
                channel="call",
                direction="outbound",
            )
            commitment_create(
                membership=m, client=self.harbor, what=f"Promise {i}", due_on=dt.date(2030, 1, 1)
            )
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(url)
        self.assertContains(response, "Goal 4")
        self.assertContains(response, "Promise 4")


class ClientFormTests(BaseTestCase):
    harbor: Client
    bakery: Client
    secret: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = services.client_create(membership=cls.alice_m, name="Harbor Dental")
        cls.bakery = services.client_create(membership=cls.alice_m, name="Bakery Bloom")
        cls.secret = services.client_create(membership=cls.charlie_m, name="Secret Co")

    def valid(self, **changes: str) -> dict[str, str]:
        data = {
            "name": "City Law",
            "kind": "organisation",
            "status": "prospect",
            "industry": "Law",
            "website": "https://citylaw.example",
            "owner": str(self.bob.pk),
            "referred_by": str(self.harbor.pk),
            "notes": "Met at the chamber breakfast.",
            "response_target_hours": "8",
            "check_in_every_days": "30",
            "plain_language_target": "65",
            "report_cadence": "weekly",
            "report_weekday": "0",
            "report_time": "09:30",
            "report_time_zone": "Europe/Dublin",
            "annual_value": "12000.50",
        }
        data.update(changes)
        return data

    def test_it_shows_the_form_in_groups_with_hints(self) -> None:
        self.login(self.alice)
        response = self.client.get("/clients/new/")
        for legend in ("Basics", "Relationship targets", "Status reports", "Money"):
            self.assertContains(response, f"<legend><h2>{legend}</h2></legend>", html=True)
        self.assertContains(response, "used only by the fairness report")
        self.assertContains(response, f'<option value="{self.bob.pk}">Bob Baker</option>')
        self.assertNotContains(response, "Charlie Chen")
        self.assertContains(response, "Bakery Bloom")
        self.assertNotContains(response, "Secret Co")
        self.assertContains(response, '<option value="Europe/Dublin">Europe/Dublin</option>')
        # The new client belongs to whoever adds it, until they say otherwise.
        self.assertContains(response, f'<option value="{self.alice.pk}" selected>')

    def test_it_adds_a_client_and_goes_to_their_page(self) -> None:
        self.login(self.alice)
        response = self.client.post("/clients/new/", self.valid(), follow=True)
        client = Client.objects.get(name="City Law")
        self.assertRedirects(response, f"/clients/{client.pk}/")
        self.assertContains(response, "Added City Law.")
        self.assertEqual(client.owner, self.bob)
        self.assertEqual(client.referred_by, self.harbor)
        self.assertEqual(client.report_time, dt.time(9, 30))
        self.assertEqual(client.report_time_zone, "Europe/Dublin")
        self.assertEqual(str(client.annual_value), "12000.50")
        self.assertTrue(AuditEvent.objects.filter(action="client.create", actor=self.alice))

    def test_it_keeps_what_was_typed_when_there_are_errors(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            "/clients/new/",
            self.valid(name="", report_time_zone="Mars/Olympus", check_in_every_days="0"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error-summary"')
        self.assertContains(response, "This field is required.")
        self.assertContains(response, "Select a valid choice. Mars/Olympus is not one")
        self.assertContains(response, "greater than or equal to 1")
        self.assertContains(response, 'value="Law"')
        self.assertContains(response, "Met at the chamber breakfast.")
        self.assertContains(response, 'value="12000.50"')
        self.assertFalse(Client.objects.filter(name="").exists())

    def test_it_refuses_an_owner_or_referrer_from_another_workspace(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            "/clients/new/",
            self.valid(owner=str(self.charlie.pk), referred_by=str(self.secret.pk)),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice", count=4)
        self.assertFalse(Client.objects.filter(name="City Law").exists())

    def test_it_puts_the_services_errors_beside_the_fields(self) -> None:
        # The form accepts any URL; the model allows 200 characters, so the service refuses.
        long_url = "https://example.com/" + "a" * 250
        self.login(self.alice)
        response = self.client.post("/clients/new/", self.valid(website=long_url))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_website_error"')
        self.assertContains(response, "at most 200 characters")
        self.assertContains(response, long_url)
        self.assertFalse(Client.objects.filter(name="City Law").exists())

    def test_it_edits_a_client(self) -> None:
        self.login(self.alice)
        url = f"/clients/{self.harbor.pk}/edit/"
        form = self.client.get(url)
        self.assertContains(form, 'value="Harbor Dental"')
        # A client cannot refer itself, so it is not offered.
        self.assertNotContains(form, f'<option value="{self.harbor.pk}">Harbor Dental</option>')
        data = self.valid(name="Harbor Dental Group", referred_by=str(self.bakery.pk))
        response = self.client.post(url, data)
        self.assertRedirects(response, f"/clients/{self.harbor.pk}/")
        self.harbor.refresh_from_db()
        self.assertEqual(self.harbor.name, "Harbor Dental Group")
        self.assertEqual(self.harbor.check_in_every_days, 30)
        event = AuditEvent.objects.get(action="client.update")
        self.assertEqual(event.changes["name"], ["Harbor Dental", "Harbor Dental Group"])

    def test_it_keeps_the_page_title_when_an_edit_is_refused(self) -> None:
        self.login(self.alice)
        long_url = "https://example.com/" + "a" * 250
        response = self.client.post(
            f"/clients/{self.harbor.pk}/edit/", self.valid(name="New name", website=long_url)
        )
        self.assertContains(response, "<title>Edit Harbor Dental · Keepwarm</title>")
        self.assertContains(response, 'value="New name"')
        self.harbor.refresh_from_db()
        self.assertEqual(self.harbor.name, "Harbor Dental")

    def test_it_sends_htmx_to_the_new_page(self) -> None:
        self.login(self.alice)
        response = self.client.post("/clients/new/", self.valid(), headers={"HX-Request": "true"})
        client = Client.objects.get(name="City Law")
        self.assertEqual(response["HX-Redirect"], f"/clients/{client.pk}/")

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.client.get("/clients/new/").status_code, 403)
        self.assertEqual(self.client.post("/clients/new/", self.valid()).status_code, 403)
        edit = f"/clients/{self.harbor.pk}/edit/"
        self.assertEqual(self.client.get(edit).status_code, 403)
        self.assertEqual(self.client.post(edit, self.valid()).status_code, 403)
        self.assertFalse(Client.objects.filter(name="City Law").exists())


class ClientDeleteTests(BaseTestCase):
    harbor: Client
    url: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.harbor = services.client_create(membership=m, name="Harbor Dental")
        for name in ("Lena", "Sam"):
            services.contact_create(membership=m, client=cls.harbor, name=name)
        for _ in range(3):
            interaction_log(membership=m, client=cls.harbor, channel="call", direction="outbound")
        commitment_create(
            membership=m, client=cls.harbor, what="Send quote", due_on=timezone.localdate()
        )
        cls.url = f"/clients/{cls.harbor.pk}/delete/"

    def test_it_says_what_will_be_lost_before_deleting(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, "Delete Harbor Dental?")
        self.assertContains(response, "2 people with their facts and dates")
        self.assertContains(response, "3 interactions")
        self.assertContains(response, "1 promise")
        self.assertContains(response, "0 goals")
        self.assertContains(
            response, f'<form class="card stack" method="post" action="{self.url}">'
        )
        self.assertTrue(Client.objects.filter(pk=self.harbor.pk).exists())

    def test_it_deletes_on_post(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, "/clients/")
        self.assertContains(response, "Deleted Harbor Dental.")
        self.assertFalse(Client.objects.filter(pk=self.harbor.pk).exists())
        self.assertTrue(AuditEvent.objects.filter(action="client.delete").exists())

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(Client.objects.filter(pk=self.harbor.pk).exists())
