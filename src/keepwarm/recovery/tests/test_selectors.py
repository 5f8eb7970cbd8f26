"""Tests for the recovery selectors: open cases, suggestion signals, topics due, insights."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import time_machine
from django.urls import reverse

from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.feedback.models import FeedbackResponse
from keepwarm.interactions.models import Interaction
from keepwarm.recovery import services
from keepwarm.recovery.models import RecoveryCase, ToughTopic
from keepwarm.recovery.selectors import (
    open_cases_by_client,
    recovery_insights,
    recovery_suggestions,
    tough_topics_due,
)
from keepwarm.recovery.tests.helpers import RecoveryTestCase
from keepwarm.reports.models import StatusReport

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@time_machine.travel(NOW, tick=False)
class SuggestionTests(RecoveryTestCase):
    def _inbound(self, client: Client | None = None, **fields: object) -> Interaction:
        data: dict[str, object] = {
            "workspace": self.workspace,
            "client": client or self.meadowbank,
            "channel": "email",
            "direction": "inbound",
            "occurred_at": NOW - dt.timedelta(days=2),
            "subject": "Booking page down again",
        }
        data.update(fields)
        return Interaction.objects.create(**data)

    def _suggestions(self, **kwargs: object) -> list[tuple[str, str]]:
        found = recovery_suggestions(workspace_id=self.workspace.pk, now=NOW, **kwargs)  # type: ignore[arg-type]
        return [(s.client_name, s.signal) for s in found]

    def test_nothing_is_suggested_without_signals(self) -> None:
        self._inbound(sentiment=0.4, first_response_seconds=3600)
        self.assertEqual(self._suggestions(), [])

    def test_a_clearly_negative_message_suggests_a_case(self) -> None:
        self._inbound(sentiment=-0.7, first_response_seconds=600)
        self._inbound(sentiment=-0.3, first_response_seconds=600)  # terse, not clearly upset
        [suggestion] = recovery_suggestions(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(suggestion.signal, "negative_message")
        self.assertEqual(
            suggestion.sentence, "Meadowbank Vets sent a clearly upset email 2 days ago"
        )
        self.assertEqual(suggestion.owner_id, self.bob.pk)
        url = urlparse(suggestion.url)
        self.assertEqual(url.path, reverse("recovery_case_create", args=[self.meadowbank.pk]))
        query = parse_qs(url.query)
        self.assertEqual(query["signal"], ["negative_message"])
        self.assertEqual(query["cause"], ["other"])

    def test_an_old_negative_message_does_not(self) -> None:
        self._inbound(sentiment=-0.9, occurred_at=NOW - dt.timedelta(days=15))
        self.assertEqual(self._suggestions(), [])

    def test_a_reply_later_than_three_times_the_target_suggests_a_case(self) -> None:
        # Target 4 hours: 13 hours is over three times it, 11 hours is not.
        self._inbound(first_response_seconds=11 * 3600, sentiment=0.1)
        self.assertEqual(self._suggestions(), [])
        self._inbound(first_response_seconds=13 * 3600, sentiment=0.1)
        [suggestion] = recovery_suggestions(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual((suggestion.signal, suggestion.cause), ("slow_reply", "slow_response"))
        self.assertIn("waited 13 hours for a reply", suggestion.sentence)
        self.assertIn("three times the 4 hours we aim for", suggestion.sentence)

    def test_a_message_still_unanswered_past_three_times_the_target_suggests_a_case(self) -> None:
        self._inbound(needs_reply=True, occurred_at=NOW - dt.timedelta(hours=11))
        self.assertEqual(self._suggestions(), [])
        self._inbound(needs_reply=True, occurred_at=NOW - dt.timedelta(hours=50))
        [suggestion] = recovery_suggestions(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(suggestion.signal, "slow_reply")
        self.assertIn("has waited 2 days so far", suggestion.sentence)

    def test_a_broken_promise_suggests_a_case(self) -> None:
        Commitment.objects.create(
            workspace=self.workspace,
            client=self.other,
            what="Send the new rota page",
            due_on=TODAY - dt.timedelta(days=3),
            status=CommitmentStatus.BROKEN,
        )
        [suggestion] = recovery_suggestions(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(
            (suggestion.client_name, suggestion.signal), ("Harbor Dental", "broken_promise")
        )
        self.assertIn("“Send the new rota page”", suggestion.sentence)

    def test_one_suggestion_per_client_and_signal(self) -> None:
        self._inbound(sentiment=-0.8, occurred_at=NOW - dt.timedelta(days=5))
        self._inbound(sentiment=-0.6, occurred_at=NOW - dt.timedelta(days=1))
        self._inbound(sentiment=-0.9, client=self.other)
        [first, second] = recovery_suggestions(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual((first.client_name, first.sentence[-9:]), ("Meadowbank Vets", "yesterday"))
        self.assertEqual(second.client_name, "Harbor Dental")

    def test_an_open_case_suppresses_every_signal_for_its_client(self) -> None:
        self._inbound(sentiment=-0.8, needs_reply=True, occurred_at=NOW - dt.timedelta(days=3))
        Commitment.objects.create(
            workspace=self.workspace,
            client=self.meadowbank,
            what="Fix it",
            due_on=TODAY,
            status=CommitmentStatus.BROKEN,
        )
        self.assertEqual(
            sorted(self._suggestions()),
            [
                ("Meadowbank Vets", "broken_promise"),
                ("Meadowbank Vets", "negative_message"),
                ("Meadowbank Vets", "slow_reply"),
            ],
        )
        case = services.case_open(
            membership=self.alice_m, client=self.meadowbank, cause="other", what_happened="x"
        )
        self.assertEqual(self._suggestions(), [])
        services.case_close(membership=self.alice_m, case=case, outcome="lost", closing_note="x")
        self.assertEqual(len(self._suggestions()), 3)

    def test_it_keeps_to_the_clients_and_workspace_asked_for(self) -> None:
        self._inbound(sentiment=-0.8)
        self._inbound(sentiment=-0.8, client=self.other)
        self.assertEqual(
            self._suggestions(client_ids=[self.other.pk]), [("Harbor Dental", "negative_message")]
        )
        self.assertEqual(recovery_suggestions(workspace_id=self.charlies_workspace.pk, now=NOW), [])

    def test_it_answers_in_a_fixed_number_of_queries(self) -> None:
        for n in range(6):
            client = Client.objects.create(workspace=self.workspace, name=f"Client {n}")
            self._inbound(
                client=client,
                sentiment=-0.9,
                needs_reply=True,
                occurred_at=NOW - dt.timedelta(days=4),
            )
            Commitment.objects.create(
                workspace=self.workspace,
                client=client,
                what="x",
                due_on=TODAY,
                status=CommitmentStatus.BROKEN,
            )
            client.report_cadence = "weekly"
            client.created_at = NOW - dt.timedelta(days=60)
            client.save()
            FeedbackResponse.objects.create(
                workspace=self.workspace,
                client=client,
                kind="nps",
                score=2,
                unhappy=True,
                source="email",
                created_at=NOW - dt.timedelta(days=1),
            )
        with self.assertNumQueries(7):
            found = recovery_suggestions(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(len(found), 30)

    def _weekly(self) -> None:
        self.meadowbank.report_cadence = "weekly"  # Fridays at 16:00 UTC
        self.meadowbank.created_at = NOW - dt.timedelta(days=60)
        self.meadowbank.save()

    def test_two_missed_reports_suggest_a_case(self) -> None:
        self._weekly()
        [suggestion] = recovery_suggestions(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual((suggestion.signal, suggestion.cause), ("missed_reports", "no_updates"))
        self.assertEqual(
            suggestion.sentence,
            "Meadowbank Vets has not had their last two status reports (due 13 Nov and 20 Nov)",
        )

    def test_one_sent_report_of_the_two_means_no_suggestion(self) -> None:
        self._weekly()
        StatusReport.objects.create(
            workspace=self.workspace,
            client=self.meadowbank,
            period_start=dt.date(2026, 11, 14),
            period_end=dt.date(2026, 11, 20),
            subject="Weekly update",
            state="sent",
        )
        self.assertEqual(self._suggestions(), [])

    def test_a_new_client_has_not_missed_two_reports(self) -> None:
        self._weekly()
        self.meadowbank.created_at = NOW - dt.timedelta(days=10)
        self.meadowbank.save()
        self.assertEqual(self._suggestions(), [])

    def test_a_low_feedback_score_suggests_a_case(self) -> None:
        FeedbackResponse.objects.create(
            workspace=self.workspace,
            client=self.meadowbank,
            kind="nps",
            score=3,
            comment="Nobody tells us anything.",
            unhappy=True,
            source="email",
            created_at=NOW - dt.timedelta(days=3),
        )
        [suggestion] = recovery_suggestions(workspace_id=self.workspace.pk, now=NOW)
        self.assertEqual(suggestion.signal, "low_feedback")
        self.assertEqual(
            suggestion.sentence,
            "Meadowbank Vets gave us a low score, 3 of 10, 3 days ago: “Nobody tells us anything.”",
        )
        self.assertEqual(self._suggestions(client_ids=[self.other.pk]), [])


@time_machine.travel(NOW, tick=False)
class OpenCaseTests(RecoveryTestCase):
    def test_it_lists_open_cases_by_client_with_their_next_step(self) -> None:
        case = services.case_open(
            membership=self.alice_m,
            client=self.meadowbank,
            cause="slow_response",
            what_happened="x",
        )
        services.step_record(membership=self.alice_m, case=case, step="prepare")
        closed = services.case_open(
            membership=self.alice_m, client=self.other, cause="other", what_happened="x"
        )
        services.case_close(membership=self.alice_m, case=closed, outcome="lost", closing_note="x")
        found = open_cases_by_client(self.workspace.pk)
        self.assertEqual(list(found), [self.meadowbank.pk])
        [summary] = found[self.meadowbank.pk]
        self.assertEqual((summary.steps_done, summary.next_step), (1, "facts"))
        self.assertEqual(summary.next_step_label, "Find the facts")
        self.assertIn("Find out what the facts are", summary.next_step_asks)
        self.assertEqual(summary.url, reverse("recovery_case_detail", args=[case.pk]))
        self.assertEqual(open_cases_by_client(self.charlies_workspace.pk), {})

    def test_it_answers_in_two_queries(self) -> None:
        for n in range(5):
            client = Client.objects.create(workspace=self.workspace, name=f"Client {n}")
            case = RecoveryCase.objects.create(
                workspace=self.workspace, client=client, cause="other", what_happened="x"
            )
            services.step_record(membership=self.alice_m, case=case, step="prepare")
        with self.assertNumQueries(2):
            found = open_cases_by_client(self.workspace.pk)
        self.assertEqual(len(found), 5)


@time_machine.travel(NOW, tick=False)
class TopicsDueTests(RecoveryTestCase):
    def _topic(self, days: int, **fields: object) -> ToughTopic:
        data: dict[str, object] = {
            "workspace": self.workspace,
            "client": self.meadowbank,
            "kind": "price",
            "what_to_say": "Hosting goes up 8% in February.",
            "raise_by": TODAY + dt.timedelta(days=days),
        }
        data.update(fields)
        return ToughTopic.objects.create(**data)

    def test_it_lists_unraised_topics_due_within_a_week_or_overdue(self) -> None:
        overdue = self._topic(-3, kind="mistake")
        soon = self._topic(6)
        self._topic(8)  # not yet
        self._topic(-1, raised_at=NOW)  # raised
        found = tough_topics_due(workspace_id=self.workspace.pk, today=TODAY)
        self.assertEqual([t.topic_id for t in found], [overdue.pk, soon.pk])
        first, second = found
        self.assertEqual((first.overdue, first.overdue_days), (True, 3))
        self.assertEqual(
            first.sentence, "Admit a mistake to Meadowbank Vets — 3 days past the date to raise it"
        )
        self.assertEqual((second.overdue, second.overdue_days), (False, 0))
        self.assertEqual(
            second.sentence, "Talk about price with Meadowbank Vets — raise it within 6 days"
        )
        self.assertTrue(first.url.endswith(f"#topic-{overdue.pk}"))

    def test_it_keeps_to_the_clients_asked_for_in_one_query(self) -> None:
        self._topic(1)
        self._topic(1, client=self.other)
        with self.assertNumQueries(1):
            found = tough_topics_due(
                workspace_id=self.workspace.pk, today=TODAY, client_ids=[self.other.pk]
            )
        self.assertEqual([t.client_name for t in found], ["Harbor Dental"])


class InsightsTests(RecoveryTestCase):
    def test_it_counts_cases_by_cause_with_median_time_and_retained_share(self) -> None:
        start = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
        for days, cause, outcome in (
            (2, "slow_response", "retained"),
            (4, "slow_response", "lost"),
            (10, "no_updates", "retained"),
            (None, "slow_response", "open"),
        ):
            RecoveryCase.objects.create(
                workspace=self.workspace,
                client=self.meadowbank,
                cause=cause,
                what_happened="x",
                opened_at=start,
                outcome=outcome,
                closed_at=start + dt.timedelta(days=days) if days else None,
            )
        with self.assertNumQueries(1):
            figures = recovery_insights(self.workspace.pk)
        self.assertEqual(
            (figures.total, figures.open, figures.retained, figures.lost), (4, 1, 2, 1)
        )
        self.assertEqual(figures.median_days_to_close, 4)
        self.assertEqual(figures.retained_share, 67)
        first = figures.by_cause[0]
        self.assertEqual((first.cause, first.total, first.open), ("slow_response", 3, 1))
        self.assertEqual(recovery_insights(self.charlies_workspace.pk).total, 0)
