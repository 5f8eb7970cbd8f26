from __future__ import annotations

import re
from typing import Any

from keepwarm.accounts.models import AuditEvent, Membership, Role, User
from keepwarm.clients import services as clients
from keepwarm.clients.models import Client
from keepwarm.testing import PASSWORD, BaseTestCase
from keepwarm.trust.models import TrustSettings, TrustSnapshot
from keepwarm.trust.services import workspace_today
from keepwarm.trust.tests.test_views_panel import called

DEFAULTS = {
    "weight_responsiveness": "25",
    "weight_promise_reliability": "25",
    "weight_contact_recency": "20",
    "weight_sentiment": "15",
    "weight_personal_touch": "15",
    "weight_update_consistency": "15",
    "weight_feedback": "15",
    "cool_from": "20",
    "warming_from": "40",
    "warm_from": "60",
    "close_from": "80",
}


class TrustSettingsPageTests(BaseTestCase):
    harbor: Client
    manager: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = clients.client_create(membership=cls.alice_m, name="Harbor Dental")
        called(cls.alice_m, cls.harbor)  # 57.1 with the default weights: Warming
        cls.manager = User.objects.create_user("mia@example.org", PASSWORD, name="Mia Manager")
        Membership.objects.create(user=cls.manager, workspace=cls.workspace, role=Role.MANAGER)

    def post(self, **changes: str) -> Any:
        return self.client.post("/settings/trust/", {**DEFAULTS, **changes})

    def test_it_shows_every_weight_and_threshold_with_a_hint(self) -> None:
        self.login(self.alice)
        response = self.client.get("/settings/trust/")
        self.assertEqual(response.status_code, 200)
        html = response.text
        for name, value in DEFAULTS.items():
            self.assertRegex(html, rf'<input type="number" name="{name}" value="{value}"')
            self.assertIn(f'id="id_{name}_helptext"', html)
        self.assertIn("Promises due in the last 180 days", html)
        self.assertIn("The lowest score that counts as Warm.", html)
        self.assertIn('<label for="id_weight_personal_touch">Personal touch and value-add', html)
        # Looking does not write: the defaults are stored only when someone saves.
        self.assertFalse(TrustSettings.objects.exists())

    def test_it_lets_managers_in_and_keeps_members_and_viewers_out(self) -> None:
        self.login(self.manager)
        self.assertEqual(self.client.get("/settings/trust/").status_code, 200)
        self.assertIn('href="/settings/trust/"', self.client.get("/insights/").text)
        for user in (self.bob, self.victor):
            self.login(user)
            self.assertEqual(self.client.get("/settings/trust/").status_code, 403)
            self.assertEqual(self.post(warm_from="55").status_code, 403)
            self.assertNotIn('href="/settings/trust/"', self.client.get("/clients/").text)
        self.assertFalse(TrustSettings.objects.exists())

    def test_it_links_from_the_user_menu_for_owners(self) -> None:
        self.login(self.alice)
        menu = re.search(
            r'<details class="user-menu">.*?</details>', self.client.get("/clients/").text, re.S
        )
        assert menu is not None
        self.assertIn('<a href="/settings/trust/">Trust settings</a>', menu.group(0))

    def test_it_saves_audits_and_recomputes_todays_scores(self) -> None:
        self.login(self.alice)
        self.client.get("/clients/")  # stores today's snapshot with the defaults
        day = workspace_today(self.workspace)
        self.assertEqual(TrustSnapshot.objects.get(client=self.harbor, day=day).band, "warming")
        response = self.post(warm_from="50", weight_personal_touch="0")
        self.assertRedirects(response, "/settings/trust/", fetch_redirect_response=False)
        settings = TrustSettings.objects.get(workspace=self.workspace)
        self.assertEqual((settings.warm_from, settings.weight_personal_touch), (50, 0))
        event = AuditEvent.objects.get(action="trust_settings.update")
        self.assertEqual(event.actor, self.alice)
        # Contact recency alone is too little: not enough history any more.
        snap = TrustSnapshot.objects.get(client=self.harbor, day=day)
        self.assertIsNone(snap.total)
        page = self.client.get("/settings/trust/").text
        self.assertIn("Trust settings saved.", page)
        self.assertRegex(page, r'name="warm_from" value="50"')

    def test_it_shows_the_services_errors_beside_the_fields_and_keeps_the_input(self) -> None:
        self.login(self.alice)
        response = self.post(warm_from="35", close_from="79")
        self.assertEqual(response.status_code, 400)
        html = response.text
        self.assertIn("There is a problem", html)
        self.assertIn(
            '<a href="#id_warm_from">Warm must start above where Warming starts (40).</a>', html
        )
        self.assertIn('<p class="field-error" id="id_warm_from_error">', html)
        self.assertRegex(html, r'name="warm_from" value="35"')
        self.assertRegex(html, r'name="close_from" value="79"')
        self.assertFalse(TrustSettings.objects.filter(warm_from=35).exists())

    def test_it_refuses_weights_that_leave_nothing(self) -> None:
        self.login(self.alice)
        zeros = {name: "0" for name in DEFAULTS if name.startswith("weight_")}
        response = self.post(**zeros)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Give at least one part of the score a weight above 0.", response.text)

    def test_it_checks_the_shape_of_numbers_itself(self) -> None:
        self.login(self.alice)
        response = self.post(weight_sentiment="lots", cool_from="101")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Enter a whole number.", response.text)
        self.assertIn("Ensure this value is less than or equal to 100.", response.text)
        self.assertRegex(response.text, r'name="weight_sentiment" value="lots"')
