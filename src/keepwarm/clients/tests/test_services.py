"""The client record's services: audited writes, validation, workspace walls."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients import services
from keepwarm.clients.models import Client, Contact, Goal, ImportantDate, PersonalFact
from keepwarm.testing import BaseTestCase


class ServiceTestCase(BaseTestCase):
    harbor: Client
    lena: Contact
    charlies_client: Client
    charlies_contact: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = services.client_create(membership=cls.alice_m, name="Harbor Dental")
        cls.lena = services.contact_create(
            membership=cls.alice_m, client=cls.harbor, name="Lena Ortiz"
        )
        cls.charlies_client = services.client_create(membership=cls.charlie_m, name="Other Co")
        cls.charlies_contact = services.contact_create(
            membership=cls.charlie_m, client=cls.charlies_client, name="Olga"
        )

    def audit(self, action: str) -> AuditEvent:
        event = AuditEvent.objects.filter(action=action).order_by("-pk").first()
        assert event is not None, f"no {action} audit row"
        return event


class ClientServiceTests(ServiceTestCase):
    def test_it_creates_a_client_and_audits_it(self) -> None:
        client = services.client_create(
            membership=self.bob_m,
            name="Bakery Bloom",
            industry="Bakery",
            owner=self.bob,
            annual_value=Decimal("1200.50"),
            report_time=dt.time(9, 30),
        )
        self.assertEqual(client.workspace, self.workspace)
        event = self.audit("client.create")
        self.assertEqual(event.actor, self.bob)
        self.assertEqual(event.workspace, self.workspace)
        self.assertEqual(event.object_id, str(client.pk))
        self.assertEqual(event.changes["name"], "Bakery Bloom")
        self.assertEqual(event.changes["owner"], self.bob.pk)

    def test_it_refuses_a_client_without_a_name(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.client_create(membership=self.alice_m, name="")
        self.assertIn("name", caught.exception.message_dict)
        self.assertFalse(Client.objects.filter(name="").exists())

    def test_it_refuses_a_bad_website(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.client_create(membership=self.alice_m, name="X", website="not a url")
        self.assertIn("website", caught.exception.message_dict)

    def test_it_refuses_an_owner_from_another_workspace(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.client_create(membership=self.alice_m, name="X", owner=self.charlie)
        self.assertIn("owner", caught.exception.message_dict)

    def test_it_refuses_a_referral_from_another_workspace(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.client_update(
                membership=self.alice_m, client=self.harbor, referred_by=self.charlies_client
            )
        self.assertIn("referred_by", caught.exception.message_dict)

    def test_it_refuses_a_client_referring_itself(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.client_update(
                membership=self.alice_m, client=self.harbor, referred_by=self.harbor
            )
        self.assertIn("referred_by", caught.exception.message_dict)

    def test_it_refuses_a_viewer(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.client_create(membership=self.victor_m, name="Nope")

    def test_it_refuses_fields_it_does_not_know(self) -> None:
        with self.assertRaises(TypeError):
            services.client_create(membership=self.alice_m, name="X", workspace=self.workspace)

    def test_it_updates_only_what_changed_and_audits_the_change(self) -> None:
        services.client_update(
            membership=self.alice_m, client=self.harbor, name="Harbor Dental", status="paused"
        )
        self.harbor.refresh_from_db()
        self.assertEqual(self.harbor.status, "paused")
        event = self.audit("client.update")
        self.assertEqual(event.changes, {"status": ["active", "paused"]})

    def test_it_does_not_audit_an_update_that_changes_nothing(self) -> None:
        services.client_update(membership=self.alice_m, client=self.harbor, name="Harbor Dental")
        self.assertFalse(AuditEvent.objects.filter(action="client.update").exists())

    def test_it_deletes_a_client_with_their_people(self) -> None:
        services.client_delete(membership=self.alice_m, client=self.harbor)
        self.assertFalse(Client.objects.filter(pk=self.harbor.pk).exists())
        self.assertFalse(Contact.objects.filter(pk=self.lena.pk).exists())
        self.assertEqual(self.audit("client.delete").object_repr, "Harbor Dental")


class ContactServiceTests(ServiceTestCase):
    def test_it_adds_a_person_and_audits_it(self) -> None:
        contact = services.contact_create(
            membership=self.alice_m,
            client=self.harbor,
            name="Sam Lee",
            email="sam@example.com",
            other_emails="sam.lee@example.org",
        )
        self.assertEqual(contact.all_emails, ["sam@example.com", "sam.lee@example.org"])
        event = self.audit("contact.create")
        self.assertEqual(event.changes["client"], self.harbor.pk)

    def test_it_refuses_a_bad_email(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.contact_create(
                membership=self.alice_m, client=self.harbor, name="Sam", email="nope"
            )
        self.assertIn("email", caught.exception.message_dict)

    def test_it_refuses_a_client_of_another_workspace(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.contact_create(
                membership=self.alice_m, client=self.charlies_client, name="Sneaky"
            )
        self.assertIn("client", caught.exception.message_dict)
        self.assertFalse(Contact.objects.filter(name="Sneaky").exists())

    def test_it_refuses_moving_a_person_to_another_workspace(self) -> None:
        with self.assertRaises(ValidationError):
            services.contact_update(
                membership=self.alice_m, contact=self.lena, client=self.charlies_client
            )

    def test_it_updates_and_audits_a_person(self) -> None:
        services.contact_update(membership=self.alice_m, contact=self.lena, role="Office manager")
        self.assertEqual(self.audit("contact.update").changes, {"role": ["", "Office manager"]})

    def test_it_deletes_a_person_with_their_facts_and_dates(self) -> None:
        fact = services.fact_create(
            membership=self.alice_m, contact=self.lena, category="diet", text="Vegan"
        )
        services.contact_delete(membership=self.alice_m, contact=self.lena)
        self.assertFalse(PersonalFact.objects.filter(pk=fact.pk).exists())
        self.assertEqual(self.audit("contact.delete").object_repr, "Lena Ortiz")

    def test_it_refuses_a_viewer(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.contact_update(membership=self.victor_m, contact=self.lena, name="X")


class FactServiceTests(ServiceTestCase):
    def test_it_creates_updates_and_deletes_a_fact_with_audit_rows(self) -> None:
        fact = services.fact_create(
            membership=self.alice_m,
            contact=self.lena,
            category="health",
            text="Knee operation",
            date=dt.date(2026, 12, 1),
            follow_up_on=dt.date(2026, 12, 8),
        )
        self.assertEqual(self.audit("personal_fact.create").changes["text"], "Knee operation")
        services.fact_update(membership=self.alice_m, fact=fact, text="Knee operation went well")
        self.assertEqual(
            self.audit("personal_fact.update").changes,
            {"text": ["Knee operation", "Knee operation went well"]},
        )
        services.fact_delete(membership=self.alice_m, fact=fact)
        self.assertFalse(PersonalFact.objects.filter(pk=fact.pk).exists())
        self.audit("personal_fact.delete")

    def test_it_refuses_an_unknown_category(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.fact_create(
                membership=self.alice_m, contact=self.lena, category="gossip", text="x"
            )
        self.assertIn("category", caught.exception.message_dict)

    def test_it_refuses_a_contact_of_another_workspace(self) -> None:
        with self.assertRaises(ValidationError):
            services.fact_create(
                membership=self.alice_m,
                contact=self.charlies_contact,
                category="diet",
                text="x",
            )


class DateServiceTests(ServiceTestCase):
    def test_it_creates_updates_and_deletes_a_date_with_audit_rows(self) -> None:
        day = services.date_create(
            membership=self.alice_m, contact=self.lena, kind="birthday", date=dt.date(1980, 3, 4)
        )
        self.audit("important_date.create")
        services.date_update(membership=self.alice_m, day=day, yearly=False, label="Party")
        self.assertEqual(
            self.audit("important_date.update").changes,
            {"yearly": [True, False], "label": ["", "Party"]},
        )
        services.date_delete(membership=self.alice_m, day=day)
        self.assertFalse(ImportantDate.objects.filter(pk=day.pk).exists())
        self.audit("important_date.delete")

    def test_it_refuses_a_date_without_a_day(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.date_create(membership=self.alice_m, contact=self.lena, kind="birthday")
        self.assertIn("date", caught.exception.message_dict)

    def test_it_refuses_a_contact_of_another_workspace(self) -> None:
        with self.assertRaises(ValidationError):
            services.date_create(
                membership=self.alice_m,
                contact=self.charlies_contact,
                kind="birthday",
                date=dt.date(1980, 1, 1),
            )

    def test_it_finds_the_next_occurrence(self) -> None:
        day = ImportantDate(date=dt.date(1980, 3, 4), yearly=True)
        self.assertEqual(day.next_occurrence(dt.date(2026, 3, 1)), dt.date(2026, 3, 4))
        self.assertEqual(day.next_occurrence(dt.date(2026, 3, 5)), dt.date(2027, 3, 4))
        once = ImportantDate(date=dt.date(2026, 3, 4), yearly=False)
        self.assertIsNone(once.next_occurrence(dt.date(2026, 3, 5)))


class GoalServiceTests(ServiceTestCase):
    def test_it_creates_updates_and_deletes_a_goal_with_audit_rows(self) -> None:
        goal = services.goal_create(
            membership=self.alice_m, client=self.harbor, text="More bookings", priority=1
        )
        self.audit("goal.create")
        services.goal_update(membership=self.alice_m, goal=goal, status="achieved")
        self.assertEqual(self.audit("goal.update").changes, {"status": ["active", "achieved"]})
        services.goal_delete(membership=self.alice_m, goal=goal)
        self.assertFalse(Goal.objects.filter(pk=goal.pk).exists())
        self.audit("goal.delete")

    def test_it_refuses_an_unknown_status(self) -> None:
        goal = services.goal_create(membership=self.alice_m, client=self.harbor, text="Grow")
        with self.assertRaises(ValidationError) as caught:
            services.goal_update(membership=self.alice_m, goal=goal, status="someday")
        self.assertIn("status", caught.exception.message_dict)

    def test_it_refuses_a_client_of_another_workspace(self) -> None:
        with self.assertRaises(ValidationError):
            services.goal_create(membership=self.alice_m, client=self.charlies_client, text="x")

    def test_it_refuses_a_viewer(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.goal_create(membership=self.victor_m, client=self.harbor, text="x")


class ClientTimeZoneTests(BaseTestCase):
    def test_it_refuses_an_unknown_report_time_zone(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.client_create(
                membership=self.alice_m, name="Harbor", report_time_zone="Mars/Olympus"
            )
        self.assertIn("report_time_zone", caught.exception.message_dict)
        self.assertFalse(Client.objects.filter(name="Harbor").exists())
