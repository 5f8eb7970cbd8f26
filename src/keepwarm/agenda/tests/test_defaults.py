from __future__ import annotations

from django.core.exceptions import ValidationError

from keepwarm.accounts.models import AuditEvent
from keepwarm.accounts.services import workspace_update
from keepwarm.clients.models import Client
from keepwarm.clients.services import client_create
from keepwarm.testing import BaseTestCase


class WorkspaceDefaultsTests(BaseTestCase):
    """Each client has its own check-in cadence and reply target; new ones start from defaults."""

    def set_defaults(self, hours: int, days: int) -> None:
        workspace_update(
            membership=self.alice_m,
            name="Alice's Studio",
            time_zone="UTC",
            allow_signups=False,
            default_response_target_hours=hours,
            default_check_in_every_days=days,
        )

    def test_owners_set_the_defaults_and_it_is_audited(self) -> None:
        self.set_defaults(8, 30)
        self.workspace.refresh_from_db()
        self.assertEqual(self.workspace.default_response_target_hours, 8)
        self.assertEqual(self.workspace.default_check_in_every_days, 30)
        event = AuditEvent.objects.get(action="workspace.update")
        self.assertEqual(event.changes["default_check_in_every_days"], [14, 30])

    def test_it_refuses_defaults_out_of_range(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.set_defaults(0, 400)
        self.assertEqual(
            set(caught.exception.message_dict),
            {"default_response_target_hours", "default_check_in_every_days"},
        )

    def test_a_new_client_takes_the_defaults_unless_given_its_own(self) -> None:
        self.set_defaults(4, 7)
        self.alice_m.refresh_from_db()
        plain = client_create(membership=self.alice_m, name="Harbor Dental")
        own = client_create(
            membership=self.alice_m,
            name="Crumb Bakery",
            response_target_hours=48,
            check_in_every_days=30,
        )
        self.assertEqual((plain.response_target_hours, plain.check_in_every_days), (4, 7))
        self.assertEqual((own.response_target_hours, own.check_in_every_days), (48, 30))

    def test_the_settings_page_shows_and_saves_the_defaults(self) -> None:
        self.login(self.alice)
        page = self.client.get("/settings/workspace/")
        self.assertContains(page, "New clients: reply within (hours)")
        self.assertContains(page, "New clients: check in every (days)")
        response = self.client.post(
            "/settings/workspace/",
            {
                "name": "Alice's Studio",
                "time_zone": "UTC",
                "default_response_target_hours": "12",
                "default_check_in_every_days": "21",
            },
        )
        self.assertRedirects(response, "/settings/workspace/")
        self.workspace.refresh_from_db()
        self.assertEqual(self.workspace.default_response_target_hours, 12)

    def test_the_client_form_starts_from_the_defaults_and_the_api_too(self) -> None:
        self.set_defaults(6, 10)
        self.login(self.alice)
        page = self.client.get("/clients/new/")
        self.assertContains(page, 'name="response_target_hours" value="6"')
        self.assertContains(page, 'name="check_in_every_days" value="10"')
        response = self.client.post(
            "/api/clients",
            data={"name": "Via the API"},
            content_type="application/json",
            headers=self.api_headers(self.alice),
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["response_target_hours"], 6)
        client = Client.objects.get(name="Via the API")
        self.assertEqual(client.check_in_every_days, 10)
