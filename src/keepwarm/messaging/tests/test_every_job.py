"""Every periodic job of every app, run twice over the demo workspace: the second sends nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.utils.module_loading import autodiscover_modules

from keepwarm.accounts.models import Membership
from keepwarm.demo.loader import load_demo
from keepwarm.lib.schedule import registered_jobs
from keepwarm.messaging.models import OutboundMessage
from keepwarm.testing import BaseTestCase

LOADED = dt.datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Europe/London"))


class EveryJobTests(BaseTestCase):
    def test_running_every_job_twice_sends_nothing_extra(self) -> None:
        autodiscover_modules("jobs")
        jobs = registered_jobs()
        self.assertGreaterEqual({job.name for job in jobs}, {"messaging.retry_outbox"})
        with time_machine.travel(LOADED, tick=False):
            demo = load_demo().workspace
        # Digests are off in the demo; turn them on so there is something to send.
        Membership.objects.filter(workspace=demo).update(digest_enabled=True)
        # Three days on, at mid-morning: reports, digests and snapshots are due.
        now = LOADED + dt.timedelta(days=3, hours=2)
        with time_machine.travel(now, tick=False):
            for job in jobs:
                with self.captureOnCommitCallbacks(execute=True):
                    job.run(now=now)
            messages = OutboundMessage.objects.count()
            sent = len(mail.outbox)
            self.assertGreater(sent, 0, "the first run should have had something to send")
            for job in jobs:
                with self.subTest(job.name), self.captureOnCommitCallbacks(execute=True):
                    job.run(now=now)
                    self.assertEqual(OutboundMessage.objects.count(), messages, job.name)
                    self.assertEqual(len(mail.outbox), sent, job.name)
        self.assertEqual(
            sent, OutboundMessage.objects.filter(state="sent").count(), "all delivered"
        )
