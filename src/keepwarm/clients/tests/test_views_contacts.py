"""The contact page, the contact form, and personal facts and dates edited in place."""

from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.utils import timezone

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients import services
from keepwarm.clients.models import Client, Contact, ImportantDate, PersonalFact
from keepwarm.interactions.services import interaction_log
from keepwarm.testing import BaseTestCase

TODAY = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
HTMX = {"HX-Request": "true"}


class ContactTestCase(BaseTestCase):
    harbor: Client
    lena: Contact
    fact: PersonalFact
    day: ImportantDate

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        cls.harbor = services.client_create(membership=m, name="Harbor Dental")
        cls.lena = services.contact_create(
            membership=m,
            client=cls.harbor,
            name="Lena Ortiz",
            role="Practice manager",
            email="lena@harbor.example",
            other_emails="lena.o@home.example",
            phone="+1 555 0100",
            other_phones="+1 555 0199",
            preferred_channel="phone",
            notes="Best reached after lunch.",
        )
        cls.fact = services.fact_create(
            membership=m,
            contact=cls.lena,
            category="health",
            text="Knee operation next Tuesday",
            date=dt.date(2026, 6, 16),
            follow_up_on=dt.date(2026, 6, 18),
        )
        cls.day = services.date_create(
            membership=m, contact=cls.lena, kind="birthday", date=dt.date(1984, 6, 13)
        )

    def setUp(self) -> None:
        self.login(self.alice)

    def toast(self, response) -> str:  # type: ignore[no-untyped-def]
        return json.loads(response["HX-Trigger"])["toast"]


class ContactPageTests(ContactTestCase):
    @time_machine.travel(TODAY, tick=False)
    def test_it_shows_the_person(self) -> None:
        response = self.client.get(f"/contacts/{self.lena.pk}/")
        self.assertContains(response, "<title>Lena Ortiz at Harbor Dental · Keepwarm</title>")
        self.assertContains(response, f'<a href="/clients/{self.harbor.pk}/">Harbor Dental</a>')
        self.assertContains(response, "Practice manager")
        self.assertContains(response, "mailto:lena@harbor.example")
        self.assertContains(response, "mailto:lena.o@home.example")
        self.assertContains(response, "tel:+1 555 0199")
        self.assertContains(response, "<dd>Phone</dd>", html=True)
        self.assertContains(response, "Best reached after lunch.")
        self.assertContains(response, "Knee operation next Tuesday")
        self.assertContains(response, ">in 6 days</time>")
        self.assertContains(response, ">in 8 days</time>")
        self.assertContains(response, ">in 3 days</time>")
        self.assertEqual(response.context["nav"], "clients")

    def test_it_lists_the_latest_20_interactions_with_this_person(self) -> None:
        now = timezone.now()
        for i in range(22):
            interaction_log(
                membership=self.alice_m,
                client=self.harbor,
                contacts=[self.lena],
                channel="call",
                direction="outbound",
                subject=f"Call {i:02d}",
                occurred_at=now - dt.timedelta(days=i),
            )
        interaction_log(
            membership=self.alice_m,
            client=self.harbor,
            channel="call",
            direction="outbound",
            subject="Someone else",
        )
        response = self.client.get(f"/contacts/{self.lena.pk}/")
        self.assertContains(response, "Call 00")
        self.assertContains(response, "Call 19")
        self.assertNotContains(response, "Call 20")
        self.assertNotContains(response, "Someone else")
        self.assertContains(response, f'href="/clients/{self.harbor.pk}/#interaction-')
        self.assertContains(response, "The latest 20 are shown.")

    def test_it_tells_what_to_do_when_nothing_is_recorded(self) -> None:
        sam = services.contact_create(membership=self.alice_m, client=self.harbor, name="Sam")
        response = self.client.get(f"/contacts/{sam.pk}/")
        self.assertContains(response, "Note what matters to Sam")
        self.assertContains(response, "No dates yet.")
        self.assertContains(response, "Nothing logged with Sam yet.")

    def test_it_offers_a_viewer_no_write_buttons(self) -> None:
        self.login(self.victor)
        response = self.client.get(f"/contacts/{self.lena.pk}/")
        self.assertContains(response, "Knee operation next Tuesday")
        self.assertNotContains(response, "/edit/")
        self.assertNotContains(response, "/delete/")
        self.assertNotContains(response, "/facts/new/")
        self.assertNotContains(response, "/dates/new/")


class ContactFormTests(ContactTestCase):
    def test_it_adds_a_person_and_shows_their_page(self) -> None:
        url = f"/clients/{self.harbor.pk}/people/new/"
        self.assertContains(self.client.get(url), "Add a person at Harbor Dental")
        response = self.client.post(
            url,
            {"name": "Sam Lee", "email": "sam@harbor.example", "preferred_channel": "email"},
            follow=True,
        )
        sam = Contact.objects.get(name="Sam Lee")
        self.assertRedirects(response, f"/contacts/{sam.pk}/")
        self.assertContains(response, "Added Sam Lee to Harbor Dental.")
        self.assertEqual(sam.client, self.harbor)
        self.assertTrue(AuditEvent.objects.filter(action="contact.create").exists())

    def test_it_keeps_what_was_typed_when_there_are_errors(self) -> None:
        response = self.client.post(
            f"/clients/{self.harbor.pk}/people/new/",
            {
                "name": "Sam Lee",
                "email": "not-an-email",
                "other_emails": "ok@example.com\nnope",
                "role": "Dentist",
                "preferred_channel": "email",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error-summary"')
        self.assertContains(response, "Enter a valid email address.")
        self.assertContains(response, "“nope” is not an email address")
        self.assertContains(response, 'value="Dentist"')
        self.assertContains(response, 'value="not-an-email"')
        self.assertFalse(Contact.objects.filter(name="Sam Lee").exists())

    def test_it_edits_a_person(self) -> None:
        url = f"/contacts/{self.lena.pk}/edit/"
        self.assertContains(self.client.get(url), 'value="Lena Ortiz"')
        data = {"name": "Lena Ortiz-Ray", "preferred_channel": "text", "email": ""}
        response = self.client.post(url, data)
        self.assertRedirects(response, f"/contacts/{self.lena.pk}/")
        self.lena.refresh_from_db()
        self.assertEqual(self.lena.name, "Lena Ortiz-Ray")
        self.assertEqual(self.lena.preferred_channel, "text")

    def test_it_says_what_deleting_a_person_loses(self) -> None:
        url = f"/contacts/{self.lena.pk}/delete/"
        response = self.client.get(url)
        self.assertContains(response, "Delete Lena Ortiz?")
        self.assertContains(response, "1 personal fact")
        self.assertContains(response, "1 important date")
        self.assertTrue(Contact.objects.filter(pk=self.lena.pk).exists())
        deleted = self.client.post(url, follow=True)
        self.assertRedirects(deleted, f"/clients/{self.harbor.pk}/#people")
        self.assertContains(deleted, "Deleted Lena Ortiz.")
        self.assertFalse(Contact.objects.filter(pk=self.lena.pk).exists())
        self.assertFalse(PersonalFact.objects.filter(pk=self.fact.pk).exists())

    def test_it_refuses_a_viewer(self) -> None:
        self.login(self.victor)
        for url in (
            f"/clients/{self.harbor.pk}/people/new/",
            f"/contacts/{self.lena.pk}/edit/",
            f"/contacts/{self.lena.pk}/delete/",
        ):
            self.assertEqual(self.client.get(url).status_code, 403, url)
            self.assertEqual(self.client.post(url, {"name": "X"}).status_code, 403, url)
        self.assertTrue(Contact.objects.filter(pk=self.lena.pk, name="Lena Ortiz").exists())


class FactViewTests(ContactTestCase):
    def fact_data(self, prefix: str = "fact", **changes: str) -> dict[str, str]:
        data = {"category": "diet", "text": "Gone vegan", "date": "", "follow_up_on": ""}
        data.update(changes)
        return {f"{prefix}-{k}": v for k, v in data.items()}

    def test_it_adds_a_fact_in_place_with_a_toast(self) -> None:
        response = self.client.post(
            f"/contacts/{self.lena.pk}/facts/new/", self.fact_data(), headers=HTMX
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.toast(response), "Saved")
        self.assertEqual(response["HX-Retarget"], "#facts")
        self.assertTrue(response.text.startswith('<section id="facts"'))
        self.assertContains(response, "Gone vegan")
        self.assertContains(response, "Knee operation next Tuesday")
        self.assertTrue(PersonalFact.objects.filter(text="Gone vegan", contact=self.lena))
        self.assertTrue(AuditEvent.objects.filter(action="personal_fact.create").exists())

    def test_it_adds_a_fact_with_a_plain_post(self) -> None:
        response = self.client.post(
            f"/contacts/{self.lena.pk}/facts/new/", self.fact_data(), follow=True
        )
        self.assertRedirects(response, f"/contacts/{self.lena.pk}/#facts")
        self.assertContains(response, "Saved.")
        self.assertContains(response, "Gone vegan")

    def test_it_keeps_the_typed_fact_when_it_is_refused(self) -> None:
        data = self.fact_data(category="gossip", follow_up_on="not a date")
        response = self.client.post(f"/contacts/{self.lena.pk}/facts/new/", data, headers=HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("HX-Trigger", response)
        self.assertContains(response, 'class="error-summary"')
        self.assertContains(response, "Select a valid choice.")
        self.assertContains(response, "Enter a valid date.")
        self.assertContains(response, 'value="Gone vegan"')
        self.assertContains(response, "<details open>")
        self.assertFalse(PersonalFact.objects.filter(text="Gone vegan").exists())

    def test_it_shows_a_full_page_form_without_htmx(self) -> None:
        response = self.client.post(f"/contacts/{self.lena.pk}/facts/new/", self.fact_data(text=""))
        self.assertContains(response, "<title>Remember something about Lena Ortiz · Keepwarm")
        self.assertContains(response, 'class="error-summary"')

    def test_it_edits_a_fact_in_place(self) -> None:
        url = f"/facts/{self.fact.pk}/edit/"
        form = self.client.get(url, headers=HTMX)
        self.assertTrue(form.text.startswith(f'<div id="fact-{self.fact.pk}" role="listitem">'))
        self.assertContains(form, 'value="Knee operation next Tuesday"')
        self.assertContains(form, f'hx-select="#fact-{self.fact.pk}"')
        prefix = f"fact-{self.fact.pk}"
        data = self.fact_data(prefix, category="health", text="Knee operation went well")
        response = self.client.post(url, data, headers=HTMX)
        self.assertEqual(self.toast(response), "Saved")
        self.assertEqual(response["HX-Retarget"], "#facts")
        self.assertContains(response, "Knee operation went well")
        self.fact.refresh_from_db()
        self.assertEqual(self.fact.text, "Knee operation went well")
        self.assertIsNone(self.fact.follow_up_on)

    def test_it_keeps_an_edit_in_its_row_when_it_is_refused(self) -> None:
        prefix = f"fact-{self.fact.pk}"
        response = self.client.post(
            f"/facts/{self.fact.pk}/edit/",
            self.fact_data(prefix, text="", date="2026-13-01"),
            headers=HTMX,
        )
        self.assertTrue(response.text.startswith(f'<div id="fact-{self.fact.pk}" role="listitem">'))
        self.assertContains(response, "This field is required.")
        self.assertContains(response, 'value="2026-13-01"')
        self.assertNotIn("HX-Trigger", response)

    def test_it_edits_a_fact_on_its_own_page_without_htmx(self) -> None:
        url = f"/facts/{self.fact.pk}/edit/"
        self.assertContains(self.client.get(url), "Edit a fact about Lena Ortiz")
        prefix = f"fact-{self.fact.pk}"
        response = self.client.post(url, self.fact_data(prefix, text="Recovering well"))
        self.assertRedirects(
            response, f"/contacts/{self.lena.pk}/#facts", fetch_redirect_response=False
        )

    def test_it_confirms_then_deletes_a_fact(self) -> None:
        url = f"/facts/{self.fact.pk}/delete/"
        confirm = self.client.get(url)
        self.assertContains(confirm, "Forget this fact about Lena Ortiz?")
        self.assertContains(confirm, "“Knee operation next Tuesday”")
        self.assertTrue(PersonalFact.objects.filter(pk=self.fact.pk).exists())
        response = self.client.post(url, headers=HTMX)
        self.assertEqual(self.toast(response), "Deleted")
        self.assertNotContains(response, "Knee operation next Tuesday")
        self.assertFalse(PersonalFact.objects.filter(pk=self.fact.pk).exists())
        self.assertTrue(AuditEvent.objects.filter(action="personal_fact.delete").exists())

    def test_it_deletes_a_fact_with_a_plain_post(self) -> None:
        response = self.client.post(f"/facts/{self.fact.pk}/delete/")
        self.assertRedirects(
            response, f"/contacts/{self.lena.pk}/#facts", fetch_redirect_response=False
        )
        self.assertFalse(PersonalFact.objects.filter(pk=self.fact.pk).exists())


class DateViewTests(ContactTestCase):
    def date_data(self, prefix: str = "date", **changes: str) -> dict[str, str]:
        data = {"kind": "anniversary", "label": "Work anniversary", "date": "2019-09-01"}
        data.update(changes)
        return {f"{prefix}-{k}": v for k, v in data.items()}

    @time_machine.travel(TODAY, tick=False)
    def test_it_adds_a_date_in_place_with_its_next_occurrence(self) -> None:
        data = {**self.date_data(), "date-yearly": "on"}
        response = self.client.post(f"/contacts/{self.lena.pk}/dates/new/", data, headers=HTMX)
        self.assertEqual(self.toast(response), "Saved")
        self.assertEqual(response["HX-Retarget"], "#dates")
        self.assertContains(response, "Work anniversary")
        self.assertContains(response, "1 September</time>, every year")
        self.assertContains(response, ">on 1 Sep 2026</time>")
        day = ImportantDate.objects.get(label="Work anniversary")
        self.assertTrue(day.yearly)

    @time_machine.travel(TODAY, tick=False)
    def test_it_says_a_one_off_date_has_passed(self) -> None:
        data = self.date_data(kind="event", label="Clinic opening", date="2026-01-05")
        response = self.client.post(f"/contacts/{self.lena.pk}/dates/new/", data, headers=HTMX)
        self.assertFalse(ImportantDate.objects.get(label="Clinic opening").yearly)
        self.assertContains(response, "5 January 2026</time>")
        self.assertContains(response, '<span class="muted">Passed</span>')

    def test_it_keeps_the_typed_date_when_it_is_refused(self) -> None:
        data = self.date_data(date="", label="Wedding")
        response = self.client.post(f"/contacts/{self.lena.pk}/dates/new/", data, headers=HTMX)
        self.assertContains(response, "This field is required.")
        self.assertContains(response, 'value="Wedding"')
        self.assertNotIn("HX-Trigger", response)

    def test_it_edits_a_date_in_place(self) -> None:
        url = f"/dates/{self.day.pk}/edit/"
        form = self.client.get(url, headers=HTMX)
        self.assertTrue(form.text.startswith(f'<div id="date-{self.day.pk}" role="listitem">'))
        self.assertContains(form, 'value="1984-06-13"')
        data = self.date_data(f"date-{self.day.pk}", kind="birthday", label="", date="1984-06-14")
        response = self.client.post(url, data, headers=HTMX)
        self.assertEqual(self.toast(response), "Saved")
        self.day.refresh_from_db()
        self.assertEqual(self.day.date, dt.date(1984, 6, 14))
        self.assertFalse(self.day.yearly)

    def test_it_confirms_then_deletes_a_date(self) -> None:
        url = f"/dates/{self.day.pk}/delete/"
        self.assertContains(self.client.get(url), "Delete this date for Lena Ortiz?")
        response = self.client.post(url, headers=HTMX)
        self.assertEqual(self.toast(response), "Deleted")
        self.assertFalse(ImportantDate.objects.filter(pk=self.day.pk).exists())
        self.assertContains(response, "No dates yet.")
