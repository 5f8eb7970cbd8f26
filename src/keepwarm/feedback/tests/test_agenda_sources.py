"""The feedback items for the agenda (agenda/sources_feedback.py), built on a bare run."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from keepwarm.agenda import sources_feedback
from keepwarm.agenda.kinds import Run
from keepwarm.agenda.selectors import _load_clients
from keepwarm.clients.models import Client
from keepwarm.feedback import services
from keepwarm.feedback.tests.helpers import make_client
from keepwarm.testing import BaseTestCase


class FeedbackAgendaTests(BaseTestCase):
    def setUp(self) -> None:
        self.harbor = make_client(self)
        self.bakery = make_client(self, name="Brightside Bakery")
        Client.objects.filter(pk=self.bakery.pk).update(
            created_at=timezone.now() - dt.timedelta(days=120)
        )

    def _run(self) -> Run:
        # The agenda's own loader, so the rows keep up with its shape.
        now = timezone.now()
        covered = Client.objects.filter(workspace=self.workspace)
        rows = _load_clients(covered, now, now.date(), falls=False)
        return Run(now=now, zone=dt.UTC, today=now.date(), clients=rows)

    def test_an_unhappy_client_comes_first_with_a_recovery_case_to_open(self) -> None:
        contact = self.harbor.contacts.get()
        request = services.feedback_request_create(
            membership=self.alice_m, client=self.harbor, contact=contact, kind="nps"
        )
        services.feedback_answer(request=request, score=4, comment="Nobody tells us anything.")
        run = self._run()
        sources_feedback.unhappy(run, self.workspace.pk, None)
        sources_feedback.ask(
            run, self.workspace.pk, Client.objects.filter(workspace=self.workspace)
        )
        run.items.sort(key=lambda pair: pair[0])
        items = [item for _, item in run.items]
        self.assertEqual([i.kind for i in items], ["unhappy_client", "ask_feedback"])
        first = items[0]
        self.assertEqual(
            first.sentence,
            "Lena at Harbor Dental (Harbor Dental) is unhappy — gave us 4 of 10 today: "
            "“Nobody tells us anything.”",
        )
        self.assertEqual(first.action, "Open a recovery case")
        self.assertIn("signal=low_feedback", first.url)
        self.assertEqual(first.state, "overdue")
        self.assertEqual(items[1].client_id, self.bakery.pk)
        self.assertEqual(items[1].action, "Ask for feedback")

    def test_one_client_only(self) -> None:
        run = self._run()
        sources_feedback.ask(run, self.workspace.pk, Client.objects.filter(pk=self.harbor.pk))
        self.assertEqual(run.items, [])
