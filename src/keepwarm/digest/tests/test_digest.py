from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any
from unittest import mock

import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.test import override_settings
from django.utils.module_loading import autodiscover_modules

from keepwarm.accounts.models import AuditEvent, Membership, User
from keepwarm.clients.models import Client, Contact
from keepwarm.commitments.models import Commitment
from keepwarm.digest import services
from keepwarm.digest.jobs import send_digests
from keepwarm.digest.links import unsubscribe_token
from keepwarm.digest.models import DigestDay
from keepwarm.digest.services import DigestError, digest_send_due
from keepwarm.interactions.models import Interaction
from keepwarm.lib.schedule import get_job
from keepwarm.messaging.models import OutboundMessage
from keepwarm.testing import BaseTestCase

# A winter Thursday: New York is UTC-5, so 08:00 there is 13:00 UTC.
DAY = dt.date(2026, 1, 15)


def utc(hour: int, minute: int = 0, *, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


@override_settings(SITE_URL="https://crm.example.com")
class DigestTests(BaseTestCase):
    harbor: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        User.objects.filter(pk=cls.alice.pk).update(time_zone="America/New_York")
        ws = cls.workspace
        cls.harbor = harbor = Client.objects.create(
            workspace=ws,
            name="Harbor Dental",
            owner=cls.alice,
            notes="SECRET CLIENT NOTE",
            created_at=utc(9, day=DAY - dt.timedelta(days=3)),
        )
        lena = Contact.objects.create(
            workspace=ws, client=harbor, name="Lena Ortiz", email="lena@harbor.example"
        )
        message = Interaction.objects.create(
            workspace=ws,
            client=harbor,
            channel="email",
            direction="inbound",
            subject="Invoice question",
            body="SECRET EMAIL BODY",
            needs_reply=True,
            occurred_at=utc(9, day=DAY - dt.timedelta(days=2)),
        )
        message.contacts.set([lena])
        for what, days in (("Send the new quote", 2), ("Fix the booking form", 1)):
            Commitment.objects.create(
                workspace=ws,
                client=harbor,
                what=what,
                owner=cls.alice,
                due_on=DAY - dt.timedelta(days=days),
            )
        # Bob owns a client with nothing due; victor owns none: their agendas are empty.
        Client.objects.create(
            workspace=ws, name="Birch Law", owner=cls.bob, created_at=utc(9, day=DAY)
        )

    def run_job(self, now: dt.datetime) -> int:
        with time_machine.travel(now, tick=False), self.captureOnCommitCallbacks(execute=True):
            return send_digests(now=now)

    def digests(self) -> list[OutboundMessage]:
        return list(OutboundMessage.objects.filter(kind="digest").order_by("pk"))

    def test_it_is_a_job_every_five_minutes(self) -> None:
        autodiscover_modules("jobs")
        job = get_job("digest.send")
        self.assertEqual(job.every, dt.timedelta(minutes=5))
        self.assertIs(job.function, send_digests)

    def test_it_waits_for_eight_in_the_morning_in_the_members_zone(self) -> None:
        self.assertEqual(self.run_job(utc(12, 55)), 0)  # 07:55 in New York
        self.assertEqual(self.digests(), [])
        self.assertEqual(self.run_job(utc(13, 0)), 1)  # 08:00 in New York
        [message] = self.digests()
        self.assertEqual(message.key, f"digest:{self.alice_m.pk}:2026-01-15")
        self.assertEqual(message.to, ["alice@example.org"])
        self.assertEqual(len(mail.outbox), 1)

    def test_it_uses_the_local_date_across_midnight(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(time_zone="Asia/Tokyo")
        # 23:30 UTC on the 14th is 08:30 on the 15th in Tokyo.
        self.assertEqual(self.run_job(utc(23, 30, day=DAY - dt.timedelta(days=1))), 1)
        self.assertEqual(self.digests()[0].key, f"digest:{self.alice_m.pk}:2026-01-15")

    def test_it_sends_once_a_day_however_often_it_runs(self) -> None:
        self.run_job(utc(13, 0))
        self.assertEqual(self.run_job(utc(13, 5)), 0)
        self.assertEqual(self.run_job(utc(22, 0)), 0)
        # Two workers that both missed the first run: the day row lets only one through.
        self.assertEqual(digest_send_due(now=utc(13, 10)), [])
        self.assertEqual(len(self.digests()), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(self.run_job(utc(13, 0, day=DAY + dt.timedelta(days=1))), 1)
        self.assertEqual(len(self.digests()), 2)

    def test_it_skips_disabled_and_inactive_members(self) -> None:
        Membership.objects.filter(pk=self.alice_m.pk).update(digest_enabled=False)
        self.assertEqual(self.run_job(utc(13, 0)), 0)
        Membership.objects.filter(pk=self.alice_m.pk).update(digest_enabled=True)
        User.objects.filter(pk=self.alice.pk).update(is_active=False)
        self.assertEqual(self.run_job(utc(13, 0)), 0)
        self.assertEqual(self.digests(), [])

    def test_it_says_nothing_on_an_empty_day_and_keeps_quiet_after(self) -> None:
        outcomes = digest_send_due(now=utc(8, 0))  # 08:00 UTC: bob's and victor's time
        self.assertEqual(
            {(o.membership.user.email, o.items, o.sent) for o in outcomes},
            {
                ("bob@example.org", 0, False),
                ("victor@example.org", 0, False),
                ("charlie@example.net", 0, False),
            },
        )
        self.assertEqual(self.digests(), [])
        self.assertEqual(DigestDay.objects.filter(message__isnull=True).count(), 3)
        # Something comes up at ten: the morning has passed, so no digest at midday.
        Commitment.objects.create(
            workspace=self.workspace,
            client=Client.objects.get(name="Birch Law"),
            what="Call back",
            due_on=DAY - dt.timedelta(days=1),
        )
        self.assertEqual([o.membership for o in digest_send_due(now=utc(12, 0))], [])

    def test_one_members_failure_holds_up_nobody_else(self) -> None:
        real = services.agenda_for

        def flaky(*, membership: Membership, **kwargs: Any) -> Any:
            if membership.pk == self.bob_m.pk:
                raise RuntimeError("boom")
            return real(membership=membership, **kwargs)

        with mock.patch.object(services, "agenda_for", flaky), self.assertRaises(DigestError):
            digest_send_due(now=utc(13, 0))
        self.assertEqual(len(self.digests()), 1)  # alice's went out
        self.assertFalse(DigestDay.objects.filter(membership=self.bob_m).exists())
        self.assertEqual(digest_send_due(now=utc(13, 5))[0].membership, self.bob_m)

    def test_it_honours_each_members_own_time(self) -> None:
        Membership.objects.filter(pk=self.alice_m.pk).update(digest_time=dt.time(17, 30))
        self.assertEqual(self.run_job(utc(22, 25)), 0)  # 17:25 in New York
        self.assertEqual(self.run_job(utc(22, 30)), 1)

    def test_it_writes_a_clean_multipart_email_of_sentences_and_links(self) -> None:
        self.run_job(utc(13, 0))
        [email] = mail.outbox
        assert isinstance(email, EmailMultiAlternatives)
        self.assertEqual(
            email.subject, "Your day with Keepwarm: 2 promises overdue, 1 reply overdue"
        )
        text = email.body
        html, mimetype = email.alternatives[0]
        assert isinstance(html, str)
        self.assertEqual(mimetype, "text/html")
        self.assertIn("Hello Alice,", text)
        self.assertIn("Thursday 15 January", text)
        self.assertIn("Overdue\n", text)
        self.assertIn(
            "- Keep the promise to Harbor Dental: “Send the new quote” — due Tue 13 Jan "
            "(overdue 2 days).\n"
            f"  https://crm.example.com/clients/{self.harbor.pk}/#promise-",
            text,
        )
        self.assertIn("Reply to Lena Ortiz (Harbor Dental)", text)
        self.assertIn("each day at 08:00 (America/New_York)", text)
        token = unsubscribe_token(self.alice_m)
        unsubscribe = f"https://crm.example.com/digest/unsubscribe/{token}/"
        self.assertIn(f"Stop these emails: {unsubscribe}", text)
        self.assertIn(f'href="{unsubscribe}"', html)
        message = email.message()
        self.assertEqual(message["List-Unsubscribe"], f"<{unsubscribe}>")
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn("https://crm.example.com/settings/calendar/#digest", html)
        self.assertIn("Open Today in Keepwarm: https://crm.example.com/today/", text)
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
        self.assertTrue(any("Reply to Lena Ortiz" in words for _, words in links))
        self.assertTrue(all(url.startswith("https://crm.example.com/") for url, _ in links))
        self.assertNotIn("<img", html)
        self.assertNotIn("<script", html)
        self.assertNotIn("http://", html)
        self.assertIn("font-family: -apple-system", html)
        for secret in ("SECRET", "Birch Law"):
            self.assertNotIn(secret, text)
            self.assertNotIn(secret, html)

    def test_the_command_sends_now_or_only_shows(self) -> None:
        out = StringIO()
        with time_machine.travel(utc(6, 0), tick=False):
            call_command("digest", "send", "--dry-run", "--now", stdout=out)
        self.assertIn("alice@example", out.getvalue())
        self.assertIn("(nothing on the", out.getvalue())
        self.assertIn("Would queue 1 digest.", out.getvalue())
        self.assertEqual(self.digests(), [])
        self.assertFalse(DigestDay.objects.exists())
        out = StringIO()
        with time_machine.travel(utc(6, 0), tick=False):
            call_command("digest", "send", stdout=out)  # 01:00 in New York: not yet
        self.assertIn("No digests are due now.", out.getvalue())
        out = StringIO()
        with (
            time_machine.travel(utc(6, 0), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            call_command("digest", "send", "--now", stdout=out)
        self.assertIn("Queued 1 digest.", out.getvalue())
        self.assertEqual(len(mail.outbox), 1)


@override_settings(SITE_URL="https://crm.example.com")
class UnsubscribeTests(BaseTestCase):
    def path(self, membership: Membership) -> str:
        return f"/digest/unsubscribe/{unsubscribe_token(membership)}/"

    def test_a_get_asks_and_changes_nothing(self) -> None:
        response = self.client.get(self.path(self.alice_m))
        self.assertContains(response, "Stop the daily digest?")
        self.assertContains(response, "Alice&#x27;s Studio")
        self.alice_m.refresh_from_db()
        self.assertTrue(self.alice_m.digest_enabled)

    def test_a_post_turns_it_off_with_no_sign_in(self) -> None:
        response = self.client.post(self.path(self.alice_m))
        self.assertContains(response, "You will not get the daily digest")
        self.alice_m.refresh_from_db()
        self.assertFalse(self.alice_m.digest_enabled)
        event = AuditEvent.objects.get(action="digest.unsubscribe")
        self.assertIsNone(event.actor)
        self.bob_m.refresh_from_db()
        self.assertTrue(self.bob_m.digest_enabled)
        # Again: nothing more happens, and it says so.
        self.assertContains(self.client.post(self.path(self.alice_m)), "You will not get")
        self.assertEqual(AuditEvent.objects.filter(action="digest.unsubscribe").count(), 1)

    def test_it_takes_one_click_from_a_mail_program(self) -> None:
        self.client.handler.enforce_csrf_checks = True
        response = self.client.post(self.path(self.alice_m), {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.alice_m.refresh_from_db()
        self.assertFalse(self.alice_m.digest_enabled)

    def test_a_forged_or_mangled_token_is_a_404(self) -> None:
        token = unsubscribe_token(self.alice_m)
        for bad in (token[:-2] + "xx", "1:abc:def", "nothing"):
            self.assertEqual(self.client.get(f"/digest/unsubscribe/{bad}/").status_code, 404)
            self.assertEqual(self.client.post(f"/digest/unsubscribe/{bad}/").status_code, 404)
        self.alice_m.refresh_from_db()
        self.assertTrue(self.alice_m.digest_enabled)


class DigestSettingsTests(BaseTestCase):
    def test_it_shows_the_settings_with_the_members_zone(self) -> None:
        User.objects.filter(pk=self.victor.pk).update(time_zone="America/New_York")
        self.login(self.victor)
        page = self.client.get("/settings/calendar/")
        self.assertContains(page, "In your time zone, America/New_York")
        self.assertContains(page, 'value="08:00"')
        self.assertRegex(page.text, r'<input type="checkbox" name="enabled"[^>]* checked')

    def test_a_viewer_may_change_their_own_digest(self) -> None:
        self.login(self.victor)
        response = self.client.post("/settings/digest/", {"send_at": "06:30"})
        self.assertRedirects(response, "/settings/calendar/#digest", fetch_redirect_response=False)
        self.victor_m.refresh_from_db()
        self.assertFalse(self.victor_m.digest_enabled)
        self.assertEqual(self.victor_m.digest_time, dt.time(6, 30))
        event = AuditEvent.objects.get(action="digest.settings")
        self.assertEqual(
            event.changes, {"digest_enabled": [True, False], "digest_time": ["08:00", "06:30"]}
        )
        self.alice_m.refresh_from_db()
        self.assertTrue(self.alice_m.digest_enabled)

    def test_it_explains_a_bad_time(self) -> None:
        self.login(self.alice)
        response = self.client.post("/settings/digest/", {"enabled": "on", "send_at": "25:99"})
        self.assertContains(response, "Enter a time as hours and minutes", status_code=400)
        self.assertContains(response, 'value="25:99"', status_code=400)
        self.assertFalse(AuditEvent.objects.filter(action="digest.settings").exists())

    def test_saving_the_same_settings_records_nothing(self) -> None:
        self.login(self.alice)
        self.client.post("/settings/digest/", {"enabled": "on", "send_at": "08:00"})
        self.assertFalse(AuditEvent.objects.filter(action="digest.settings").exists())
