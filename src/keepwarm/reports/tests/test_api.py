"""Tests for the reports API: list, read, create, update, schedule and send."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import time_machine
from django.core import mail

from keepwarm.reports.models import StatusReport
from keepwarm.reports.tests.helpers import DUE, JARGON, PLAIN, ReportFixtures
from keepwarm.testing import BaseTestCase

NOW = DUE + dt.timedelta(hours=2)


@time_machine.travel(NOW, tick=False)
class ReportApiTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def setUp(self) -> None:
        self.headers = self.api_headers(self.bob)

    def call(self, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return getattr(self.client, method)(
                url,
                data=json.dumps(body) if body is not None else None,
                content_type="application/json",
                headers=self.headers,
            )

    def test_it_creates_the_status_report_owed_and_reads_it_with_its_check(self) -> None:
        response = self.call("post", "/api/reports", {"client_id": self.harbor.pk})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["kind"], "status")
        self.assertEqual(body["period_start"], "2026-11-14")
        self.assertEqual(body["cadence"], "weekly")
        self.assertEqual(body["state"], "draft")
        self.assertTrue(body["is_no_change"])
        self.assertIn("reading_ease", body["plain_language"])
        again = self.call("post", "/api/reports", {"client_id": self.harbor.pk})
        self.assertEqual(again.json()["id"], body["id"])
        read = self.call("get", f"/api/reports/{body['id']}")
        self.assertEqual(read.status_code, 200)
        self.assertEqual(read.json()["plain_language"]["target"], 60)

    def test_it_creates_a_job_report(self) -> None:
        response = self.call(
            "post",
            "/api/reports",
            {
                "client_id": self.harbor.pk,
                "kind": "job",
                "wrong_md": "The tap dripped.",
                "did_md": "New washer.",
                "recommendations": [{"what": "Check the boiler", "due_on": "2027-01-15"}],
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["kind"], "job")
        self.assertEqual(
            body["recommendations"],
            [{"what": "Check the boiler", "due_on": "2027-01-15", "commitment_id": None}],
        )

    def test_it_refuses_a_job_report_without_its_parts(self) -> None:
        response = self.call("post", "/api/reports", {"client_id": self.harbor.pk, "kind": "job"})
        self.assertEqual(response.status_code, 422)
        locs = [e["loc"] for e in response.json()["detail"]]
        self.assertIn(["body", "wrong_md"], locs)

    def test_it_updates_the_text(self) -> None:
        report = self.draft()
        response = self.call(
            "patch", f"/api/reports/{report.pk}", {"body_markdown": PLAIN, "subject": "Our week"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["subject"], "Our week")
        response = self.call("patch", f"/api/reports/{report.pk}", {"done_md": "- Fixed the form"})
        body = response.json()
        self.assertIn("## What we did\n\n- Fixed the form", body["body_markdown"])
        # Work done: it is no longer a "no change" report.
        self.assertFalse(body["is_no_change"])
        self.assertEqual(body["subject"], "Our week")
        response = self.call("patch", f"/api/reports/{report.pk}", {"wrong_md": "x"})
        self.assertEqual(response.status_code, 422)

    def test_it_sends_once_and_needs_confirmation_below_target(self) -> None:
        report = self.draft(body_markdown=JARGON)
        url = f"/api/reports/{report.pk}/send"
        refused = self.call("post", url, {})
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(refused.json()["detail"][0]["loc"], ["body", "confirm_below_target"])
        sent = self.call("post", url, {"confirm_below_target": True})
        self.assertEqual(sent.status_code, 200, sent.content)
        body = sent.json()
        # Handed to the outbox; the email itself goes once the change is committed.
        self.assertEqual(body["state"], "sending")
        self.assertEqual(self.call("get", f"/api/reports/{report.pk}").json()["state"], "sent")
        self.assertTrue(body["sent_below_target"])
        self.assertTrue(body["message_id"].startswith("<kw."))
        self.assertIsNotNone(body["interaction_id"])
        self.assertEqual(len(mail.outbox), 1)
        again = self.call("post", url, {"confirm_below_target": True})
        self.assertEqual(again.status_code, 422)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_refuses_lax_booleans(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        response = self.call("post", f"/api/reports/{report.pk}/send", {"confirm_below_target": 1})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(mail.outbox, [])

    def test_it_schedules(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        response = self.call(
            "post", f"/api/reports/{report.pk}/schedule", {"at": "2026-11-23T09:00:00+01:00"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["state"], "scheduled")
        self.assertEqual(response.json()["scheduled_for"], "2026-11-23T08:00:00Z")
        past = self.call(
            "post", f"/api/reports/{report.pk}/schedule", {"at": "2026-11-01T09:00:00+00:00"}
        )
        self.assertEqual(past.status_code, 422)

    def test_it_lists_and_filters(self) -> None:
        self.draft()
        StatusReport.objects.create(
            workspace=self.workspace, client=self.harbor, kind="job", subject="Job", state="sent"
        )
        response = self.call("get", "/api/reports?kind=job")
        self.assertEqual(response.json()["count"], 1)
        response = self.call("get", f"/api/reports?client_id={self.harbor.pk}&state=draft")
        self.assertEqual(response.json()["count"], 1)
        self.assertEqual(self.call("get", "/api/reports?colour=red").status_code, 422)
        with self.assertNumQueries(4):  # token, membership, count, page
            self.call("get", "/api/reports")

    def test_clients_and_contacts_carry_their_report_settings(self) -> None:
        response = self.call("patch", f"/api/contacts/{self.sam.pk}", {"receives_reports": True})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertTrue(response.json()["receives_reports"])
        response = self.call(
            "patch", f"/api/clients/{self.harbor.pk}", {"report_auto_send_no_change": True}
        )
        self.assertTrue(response.json()["report_auto_send_no_change"])
        refused = self.call("patch", f"/api/contacts/{self.sam.pk}", {"receives_reports": 1})
        self.assertEqual(refused.status_code, 422)

    def test_a_viewer_may_read_but_not_write(self) -> None:
        report = self.draft()
        self.headers = self.api_headers(self.victor)
        self.assertEqual(self.call("get", f"/api/reports/{report.pk}").status_code, 200)
        self.assertEqual(self.call("post", f"/api/reports/{report.pk}/send", {}).status_code, 403)
