"""The portal's own isolation matrix: a link for client A never shows client B's anything."""

from __future__ import annotations

from django.urls import reverse

from keepwarm.clients.models import Client
from keepwarm.portal.tests.helpers import make_portal_client, open_portal
from keepwarm.reports.models import StatusReport
from keepwarm.testing import BaseTestCase


class PortalIsolationTests(BaseTestCase):
    def setUp(self) -> None:
        self.a, self.secret_a = make_portal_client(self, "Alpha Dental")
        self.b, self.secret_b = make_portal_client(self, "Bravo Bakery")
        self.c, self.secret_c = make_portal_client(
            self, "Charlie Client", workspace=self.charlies_workspace
        )

    def _pages(self, client_row: Client) -> list[str]:
        report = StatusReport.objects.get(client=client_row, state="sent")
        return [reverse("portal_home"), reverse("portal_report", args=[report.pk])]

    def test_a_link_for_a_never_shows_b_or_another_workspace(self) -> None:
        open_portal(self, self.secret_a)
        own = self._pages(self.a)
        for url in own:
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200, url)
            text = page.content.decode()
            for other in ("Bravo Bakery", "Charlie Client", "SECRET NOTE", "PRIVATE FACT"):
                self.assertNotIn(other, text, url)
        for foreign in (self.b, self.c):
            for url in self._pages(foreign):
                if url == reverse("portal_home"):
                    continue
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404, url)
                self.assertNotIn(foreign.name, response.content.decode())

    def test_every_portal_page_and_method_shows_nothing_of_b_or_c(self) -> None:
        """The matrix: each client-facing route, GET and POST, with A's link and B's ids."""
        from keepwarm.portal.urls import urlpatterns

        open_portal(self, self.secret_a)
        report_b = StatusReport.objects.get(client=self.b, state="sent")
        goal_b = self.b.goals.get()
        checked = 0
        for pattern in urlpatterns:
            name = pattern.name or ""
            if not name.startswith("portal_") or name in ("portal_link", "portal_link_revoke"):
                continue
            special: dict[str, dict[str, object]] = {
                "portal_open": {"token": self.secret_a},
                "portal_report": {"report_id": report_b.pk},
            }
            kwargs = special.get(name, {})
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                response = getattr(self.client, method)(
                    url, {"goal": goal_b.pk, "text": "Hello", "score": 9}
                )
                text = response.content.decode()
                for other in (self.b, self.c):
                    self.assertNotIn(other.name, text, f"{method} {name}")
                self.assertNotIn("SECRET NOTE", text, f"{method} {name}")
                self.assertNotIn("PRIVATE FACT", text, f"{method} {name}")
                self.assertEqual(response["Cache-Control"], "no-store", f"{method} {name}")
                checked += 1
        self.assertGreaterEqual(checked, 12)
        # Nothing landed on B's or C's record.
        self.assertEqual(self.b.portal_concerns.count() + self.c.portal_concerns.count(), 0)
        self.assertFalse(goal_b.portal_comments.exists())

    def test_forms_on_a_cannot_touch_b(self) -> None:
        open_portal(self, self.secret_a)
        goal_b = self.b.goals.get()
        response = self.client.post(
            reverse("portal_goal_comment"), {"goal": goal_b.pk, "text": "Hello"}
        )
        self.assertEqual(response.status_code, 404)
        self.client.post(reverse("portal_concern"), {"text": "About my order"})
        self.assertEqual(self.b.portal_concerns.count(), 0)
        self.assertEqual(self.a.portal_concerns.count(), 1)

    def test_a_team_session_does_not_open_the_portal(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("portal_home")).status_code, 404)

    def test_a_forged_cookie_is_a_404(self) -> None:
        self.client.cookies["kw_portal"] = str(self.b.portal_tokens.get().pk)
        self.assertEqual(self.client.get(reverse("portal_home")).status_code, 404)
