"""Tests for sending reports: once, on the timeline, behind the plain-language gate."""

from __future__ import annotations

import datetime as dt
import smtplib

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

from keepwarm.accounts.models import AuditEvent
from keepwarm.commitments.models import Commitment
from keepwarm.interactions.models import Interaction
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.tests.backends import SCRIPTED, ScriptedBackend
from keepwarm.reports.models import ReportState, StatusReport
from keepwarm.reports.sending import deliveries_reconcile, report_send
from keepwarm.reports.services import job_report_create, report_check, report_update
from keepwarm.reports.tests.helpers import DUE, JARGON, PLAIN, ReportFixtures
from keepwarm.testing import BaseTestCase

NOW = DUE + dt.timedelta(hours=1)


def interaction_of(report: StatusReport) -> Interaction:
    """Return the timeline entry a sent report made."""
    assert report.interaction_id is not None
    return Interaction.objects.get(pk=report.interaction_id)


@time_machine.travel(NOW, tick=False)
class SendTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def send(self, report: StatusReport, **kwargs: object) -> StatusReport:
        with self.captureOnCommitCallbacks(execute=True):
            return report_send(membership=self.bob_m, report=report, **kwargs)  # type: ignore[arg-type]

    def test_it_sends_once_and_logs_it_on_the_timeline(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        sent = self.send(report)
        self.assertEqual(len(mail.outbox), 1)
        email = mail.outbox[0]
        self.assertEqual(email.to, ["lena@harbor.example"])
        self.assertEqual(email.subject, report.subject)
        self.assertIn("We fixed the booking page this week.", email.body)
        assert isinstance(email, EmailMultiAlternatives)
        html = str(email.alternatives[0][0])
        self.assertIn("<p>We fixed the booking page this week.", html)
        self.assertNotIn("<img", html)
        self.assertEqual(sent.state, ReportState.SENDING)
        self.assertEqual(sent.sent_at, NOW)
        self.assertEqual(sent.reviewed_by, self.bob)
        self.assertFalse(sent.sent_below_target)
        self.assertIsNotNone(sent.reading_ease)
        message = OutboundMessage.objects.get()
        self.assertEqual(message.key, f"report:{report.pk}")
        self.assertEqual(message.reply_to, "bob@example.org")
        self.assertEqual(sent.message_id, message.message_id)

        interaction = interaction_of(sent)
        self.assertEqual(interaction.direction, "outbound")
        self.assertEqual(interaction.channel, "email")
        self.assertEqual(interaction.occurred_at, NOW)
        self.assertTrue(interaction.is_progress)
        self.assertFalse(interaction.is_job_report)
        self.assertEqual(interaction.message_id, message.message_id)
        self.assertEqual(list(interaction.contacts.all()), [self.lena])
        # The check-in clock restarts: this is now the latest time we were in touch.
        latest = self.harbor.interactions.exclude(direction="internal").latest("occurred_at")
        self.assertEqual(latest, interaction)
        self.assertTrue(AuditEvent.objects.filter(action="report.send", actor=self.bob).exists())

        # The email went out once the change committed; the report says so.
        sent.refresh_from_db()
        self.assertEqual(sent.state, ReportState.SENT)
        self.assertEqual(deliveries_reconcile(now=NOW), 0)

    def test_it_never_sends_twice(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        self.send(report)
        with self.assertRaisesMessage(ValidationError, "already been sent"):
            self.send(report)
        stale = StatusReport.objects.get(pk=report.pk)
        stale.state = ReportState.DRAFT  # as a second, older page would still think
        with self.assertRaisesMessage(ValidationError, "already been sent"):
            self.send(stale)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(Interaction.objects.filter(is_progress=True).count(), 1)

    def test_it_asks_to_confirm_a_report_below_target(self) -> None:
        report = self.draft(body_markdown=JARGON)
        with self.assertRaises(ValidationError) as caught:
            self.send(report)
        self.assertIn("confirm_below_target", caught.exception.message_dict)
        self.assertIn("target is 60", caught.exception.message_dict["confirm_below_target"][0])
        self.assertEqual(mail.outbox, [])
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.DRAFT)

        sent = self.send(report, confirm_below_target=True)
        self.assertTrue(sent.sent_below_target)
        assert sent.reading_ease is not None
        self.assertLess(sent.reading_ease, 60)
        self.assertEqual(len(mail.outbox), 1)
        event = AuditEvent.objects.get(action="report.send")
        self.assertTrue(event.changes["sent_below_target"])

    def test_the_glossary_counts(self) -> None:
        report = self.draft(body_markdown="Hi Lena,\n\nWe set up the autoclave log.\n")
        self.assertEqual([w.word for w in report_check(report).hard_words], ["autoclave"])
        self.workspace.plain_language_glossary = "Autoclave\n"
        self.workspace.save()
        report.refresh_from_db()
        self.assertEqual(report_check(report).hard_words, [])

    def test_it_needs_someone_to_send_to(self) -> None:
        self.lena.receives_reports = False
        self.lena.save()
        report = self.draft(body_markdown=PLAIN)
        with self.assertRaises(ValidationError) as caught:
            self.send(report)
        self.assertIn("Nobody at Harbor Dental receives reports", str(caught.exception))
        report.refresh_from_db()
        self.assertEqual(report.state, ReportState.DRAFT)

    def test_a_viewer_may_not_send(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        with self.assertRaises(PermissionDenied):
            report_send(membership=self.victor_m, report=report)

    @override_settings(MAILERS=SCRIPTED)
    def test_it_shows_a_permanent_failure_on_the_report(self) -> None:
        ScriptedBackend.reset(
            [smtplib.SMTPRecipientsRefused({"lena@harbor.example": (550, b"No such mailbox")})]
        )
        report = self.draft(body_markdown=PLAIN)
        sent = self.send(report)
        assert sent.outbound is not None
        sent.outbound.refresh_from_db()
        self.assertEqual(sent.outbound.state, MessageState.FAILED)
        sent.refresh_from_db()
        self.assertEqual(sent.state, ReportState.FAILED)
        note = interaction_of(sent)
        self.assertEqual(note.direction, "internal")
        self.assertTrue(note.subject.startswith("Not delivered: "))
        self.assertFalse(note.is_progress)

        # Sending again makes a new email (a new key), and a new timeline entry.
        self.assertEqual(mail.outbox, [])
        again = self.send(sent)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(again.outbound.key, f"report:{report.pk}:2")  # type: ignore[union-attr]
        self.assertNotEqual(again.interaction_id, note.pk)
        again.refresh_from_db()
        self.assertEqual(again.state, ReportState.SENT)

    def test_an_edit_after_sending_is_refused(self) -> None:
        report = self.draft(body_markdown=PLAIN)
        self.send(report)
        with self.assertRaisesMessage(ValidationError, "can no longer be changed"):
            report_update(membership=self.bob_m, report=report, body_markdown="Changed")


@time_machine.travel(NOW, tick=False)
class JobReportTests(ReportFixtures, BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.make_harbor()

    def test_it_drafts_exactly_three_parts(self) -> None:
        report = job_report_create(
            membership=self.bob_m,
            client=self.harbor,
            wrong="The boiler was leaking.",
            did="We replaced the valve.",
            needed="Service the boiler once a year.",
            recommendations=[
                {"what": "Service the boiler", "due_on": "2027-11-01"},
                {"what": "", "due_on": None},
            ],
        )
        self.assertEqual(report.kind, "job")
        self.assertIsNone(report.period_start)
        self.assertEqual(report.subject, "Job report from Alice's Studio — 20 November")
        body = report.body_markdown
        self.assertEqual(
            [line for line in body.splitlines() if line.startswith("## ")],
            ["## What was wrong", "## What we did", "## What is needed next"],
        )
        self.assertIn("- Service the boiler: we recommend by Monday 1 November", body)
        self.assertEqual(len(report.recommendations), 1)

    def test_it_refuses_a_job_report_without_its_parts(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            job_report_create(membership=self.bob_m, client=self.harbor, wrong=" ", did="")
        self.assertEqual(set(caught.exception.message_dict), {"wrong_md", "did_md"})
        with self.assertRaises(ValidationError):
            job_report_create(
                membership=self.bob_m,
                client=self.harbor,
                wrong="Leak",
                did="Fixed",
                recommendations=[{"what": "Service", "due_on": "soon"}],
            )

    def test_sending_it_logs_a_job_report_and_makes_the_promises(self) -> None:
        report = job_report_create(
            membership=self.bob_m,
            client=self.harbor,
            wrong="The boiler was leaking.",
            did="We replaced the valve.",
            recommendations=[{"what": "Service the boiler", "due_on": "2027-11-01"}],
        )
        with self.captureOnCommitCallbacks(execute=True):
            sent = report_send(membership=self.bob_m, report=report)
        interaction = interaction_of(sent)
        self.assertTrue(interaction.is_job_report)
        self.assertFalse(interaction.is_progress)
        promise = Commitment.objects.get()
        self.assertEqual(promise.what, "Service the boiler")
        self.assertEqual(promise.due_on, dt.date(2027, 11, 1))
        self.assertEqual(promise.owner, self.bob)
        self.assertEqual(promise.source_interaction, interaction)
        self.assertEqual(sent.recommendations[0]["commitment_id"], promise.pk)
        self.assertEqual(len(mail.outbox), 1)
