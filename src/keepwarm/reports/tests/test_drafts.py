"""Tests for draft assembly: a busy period, a period with problems, and an empty one."""

from __future__ import annotations

import datetime as dt

import time_machine

from keepwarm.reports import drafts
from keepwarm.reports.models import ReportKind, StatusReport
from keepwarm.reports.tests.helpers import DUE, WEEK_START, ReportFixtures
from keepwarm.testing import BaseTestCase

UTC = dt.UTC


@time_machine.travel(DUE + dt.timedelta(minutes=5), tick=False)
class DraftTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def test_it_drafts_a_busy_period(self) -> None:
        self.log(WEEK_START + dt.timedelta(days=1), "Booking page live", is_progress=True)
        self.log(
            WEEK_START + dt.timedelta(days=3),
            "Logged work",
            direction="internal",
            channel="message",
            body="Private: Lena's boss is difficult.",
            is_progress=True,
        )
        self.log(
            WEEK_START + dt.timedelta(days=2),
            "Preview sent",
            channel="email",
            body="Here is the preview. Could you check the opening hours on the contact page?",
        )
        self.promise(
            "Send the preview link",
            dt.date(2026, 11, 18),
            status="kept",
            done_at=WEEK_START + dt.timedelta(days=4),
        )
        self.promise("Move the blog", dt.date(2026, 11, 25))
        self.promise("Redesign the logo", dt.date(2027, 2, 1))
        # Outside the period: neither before nor after it counts.
        self.log(WEEK_START - dt.timedelta(minutes=1), "Last week's work", is_progress=True)
        self.log(DUE, "Next week's work", is_progress=True)

        report = self.draft()

        self.assertEqual(report.kind, ReportKind.STATUS)
        self.assertFalse(report.is_no_change)
        self.assertFalse(report.has_problems)
        self.assertEqual(report.cadence, "weekly")
        self.assertEqual(
            report.done_md,
            "- Booking page live\n- Logged work\n- Send the preview link (as promised)",
        )
        self.assertEqual(
            report.next_md,
            "- Move the blog, by Wednesday 25 November\n"
            "- Our next update comes on Friday 27 November.",
        )
        self.assertEqual(
            report.questions_md,
            "- Could you check the opening hours on the contact page?",
        )
        self.assertEqual(report.problems_md, "")
        self.assertEqual(report.subject, "Weekly update from Alice's Studio — week to 20 November")
        body = report.body_markdown
        self.assertTrue(body.startswith("Hi Lena,\n\nHere is this week's update"))
        self.assertIn("Saturday 14 November to Friday 20 November", body)
        self.assertIn("## What we did\n\n- Booking page live", body)
        self.assertNotIn("## Problems", body)
        self.assertIn("## Questions for you", body)
        self.assertTrue(body.rstrip().endswith("Alice Archer  \nAlice's Studio"))
        # Internal notes lend their subject at most, never what was written in them.
        self.assertNotIn("difficult", body)
        self.assertNotIn("Last week's work", body)
        self.assertNotIn("Next week's work", body)

    def test_it_never_hides_problems(self) -> None:
        self.log(
            WEEK_START + dt.timedelta(days=2),
            "Booking form down for two hours",
            is_problem=True,
            direction="inbound",
            channel="email",
        )
        self.log(
            WEEK_START + dt.timedelta(days=2),
            "Internal: blame the host",
            is_problem=True,
            direction="internal",
            channel="message",
        )
        self.promise("Send the new price list", dt.date(2026, 11, 17))
        report = self.draft()
        self.assertTrue(report.has_problems)
        self.assertFalse(report.is_no_change)
        self.assertEqual(
            report.problems_md,
            "- Booking form down for two hours (Sunday 15 November)\n"
            "- Send the new price list: promised for Tuesday 17 November, not done yet "
            "(3 days late)",
        )
        self.assertIn("## Problems", report.body_markdown)
        self.assertNotIn("blame the host", report.body_markdown)

    def test_it_lets_other_apps_add_problem_sources(self) -> None:
        def recovery(window: drafts.DraftWindow) -> list[str]:
            return [f"We are putting things right with {window.client.name}"]

        drafts.register_problem_source(recovery)
        drafts.register_problem_source(recovery)
        try:
            report = self.draft()
        finally:
            drafts.PROBLEM_SOURCES.remove(recovery)
        self.assertEqual(report.problems_md, "- We are putting things right with Harbor Dental")

    def test_it_drafts_an_honest_no_change_report(self) -> None:
        self.promise("Move the blog", dt.date(2026, 11, 25))
        self.promise("Redesign the logo", dt.date(2027, 2, 1))
        report = self.draft()
        self.assertTrue(report.is_no_change)
        self.assertFalse(report.has_problems)
        self.assertEqual(report.done_md, "")
        self.assertEqual(report.subject, "Weekly update from Alice's Studio — no change this week")
        self.assertEqual(
            report.next_md,
            "- Move the blog, due Wednesday 25 November\n"
            "- Redesign the logo, due Monday 1 February\n"
            "- Our next update comes on Friday 27 November.",
        )
        body = report.body_markdown
        self.assertIn("No change this week.", body)
        self.assertIn("## What comes next", body)
        self.assertNotIn("## What we did", body)

    def test_a_no_change_report_still_lists_late_promises(self) -> None:
        self.promise("Send the new price list", dt.date(2026, 11, 2))
        report = self.draft()
        self.assertTrue(report.is_no_change)
        self.assertTrue(report.has_problems)
        self.assertIn("18 days late", report.body_markdown)

    def test_it_leaves_reports_out_of_reports(self) -> None:
        sent = self.log(WEEK_START + dt.timedelta(hours=1), "Job report", is_progress=True)
        StatusReport.objects.create(
            workspace=self.workspace, client=self.harbor, kind="job", subject="x", interaction=sent
        )
        self.assertTrue(self.draft().is_no_change)

    def test_it_greets_everyone_who_receives_reports(self) -> None:
        self.sam.receives_reports = True
        self.sam.save()
        self.assertTrue(self.draft().body_markdown.startswith("Hi Lena and Sam,"))

    def test_it_is_one_report_per_period(self) -> None:
        first = self.draft()
        second = self.draft(now=DUE + dt.timedelta(hours=3))
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(StatusReport.objects.count(), 1)


class WordsTests(BaseTestCase):
    def test_it_finds_first_names(self) -> None:
        self.assertEqual(drafts.first_name("Dr Lena Ortiz"), "Lena")
        self.assertEqual(drafts.first_name("Mr. Tom Reilly"), "Tom")
        self.assertEqual(drafts.first_name("Cher"), "Cher")

    def test_it_words_subjects_for_every_cadence(self) -> None:
        day = dt.date(2026, 11, 20)
        ws = self.workspace
        self.assertEqual(
            drafts.status_subject(ws, "daily", day, False),
            "Daily update from Alice's Studio — Friday 20 November",
        )
        self.assertEqual(
            drafts.status_subject(ws, "daily", day, True),
            "Daily update from Alice's Studio — no change today",
        )
        self.assertEqual(
            drafts.status_subject(ws, "fortnightly", day, True),
            "Fortnightly update from Alice's Studio — no change this fortnight",
        )
        self.assertEqual(
            drafts.status_subject(ws, "monthly", day, False),
            "Monthly update from Alice's Studio — month to 20 November",
        )
