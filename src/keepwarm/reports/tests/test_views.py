"""Tests for the reports pages: the list, the review screen, job reports, the settings."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.tests.backends import SCRIPTED, ScriptedBackend
from keepwarm.reports.models import ReportSettings, ReportState, StatusReport
from keepwarm.reports.tests.helpers import CREATED, DUE, JARGON, PLAIN, ReportFixtures
from keepwarm.testing import BaseTestCase

NOW = DUE + dt.timedelta(hours=2)
HTMX = {"HX-Request": "true"}


@time_machine.travel(NOW, tick=False)
class ReportListTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def test_it_shows_how_to_start_when_there_are_no_reports(self) -> None:
        Client.objects.filter(pk=self.harbor.pk).update(report_cadence="none")
        self.login(self.alice)
        response = self.client.get("/reports/")
        self.assertContains(response, "No reports yet")
        self.assertContains(response, "Edit details")
        self.assertContains(response, 'href="/reports/settings/"')
        self.assertContains(response, 'aria-current="page">Reports</a>')

    def test_it_lists_due_reports_first(self) -> None:
        sent = self.draft(state=ReportState.SENT, sent_at=DUE - dt.timedelta(days=7))
        StatusReport.objects.filter(pk=sent.pk).update(period_start=dt.date(2026, 11, 7))
        self.login(self.bob)
        response = self.client.get("/reports/")
        self.assertContains(response, "Due now")
        self.assertContains(
            response,
            "Harbor Dental: the report for Saturday 14 November to Friday 20 November",
        )
        self.assertContains(response, "no draft yet")
        self.assertContains(response, "Recently sent")
        text = response.content.decode()
        self.assertLess(text.index("Due now"), text.index("Recently sent"))

    def test_it_filters_and_answers_htmx_with_the_results_only(self) -> None:
        self.draft()
        other = Client.objects.create(
            workspace=self.workspace, name="Crumb Bakery", created_at=CREATED
        )
        StatusReport.objects.create(
            workspace=self.workspace, client=other, kind="job", subject="Oven report"
        )
        self.login(self.bob)
        response = self.client.get("/reports/?kind=job", headers=HTMX)
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Oven report")
        self.assertNotContains(response, "Harbor Dental")
        response = self.client.get("/reports/?state=draft&q=crumb")
        self.assertContains(response, "1 draft report")
        self.assertContains(response, "Oven report")

    def test_it_uses_a_fixed_number_of_queries(self) -> None:
        self.login(self.bob)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get("/reports/").status_code, 200)
            return len(queries)

        count()  # the first request of a session does a little more
        small = count()
        for number in range(8):
            client = Client.objects.create(
                workspace=self.workspace,
                name=f"Client {number}",
                report_cadence="weekly",
                created_at=CREATED,
            )
            StatusReport.objects.create(
                workspace=self.workspace,
                client=client,
                kind="job",
                subject=f"Job {number}",
                state=ReportState.SENT if number % 2 else ReportState.DRAFT,
                sent_at=NOW,
            )
        with self.assertNumQueries(small):
            self.client.get("/reports/")
        with self.assertNumQueries(small + 1):  # the search looks up its clients
            self.client.get("/reports/?q=client")


@time_machine.travel(NOW, tick=False)
class ReviewTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def post(self, url: str, data: dict[str, Any]) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data)

    def test_it_shows_the_draft_with_the_check_and_preview(self) -> None:
        report = self.draft(body_markdown=JARGON)
        self.login(self.bob)
        response = self.client.get(f"/reports/{report.pk}/")
        self.assertContains(response, "Weekly report for Harbor Dental")
        self.assertContains(response, 'hx-post="/writing/check/"')
        self.assertContains(response, "below this client's target of 60")
        self.assertContains(response, '<mark class="plain-word"')
        self.assertContains(response, "Goes to: Dr Lena Ortiz")
        self.assertContains(response, "Send report now")

    def test_it_saves_edits(self) -> None:
        report = self.draft()
        self.login(self.bob)
        response = self.client.post(
            f"/reports/{report.pk}/", {"subject": "Our week", "body_markdown": PLAIN}
        )
        self.assertRedirects(response, f"/reports/{report.pk}/")
        report.refresh_from_db()
        self.assertEqual(report.subject, "Our week")
        self.assertEqual(report.body_markdown, PLAIN)
        self.assertTrue(AuditEvent.objects.filter(action="report.update").exists())

    def test_it_keeps_what_was_typed_when_it_refuses(self) -> None:
        report = self.draft()
        self.login(self.bob)
        response = self.client.post(
            f"/reports/{report.pk}/", {"subject": "  ", "body_markdown": "My words"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Give the email a subject.", status_code=400)
        self.assertContains(response, "My words", status_code=400)

    def test_it_asks_before_sending_below_target_then_sends(self) -> None:
        report = self.draft()
        self.login(self.bob)
        data = {"subject": report.subject, "body_markdown": JARGON}
        response = self.post(f"/reports/{report.pk}/send/", data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Send it below the target?", status_code=400)
        self.assertContains(response, "synergies", status_code=400)
        self.assertEqual(mail.outbox, [])
        # What was typed was kept.
        report.refresh_from_db()
        self.assertEqual(report.body_markdown, JARGON)

        response = self.post(f"/reports/{report.pk}/send/", {**data, "confirm_below_target": "1"})
        self.assertRedirects(response, f"/reports/{report.pk}/")
        self.assertEqual(len(mail.outbox), 1)
        report.refresh_from_db()
        self.assertTrue(report.sent_below_target)
        page = self.client.get(f"/reports/{report.pk}/")
        self.assertContains(page, "below Harbor Dental's target of 60")
        self.assertContains(page, "See it on Harbor Dental's timeline")

    def test_it_sends_and_the_timeline_shows_it(self) -> None:
        report = self.draft()
        self.login(self.bob)
        self.post(f"/reports/{report.pk}/send/", {"subject": "Our week", "body_markdown": PLAIN})
        self.assertEqual(len(mail.outbox), 1)
        timeline = self.client.get(f"/clients/{self.harbor.pk}/")
        self.assertContains(timeline, "Our week")
        self.assertContains(timeline, "Last sent:")

    def test_it_schedules_in_the_members_zone(self) -> None:
        self.bob.time_zone = "America/New_York"
        self.bob.save()
        report = self.draft(body_markdown=PLAIN)
        self.login(self.bob)
        response = self.client.post(
            f"/reports/{report.pk}/schedule/",
            {
                "subject": report.subject,
                "body_markdown": PLAIN,
                "scheduled_for": "2026-11-23T09:00",
            },
        )
        self.assertRedirects(response, f"/reports/{report.pk}/")
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.SCHEDULED)
        self.assertEqual(report.scheduled_for, dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC))
        page = self.client.get(f"/reports/{report.pk}/")
        self.assertContains(page, "Take it off the schedule")
        self.client.post(f"/reports/{report.pk}/unschedule/")
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.DRAFT)

    def test_it_refuses_a_time_in_the_past(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        self.login(self.bob)
        response = self.client.post(
            f"/reports/{report.pk}/schedule/", {"scheduled_for": "2026-11-01T09:00"}
        )
        self.assertContains(response, "Choose a time in the future", status_code=400)

    def test_it_rebuilds_a_draft(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        self.log(DUE - dt.timedelta(days=1), "New booking page", is_progress=True)
        self.login(self.bob)
        self.client.post(f"/reports/{report.pk}/rebuild/")
        report.refresh_from_db()
        self.assertIn("- New booking page", report.body_markdown)

    def test_the_preview_renders_the_text_posted(self) -> None:
        report = self.draft()
        self.login(self.victor)
        response = self.client.post(
            f"/reports/{report.pk}/preview/",
            {"body_markdown": "## Hello\n\n<b>x</b>"},
            headers=HTMX,
        )
        self.assertContains(response, "<h2>Hello</h2>")
        self.assertContains(response, "&lt;b&gt;x&lt;/b&gt;")

    def test_a_viewer_reads_but_does_not_edit(self) -> None:
        report = self.draft()
        self.login(self.victor)
        response = self.client.get(f"/reports/{report.pk}/")
        self.assertNotContains(response, "Send report now")
        self.assertEqual(self.client.post(f"/reports/{report.pk}/send/").status_code, 403)

    @override_settings(MAILERS=SCRIPTED)
    def test_a_failed_report_says_why(self) -> None:
        ScriptedBackend.reset([smtplib.SMTPDataError(550, b"Mailbox unavailable")])
        report = self.draft(body_markdown=PLAIN)
        self.login(self.bob)
        self.post(f"/reports/{report.pk}/send/", {})
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.FAILED)
        page = self.client.get(f"/reports/{report.pk}/")
        self.assertContains(page, "This report could not be delivered")
        self.assertContains(page, "550 Mailbox unavailable")
        listing = self.client.get("/reports/")
        self.assertContains(listing, "Could not be sent")

    def test_an_uncertain_delivery_says_so_and_points_to_the_outbox(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        self.login(self.alice)
        self.post(f"/reports/{report.pk}/send/", {})
        report.refresh_from_db()
        assert report.outbound is not None
        # A worker died between handing the email over and recording it.
        OutboundMessage.objects.filter(pk=report.outbound.pk).update(state=MessageState.UNCERTAIN)
        StatusReport.objects.filter(pk=report.pk).update(state=ReportState.SENDING)
        page = self.client.get(f"/reports/{report.pk}/")
        self.assertContains(page, "We are not sure this report was delivered")
        self.assertContains(page, f"/outbox/{report.outbound.pk}/")
        self.login(self.bob)
        page = self.client.get(f"/reports/{report.pk}/")
        self.assertContains(page, "Ask an owner or manager")


@time_machine.travel(NOW, tick=False)
class ClientPageTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def test_the_client_page_shows_the_reports_panel(self) -> None:
        self.login(self.bob)
        response = self.client.get(f"/clients/{self.harbor.pk}/")
        self.assertContains(response, 'id="reports"')
        self.assertContains(response, "Weekly status reports")
        self.assertContains(response, "Sent to Dr Lena Ortiz.")
        self.assertContains(response, "The report for 14 Nov to 20 Nov was due")
        self.assertContains(response, "Write the status report")

    def test_starting_the_report_drafts_the_one_owed(self) -> None:
        self.login(self.bob)
        response = self.client.post(f"/clients/{self.harbor.pk}/reports/start/")
        report = StatusReport.objects.get()
        self.assertRedirects(response, f"/reports/{report.pk}/")
        self.assertEqual(report.period_start, dt.date(2026, 11, 14))
        self.assertEqual(report.created_by, self.bob)
        self.client.post(f"/clients/{self.harbor.pk}/reports/start/")
        self.assertEqual(StatusReport.objects.count(), 1)

    def test_a_client_without_reports_cannot_start_one(self) -> None:
        Client.objects.filter(pk=self.harbor.pk).update(report_cadence="none")
        self.login(self.bob)
        response = self.client.post(f"/clients/{self.harbor.pk}/reports/start/", follow=True)
        self.assertContains(response, "gets no scheduled reports")

    def test_the_client_and_contact_forms_set_the_report_settings(self) -> None:
        self.login(self.alice)
        response = self.client.get(f"/clients/{self.harbor.pk}/edit/")
        self.assertContains(response, "may go out without review")
        response = self.client.post(
            f"/clients/{self.harbor.pk}/edit/",
            {
                "name": "Harbor Dental",
                "kind": "organisation",
                "status": "active",
                "response_target_hours": "24",
                "check_in_every_days": "14",
                "plain_language_target": "60",
                "report_cadence": "fortnightly",
                "report_weekday": "1",
                "report_time": "08:15",
                "report_time_zone": "America/New_York",
                "report_auto_send_no_change": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.harbor.refresh_from_db()
        self.assertEqual(self.harbor.report_cadence, "fortnightly")
        self.assertEqual(self.harbor.report_time_zone, "America/New_York")
        self.assertTrue(self.harbor.report_auto_send_no_change)
        response = self.client.get(f"/contacts/{self.sam.pk}/edit/")
        self.assertContains(response, "Receives reports")
        self.client.post(
            f"/contacts/{self.sam.pk}/edit/",
            {
                "name": "Sam Reid",
                "email": "sam@harbor.example",
                "preferred_channel": "email",
                "receives_reports": "on",
            },
        )
        self.sam.refresh_from_db()
        self.assertTrue(self.sam.receives_reports)


@time_machine.travel(NOW, tick=False)
class JobReportPageTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def test_it_drafts_a_job_report_and_sends_it_with_its_promises(self) -> None:
        self.login(self.bob)
        url = f"/clients/{self.harbor.pk}/job-report/"
        self.assertContains(self.client.get(url), "What is needed next")
        response = self.client.post(
            url,
            {
                "wrong_md": "The tap was dripping.",
                "did_md": "We fitted a new washer.",
                "needed_md": "",
                "rec_what_0": "Check the boiler",
                "rec_date_0": "2027-01-15",
            },
        )
        report = StatusReport.objects.get(kind="job")
        self.assertRedirects(response, f"/reports/{report.pk}/")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/reports/{report.pk}/send/", {})
        self.assertEqual(len(mail.outbox), 1)
        promise = Commitment.objects.get()
        self.assertEqual(promise.what, "Check the boiler")
        assert promise.source_interaction is not None
        self.assertTrue(promise.source_interaction.is_job_report)

    def test_it_says_what_is_missing(self) -> None:
        self.login(self.bob)
        response = self.client.post(
            f"/clients/{self.harbor.pk}/job-report/",
            {"wrong_md": "", "did_md": "x", "rec_what_0": "Check the boiler"},
        )
        self.assertContains(response, "Say what was wrong.", status_code=400)
        self.assertContains(response, "Give a date for “Check the boiler”", status_code=400)

    def test_it_throws_away_an_unsent_job_report(self) -> None:
        report = StatusReport.objects.create(
            workspace=self.workspace, client=self.harbor, kind="job", subject="x"
        )
        self.login(self.bob)
        response = self.client.post(f"/reports/{report.pk}/discard/")
        self.assertRedirects(
            response, f"/clients/{self.harbor.pk}/#reports", fetch_redirect_response=False
        )
        self.assertFalse(StatusReport.objects.exists())


class SettingsPageTests(BaseTestCase):
    def test_owners_and_managers_set_the_defaults(self) -> None:
        self.login(self.alice)
        self.assertContains(self.client.get("/reports/settings/"), "The default schedule")
        response = self.client.post(
            "/reports/settings/",
            {
                "default_cadence": "weekly",
                "default_weekday": "0",
                "default_time": "09:30",
                "default_auto_send_no_change": "on",
                "grace_hours": "48",
            },
        )
        self.assertRedirects(response, "/reports/settings/")
        settings = ReportSettings.objects.get(workspace=self.workspace)
        self.assertEqual(settings.default_cadence, "weekly")
        self.assertEqual(settings.default_time, dt.time(9, 30))
        self.assertTrue(settings.default_auto_send_no_change)
        self.assertEqual(settings.grace_hours, 48)
        event = AuditEvent.objects.get(action="report_settings.update")
        self.assertEqual(event.changes["grace_hours"], [24, 48])

    def test_members_may_not(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.get("/reports/settings/").status_code, 403)

    def test_it_refuses_bad_values(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            "/reports/settings/",
            {
                "default_cadence": "hourly",
                "default_weekday": "0",
                "default_time": "x",
                "grace_hours": "-1",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ReportSettings.objects.exists())
