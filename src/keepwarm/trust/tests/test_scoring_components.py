"""Update consistency, feedback and open recovery cases in the trust score, worked by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.urls import reverse

from keepwarm.clients.models import Client, Contact
from keepwarm.feedback.models import FeedbackResponse
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.lib.tests.api_case import ApiTestCase
from keepwarm.recovery.models import RecoveryCase
from keepwarm.reports.models import ReportSettings, StatusReport
from keepwarm.trust.models import TrustSettings
from keepwarm.trust.scoring import compute_scores
from keepwarm.trust.services import snapshots_store, stale_client_ids
from keepwarm.trust.types import ClientScore, Component

AT = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # a Wednesday
# The 13 Mondays (09:00 UTC) that fell due in the 90 days before AT: 31 Aug ... 23 Nov.
MONDAYS = [dt.date(2026, 8, 31) + dt.timedelta(weeks=n) for n in range(13)]


def ago(*, days: float = 0, hours: float = 0) -> dt.datetime:
    return AT - dt.timedelta(days=days, hours=hours)


def due(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


def component(score: ClientScore, key: str) -> Component | None:
    return next((c for c in score.components if c.key == key), None)


@time_machine.travel(AT, tick=False)
class NewComponentsTests(ApiTestCase):
    harbor: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace,
            name="Harbor Dental",
            created_at=ago(days=300),
            check_in_every_days=30,
        )
        # Personal touch off, so that a case's effect reads plainly.
        TrustSettings.objects.create(workspace=cls.workspace, weight_personal_touch=0)
        # Contact recency: 100 (in touch 2 days ago, every 30 days wanted).
        Interaction.objects.create(
            workspace=cls.workspace,
            client=cls.harbor,
            channel=Channel.EMAIL,
            direction=Direction.OUTBOUND,
            occurred_at=ago(days=2),
        )

    def score(self, at: dt.datetime = AT, **kwargs: Any) -> ClientScore:
        explained = compute_scores(self.workspace, at=at, **kwargs)[self.harbor.pk]
        fast = compute_scores(self.workspace, at=at, explain=False, **kwargs)[self.harbor.pk]
        self.assertEqual(
            (fast.total, fast.band, [(c.key, c.score, c.weight) for c in fast.components]),
            (
                explained.total,
                explained.band,
                [(c.key, c.score, c.weight) for c in explained.components],
            ),
        )
        self.assertEqual(
            [(a.penalty, a.band_cap) for a in fast.adjustments],
            [(a.penalty, a.band_cap) for a in explained.adjustments],
        )
        return explained

    def weekly(self) -> None:
        Client.objects.filter(pk=self.harbor.pk).update(
            report_cadence="weekly", report_weekday=0, report_time=dt.time(9)
        )

    def report(self, day: dt.date, *, hours_late: float | None, state: str = "sent") -> int:
        sent_at = None if hours_late is None else due(day) + dt.timedelta(hours=hours_late)
        return StatusReport.objects.create(
            workspace=self.workspace,
            client=self.harbor,
            kind="status",
            period_start=day - dt.timedelta(days=6),
            period_end=day,
            due_at=due(day),
            subject="Update",
            state=state,
            sent_at=sent_at,
        ).pk

    def answer(self, kind: str, score: int, days_ago: float, **fields: Any) -> FeedbackResponse:
        return FeedbackResponse.objects.create(
            workspace=self.workspace,
            client=self.harbor,
            kind=kind,
            score=score,
            source="email",
            created_at=ago(days=days_ago),
            **fields,
        )

    def case(self, days_ago: float, **fields: Any) -> RecoveryCase:
        return RecoveryCase.objects.create(
            workspace=self.workspace,
            client=self.harbor,
            cause="slow_response",
            what_happened="We took a week to answer.",
            opened_at=ago(days=days_ago),
            **fields,
        )

    # Update consistency

    def test_it_scores_the_share_of_reports_sent_on_time(self) -> None:
        self.weekly()
        late = self.report(MONDAYS[11], hours_late=30)  # 16 Nov: after the 24-hour grace
        self.report(MONDAYS[10], hours_late=23)  # 9 Nov: within the grace, on time
        self.report(MONDAYS[9], hours_late=None, state="draft")  # 2 Nov: never sent
        for day in MONDAYS[:9]:
            self.report(day, hours_late=1)
        # 23 Nov: no report at all. On time: 9 + 1 of 13.
        found = component(self.score(), "update_consistency")
        assert found is not None
        self.assertEqual(found.score, round(100 * 10 / 13, 1))
        self.assertEqual(
            found.explanation,
            "13 scheduled status reports fell due in the last 90 days: 10 on time, 1 late and "
            "2 not sent (on time means sent within 24 hours of being due).",
        )
        self.assertIn("would raise this to 79", found.advice)  # 11 of 14
        reports = reverse("client_detail", args=[self.harbor.pk]) + "#reports"
        self.assertEqual(
            [(e.label, e.url) for e in found.evidence],
            [
                ("Report for 17 Nov to 23 Nov: not sent", reports),
                (
                    "Report for 10 Nov to 16 Nov: sent 30 hours after it was due",
                    reverse("report_review", args=[late]),
                ),
                ("Report for 27 Oct to 2 Nov: not sent", reports),
                ("All reports to Harbor Dental", reports),
            ],
        )

    def test_it_counts_a_period_only_once_its_grace_is_over_or_it_went_out(self) -> None:
        self.weekly()
        for day in MONDAYS:
            self.report(day, hours_late=1)
        # On Monday 23 Nov at 20:00 that day's report is due but still within its grace.
        at = due(MONDAYS[12]) + dt.timedelta(hours=11)
        StatusReport.objects.filter(period_end=MONDAYS[12]).update(state="draft", sent_at=None)
        found = component(self.score(at=at), "update_consistency")
        assert found is not None
        self.assertEqual(found.score, 100.0)
        self.assertTrue(found.explanation.startswith("12 scheduled status reports"))
        # The next day, past the grace, it counts as not sent.
        found = component(self.score(at=at + dt.timedelta(hours=14)), "update_consistency")
        assert found is not None
        self.assertEqual(found.score, round(100 * 12 / 13, 1))

    def test_it_follows_the_workspace_default_and_its_grace(self) -> None:
        ReportSettings.objects.create(
            workspace=self.workspace,
            default_cadence="weekly",
            default_weekday=0,
            default_time=dt.time(9),
            grace_hours=48,
        )
        Contact.objects.create(
            workspace=self.workspace,
            client=self.harbor,
            name="Lena",
            email="lena@example.com",
            receives_reports=True,
        )
        for day in MONDAYS:
            self.report(day, hours_late=30)  # late under 24 hours of grace, fine under 48
        found = component(self.score(), "update_consistency")
        assert found is not None
        self.assertEqual(found.score, 100.0)
        self.assertEqual(found.advice, "")

    def test_it_leaves_update_consistency_out_without_scheduled_periods(self) -> None:
        self.report(MONDAYS[3], hours_late=100)  # a late report, but no schedule
        self.assertIsNone(component(self.score(), "update_consistency"))
        self.weekly()
        Client.objects.filter(pk=self.harbor.pk).update(created_at=ago(hours=30))
        # Added after the last Monday's report fell due: nothing was owed yet.
        self.assertIsNone(component(self.score(), "update_consistency"))

    # Feedback

    def test_it_decays_the_latest_answer_toward_neutral(self) -> None:
        self.answer("nps", 2, 200)
        logged = Interaction.objects.create(
            workspace=self.workspace,
            client=self.harbor,
            channel=Channel.EMAIL,
            direction=Direction.INBOUND,
            occurred_at=ago(days=90),
        )
        self.answer("nps", 9, 90, interaction=logged)  # 90, one half-life: 50 + 40 / 2
        found = component(self.score(), "feedback")
        assert found is not None
        self.assertEqual(found.score, 70.0)
        self.assertEqual(
            found.explanation,
            "Their latest feedback, 90 days ago, was 9 of 10 (NPS, 90 on a scale of 0 to 100); "
            "it counts as 70 now, as an answer's pull away from the neutral 50 halves every "
            "90 days.",
        )
        self.assertEqual(found.advice, "Ask for feedback again: a fresh answer counts in full.")
        self.assertEqual(
            [(e.label, e.url) for e in found.evidence],
            [("NPS answer 9 of 10, 90 days ago", reverse("interaction_edit", args=[logged.pk]))],
        )

    def test_it_counts_a_fresh_low_answer_in_full(self) -> None:
        self.answer("csat", 2, 0)  # 2 of 5: 25
        found = component(self.score(), "feedback")
        assert found is not None
        self.assertEqual(found.score, 25.0)
        self.assertIn("what went wrong", found.advice)
        feedback = reverse("client_detail", args=[self.harbor.pk]) + "#feedback"
        self.assertEqual([e.url for e in found.evidence], [feedback])

    def test_it_leaves_feedback_out_after_a_year_or_before_any(self) -> None:
        self.assertIsNone(component(self.score(), "feedback"))
        self.answer("nps", 10, 366)
        self.assertIsNone(component(self.score(), "feedback"))
        self.assertIsNone(component(self.score(at=AT + dt.timedelta(days=400)), "feedback"))
        found = component(self.score(at=ago(days=300)), "feedback")  # 66 days old then
        assert found is not None
        self.assertEqual(found.score, round(50 + 50 * 0.5 ** (66 / 90), 1))

    # Open recovery cases

    def test_an_open_case_lowers_the_total_and_caps_the_band(self) -> None:
        self.answer("nps", 10, 0)
        before = self.score()
        self.assertEqual((before.total, before.band), (100.0, "close"))
        case = self.case(5)
        after = self.score()
        self.assertEqual((after.total, after.band), (85.0, "cool"))
        self.assertEqual([c.score for c in after.components], [c.score for c in before.components])
        (found,) = after.adjustments
        self.assertEqual(
            found.explanation,
            "An open recovery case (slow response, opened 5 days ago) lowers the score by 15 "
            "and holds the band at Cool until it is closed.",
        )
        self.assertEqual(
            [(e.label, e.url) for e in found.evidence],
            [
                (
                    "Recovery case: slow response, opened 5 days ago",
                    reverse("recovery_case_detail", args=[case.pk]),
                )
            ],
        )
        self.case(1)  # two open cases: 30 points
        self.assertEqual((self.score().total, self.score().band), (70.0, "cool"))

    def test_a_case_counts_only_while_open_at_the_moment(self) -> None:
        self.answer("nps", 10, 20)
        closed = self.case(10, outcome="retained", closed_at=ago(days=3))
        now = self.score()
        self.assertEqual(now.adjustments, [])
        self.assertEqual(now.band, "close")
        then = self.score(at=ago(days=4))  # opened, not closed yet
        self.assertEqual(len(then.adjustments), 1)
        self.assertEqual(then.band, "cool")
        self.assertEqual(self.score(at=ago(days=11)).adjustments, [])  # not opened yet
        RecoveryCase.objects.filter(pk=closed.pk).update(
            opened_at=ago(days=1), closed_at=None, outcome="open"
        )
        self.assertEqual(len(self.score().adjustments), 1)  # open, no closing date

    def test_a_case_never_takes_the_total_below_zero_and_keeps_a_cold_band(self) -> None:
        Client.objects.filter(pk=self.harbor.pk).update(check_in_every_days=1)
        Interaction.objects.filter(client=self.harbor).update(occurred_at=ago(days=200))
        self.answer("nps", 0, 0)
        for days in (1, 2):
            self.case(days)
        score = self.score()
        self.assertEqual((score.total, score.band), (0.0, "cold"))

    def test_cases_leave_no_score_when_history_is_too_thin(self) -> None:
        self.case(3)
        score = self.score()
        self.assertIsNone(score.total)
        self.assertEqual(len(score.adjustments), 1)

    # Snapshots, queries, the API and the page

    def test_a_new_report_answer_or_case_makes_the_snapshot_stale(self) -> None:
        today = AT.date()
        changes = [
            lambda: self.answer("nps", 3, -5 / 86400),  # answered 5 seconds after AT
            lambda: self.case(0),
            lambda: self.report(MONDAYS[12], hours_late=1),
            lambda: ReportSettings.objects.create(workspace=self.workspace, grace_hours=48),
        ]
        for n, change in enumerate(changes):
            with time_machine.travel(AT + dt.timedelta(seconds=10 * n), tick=False):
                snapshots_store(workspace=self.workspace, day=today)
                self.assertEqual(stale_client_ids(self.workspace, today), [])
            with time_machine.travel(AT + dt.timedelta(seconds=10 * n + 5), tick=False):
                change()
                self.assertEqual(stale_client_ids(self.workspace, today), [self.harbor.pk])

    def test_each_new_part_costs_one_query_or_none_when_weighted_zero(self) -> None:
        with self.assertNumQueries(7):
            compute_scores(self.workspace)
        with self.assertNumQueries(8):  # personal touch is weighted 0 here
            compute_scores(self.workspace, explain=False)
        TrustSettings.objects.filter(workspace=self.workspace).update(
            weight_update_consistency=0, weight_feedback=0
        )
        with self.assertNumQueries(5):
            compute_scores(self.workspace)
        with self.assertNumQueries(6):
            compute_scores(self.workspace, explain=False)

    def test_the_api_and_the_page_explain_an_open_case(self) -> None:
        self.answer("nps", 10, 0)
        case = self.case(5)
        body = self.assert_status(self.get(f"/api/clients/{self.harbor.pk}/score"), 200)
        self.assertEqual((body["total"], body["band"]), (85.0, "cool"))
        (found,) = body["adjustments"]
        self.assertEqual(
            (found["key"], found["penalty"], found["band_cap"]), ("recovery_case", 15.0, "cool")
        )
        self.assertTrue(found["evidence"][0]["url"].endswith(f"/recovery/{case.pk}/"))
        self.assertIn("feedback", [part["key"] for part in body["components"]])
        self.login(self.alice)
        html = self.client.get(f"/clients/{self.harbor.pk}/").text
        self.assertIn("An open recovery case (slow response, opened 5 days ago)", html)
        self.assertIn(f'href="/recovery/{case.pk}/"', html)
