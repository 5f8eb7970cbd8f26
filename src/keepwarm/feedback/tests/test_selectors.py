"""Feedback reads for the trust score, the agenda and Insights."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from keepwarm.clients.models import Client
from keepwarm.feedback import selectors, services
from keepwarm.feedback.models import FeedbackSettings
from keepwarm.feedback.tests.helpers import make_client
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


class FeedbackSelectorTests(BaseTestCase):
    def setUp(self) -> None:
        self.harbor = make_client(self)
        self.bakery = make_client(self, name="Brightside Bakery")
        self.foreign = make_client(self, name="Elsewhere", workspace=self.charlies_workspace)

    def _give(self, client: object, kind: str, score: int, comment: str = "", days_ago: int = 0):  # type: ignore[no-untyped-def]
        return services.feedback_submit(
            client=client,  # type: ignore[arg-type]
            kind=kind,
            score=score,
            comment=comment,
            now=NOW - dt.timedelta(days=days_ago),
        )

    def test_latest_feedback_is_normalised_per_client_in_one_query(self) -> None:
        self._give(self.harbor, "nps", 2, days_ago=40)
        latest = self._give(self.harbor, "nps", 9, days_ago=3)
        self._give(self.bakery, "csat", 4, days_ago=1)
        self._give(self.foreign, "nps", 10)
        with self.assertNumQueries(1):
            found = selectors.latest_feedback_by_client(self.workspace.pk, NOW)
        self.assertEqual(set(found), {self.harbor.pk, self.bakery.pk})
        self.assertEqual(found[self.harbor.pk].score, 90.0)
        self.assertEqual(found[self.harbor.pk].response_id, latest.pk)
        self.assertEqual(found[self.bakery.pk].score, 75.0)
        before = selectors.latest_feedback_by_client(self.workspace.pk, NOW - dt.timedelta(days=20))
        self.assertEqual(before[self.harbor.pk].score, 20.0)

    def test_unhappy_clients_are_those_whose_latest_answer_is_low_or_negative(self) -> None:
        self._give(self.harbor, "nps", 3, days_ago=10)
        self._give(self.harbor, "nps", 9, days_ago=2)  # happier since: no longer listed
        self._give(self.bakery, "csat", 4, "Honestly this has been a terrible, awful month.")
        with time_machine.travel(NOW, tick=False), self.assertNumQueries(1):
            unhappy = selectors.unhappy_clients(self.workspace.pk, NOW - dt.timedelta(days=30))
        self.assertEqual([u.client_id for u in unhappy], [self.bakery.pk])
        self.assertEqual(unhappy[0].score_words, "4 of 5")

    def test_csat_two_and_nps_six_are_unhappy(self) -> None:
        self.assertTrue(services.is_unhappy("csat", 2, None))
        self.assertFalse(services.is_unhappy("csat", 3, None))
        self.assertTrue(services.is_unhappy("nps", 6, None))
        self.assertFalse(services.is_unhappy("nps", 7, 0.5))

    def test_feedback_due_after_90_days_or_a_job_report_outside_the_quiet_period(self) -> None:
        with time_machine.travel(NOW - dt.timedelta(days=100), tick=False):
            services.feedback_request_create(
                membership=self.alice_m,
                client=self.harbor,
                contact=self.harbor.contacts.get(),
                kind="nps",
            )
        with time_machine.travel(NOW - dt.timedelta(days=40), tick=False):
            services.feedback_request_create(
                membership=self.alice_m,
                client=self.bakery,
                contact=self.bakery.contacts.get(),
                kind="nps",
            )
        with self.assertNumQueries(2):  # the quiet period, then the clients
            due = selectors.feedback_due(self.workspace.pk, NOW)
        self.assertEqual(
            [(d.client_id, d.reason) for d in due],
            [
                (self.harbor.pk, "last asked 100 days ago"),
            ],
        )
        Interaction.objects.create(
            workspace=self.workspace,
            client=self.bakery,
            channel="visit",
            direction="outbound",
            is_job_report=True,
            occurred_at=NOW - dt.timedelta(days=2),
        )
        due = selectors.feedback_due(self.workspace.pk, NOW)
        self.assertIn(
            (self.bakery.pk, "a job report went out since you last asked"),
            [(d.client_id, d.reason) for d in due],
        )
        FeedbackSettings.objects.create(workspace=self.workspace, quiet_days=60)
        self.assertEqual(
            [d.client_id for d in selectors.feedback_due(self.workspace.pk, NOW)], [self.harbor.pk]
        )

    def test_a_person_with_an_open_request_is_never_suggested(self) -> None:
        FeedbackSettings.objects.create(workspace=self.workspace, quiet_days=0)
        long_ago = timezone.now() - dt.timedelta(days=100)
        Client.objects.filter(pk__in=[self.harbor.pk, self.bakery.pk]).update(created_at=long_ago)
        services.feedback_request_create(
            membership=self.alice_m,
            client=self.harbor,
            contact=self.harbor.contacts.get(),
            kind="nps",
            now=timezone.now() - dt.timedelta(days=1),
        )
        due = selectors.feedback_due(self.workspace.pk, timezone.now())
        self.assertNotIn(self.harbor.pk, [d.client_id for d in due])
        self.assertIn(self.bakery.pk, [d.client_id for d in due])

    def test_a_new_client_is_not_asked_before_90_days_or_a_job_report(self) -> None:
        now = timezone.now()
        self.assertEqual(selectors.feedback_due(self.workspace.pk, now), [])
        Interaction.objects.create(
            workspace=self.workspace,
            client=self.harbor,
            channel="visit",
            direction="outbound",
            is_job_report=True,
            occurred_at=now - dt.timedelta(hours=2),
        )
        due = selectors.feedback_due(self.workspace.pk, now)
        self.assertEqual(
            [(d.client_id, d.contact_name) for d in due],
            [
                (self.harbor.pk, "Lena at Harbor Dental"),
            ],
        )

    def test_nps_by_month_counts_promoters_passives_and_detractors(self) -> None:
        self._give(self.harbor, "nps", 10, days_ago=1)
        self._give(self.bakery, "nps", 7, days_ago=1)
        self._give(self.harbor, "nps", 3, days_ago=20)
        self._give(self.bakery, "csat", 1, days_ago=1)
        self._give(self.foreign, "nps", 0, days_ago=1)
        with self.assertNumQueries(1):
            months = selectors.nps_by_month(self.workspace.pk, 3, today=NOW.date())
        self.assertEqual(
            [m.month for m in months],
            [
                dt.date(2026, 9, 1),
                dt.date(2026, 10, 1),
                dt.date(2026, 11, 1),
            ],
        )
        self.assertEqual((months[2].promoters, months[2].passives, months[2].detractors), (1, 1, 0))
        self.assertEqual(months[2].nps, 50)
        self.assertEqual(months[1].nps, -100)
        self.assertIsNone(months[0].nps)


class NpsInsightsTests(BaseTestCase):
    def test_insights_shows_nps_with_its_chart_and_numbers(self) -> None:
        from django.urls import reverse

        harbor = make_client(self)
        for score in (10, 9, 7, 3):
            services.feedback_submit(client=harbor, kind="nps", score=score)
        self.login(self.alice)
        page = self.client.get(reverse("insights"))
        self.assertContains(page, "Would they recommend you?")
        self.assertContains(page, "2 promoters (9 or 10), 1 passive (7 or 8) and 1 detractor")
        self.assertContains(page, "Net Promoter Score: <strong>25</strong>")
        self.assertContains(page, 'aria-label="Stacked bar chart of NPS answers by month')
