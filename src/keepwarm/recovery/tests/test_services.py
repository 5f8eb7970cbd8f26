"""Tests for the recovery services: cases, steps, agreed actions, closing, tough topics."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from keepwarm.accounts.models import AuditEvent
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.recovery import services
from keepwarm.recovery.models import AgreedAction, RecoveryCase, RecoveryStep
from keepwarm.recovery.steps import STEP_ORDER, next_step
from keepwarm.recovery.tests.helpers import RecoveryTestCase


class CaseServiceTests(RecoveryTestCase):
    def _open(self, **kwargs: str) -> RecoveryCase:
        data = {
            "cause": "slow_response",
            "what_happened": "Fiona waited two days for an answer about the booking page.",
            **kwargs,
        }
        return services.case_open(membership=self.alice_m, client=self.meadowbank, **data)

    def test_it_opens_a_case_and_audits_it(self) -> None:
        case = self._open(signal="slow_reply")
        self.assertEqual(case.outcome, "open")
        self.assertEqual(case.opened_by, self.alice)
        self.assertEqual(case.signal, "slow_reply")
        self.assertTrue(AuditEvent.objects.filter(action="recovery_case.open").exists())

    def test_it_refuses_a_second_open_case_for_the_same_client(self) -> None:
        self._open()
        with self.assertRaises(ValidationError):
            self._open()

    def test_it_refuses_an_unknown_cause_and_empty_story(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self._open(cause="bad", what_happened="  ")
        self.assertEqual(set(caught.exception.message_dict), {"cause", "what_happened"})

    def test_it_refuses_a_viewer(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.case_open(
                membership=self.victor_m,
                client=self.meadowbank,
                cause="other",
                what_happened="x",
            )

    def test_it_refuses_a_client_of_another_workspace(self) -> None:
        with self.assertRaises(ValidationError):
            services.case_open(
                membership=self.charlie_m,
                client=self.meadowbank,
                cause="other",
                what_happened="x",
            )

    def test_steps_may_be_done_in_any_order_and_the_next_is_the_first_undone(self) -> None:
        case = self._open()
        services.step_record(membership=self.bob_m, case=case, step="frame", notes="Slow replies.")
        services.step_record(membership=self.bob_m, case=case, step="prepare")
        done = set(RecoveryStep.objects.filter(case=case).values_list("step", flat=True))
        guide = next_step(done)
        assert guide is not None
        self.assertEqual(guide.key, "facts")
        step = RecoveryStep.objects.get(case=case, step="frame")
        self.assertEqual((step.notes, step.done_by), ("Slow replies.", self.bob))

    def test_recording_a_done_step_again_changes_its_notes(self) -> None:
        case = self._open()
        first = services.step_record(membership=self.alice_m, case=case, step="facts", notes="a")
        again = services.step_record(membership=self.alice_m, case=case, step="facts", notes="b")
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(RecoveryStep.objects.get(pk=first.pk).notes, "b")

    def test_a_step_can_be_marked_not_done(self) -> None:
        case = self._open()
        services.step_record(membership=self.alice_m, case=case, step="facts")
        services.step_undo(membership=self.alice_m, case=case, step="facts")
        self.assertFalse(RecoveryStep.objects.filter(case=case).exists())
        with self.assertRaises(ValidationError):
            services.step_undo(membership=self.alice_m, case=case, step="facts")

    def test_it_refuses_an_unknown_step(self) -> None:
        case = self._open()
        with self.assertRaises(ValidationError):
            services.step_record(membership=self.alice_m, case=case, step="pray")

    def test_our_agreed_action_becomes_a_promise_in_the_ledger(self) -> None:
        case = self._open()
        due = timezone.localdate() + dt.timedelta(days=3)
        action = services.action_add(
            membership=self.alice_m, case=case, side="ours", text="Fix the booking page", due_on=due
        )
        assert action.commitment is not None
        promise = Commitment.objects.get(pk=action.commitment.pk)
        self.assertEqual(
            (promise.client, promise.what, promise.due_on, promise.status),
            (self.meadowbank, "Fix the booking page", due, CommitmentStatus.OPEN),
        )
        self.assertEqual(list(promise.recovery_actions.all()), [action])

    def test_our_agreed_action_needs_a_date(self) -> None:
        case = self._open()
        with self.assertRaises(ValidationError) as caught:
            services.action_add(membership=self.alice_m, case=case, side="ours", text="Fix it")
        self.assertIn("due_on", caught.exception.message_dict)
        self.assertFalse(Commitment.objects.exists())

    def test_their_agreed_action_is_tracked_and_marked_done(self) -> None:
        case = self._open()
        action = services.action_add(
            membership=self.alice_m, case=case, side="theirs", text="Send the new price list"
        )
        self.assertIsNone(action.commitment)
        services.action_mark_done(membership=self.alice_m, action=action)
        self.assertIsNotNone(AgreedAction.objects.get(pk=action.pk).done_at)
        services.action_mark_done(membership=self.alice_m, action=action, done=False)
        self.assertIsNone(AgreedAction.objects.get(pk=action.pk).done_at)

    def test_our_action_is_not_marked_done_here(self) -> None:
        case = self._open()
        action = services.action_add(
            membership=self.alice_m,
            case=case,
            side="ours",
            text="Call Fiona",
            due_on=timezone.localdate(),
        )
        with self.assertRaises(ValidationError):
            services.action_mark_done(membership=self.alice_m, action=action)

    def test_retained_needs_the_agreement_step(self) -> None:
        case = self._open()
        with self.assertRaises(ValidationError) as caught:
            services.case_close(
                membership=self.alice_m, case=case, outcome="retained", closing_note="Stayed."
            )
        self.assertIn("outcome", caught.exception.message_dict)
        services.step_record(membership=self.alice_m, case=case, step="agree")
        services.case_close(
            membership=self.alice_m, case=case, outcome="retained", closing_note="Stayed."
        )
        case.refresh_from_db()
        self.assertEqual(case.outcome, "retained")
        self.assertIsNotNone(case.closed_at)
        self.assertEqual(case.closed_by, self.alice)

    def test_retained_with_our_promise_still_open_leaves_it_in_the_ledger(self) -> None:
        case = self._open()
        action = services.action_add(
            membership=self.alice_m,
            case=case,
            side="ours",
            text="Weekly update every Friday",
            due_on=timezone.localdate() + dt.timedelta(days=4),
        )
        for step in STEP_ORDER:
            services.step_record(membership=self.alice_m, case=case, step=step)
        services.case_close(
            membership=self.alice_m, case=case, outcome="retained", closing_note="Stayed."
        )
        assert action.commitment is not None
        action.commitment.refresh_from_db()
        self.assertEqual(action.commitment.status, CommitmentStatus.OPEN)

    def test_lost_may_close_at_any_step_but_needs_a_note(self) -> None:
        case = self._open()
        with self.assertRaises(ValidationError):
            services.case_close(membership=self.alice_m, case=case, outcome="lost", closing_note="")
        services.case_close(
            membership=self.alice_m, case=case, outcome="lost", closing_note="Moved on."
        )
        self.assertEqual(case.outcome, "lost")

    def test_a_closed_case_takes_no_more_changes_and_a_new_case_may_open(self) -> None:
        case = self._open()
        services.case_close(
            membership=self.alice_m, case=case, outcome="lost", closing_note="Moved on."
        )
        with self.assertRaises(ValidationError):
            services.step_record(membership=self.alice_m, case=case, step="prepare")
        with self.assertRaises(ValidationError):
            services.action_add(membership=self.alice_m, case=case, side="theirs", text="x")
        with self.assertRaises(ValidationError):
            services.case_close(
                membership=self.alice_m, case=case, outcome="lost", closing_note="Again."
            )
        self.assertTrue(self._open().is_open)

    def test_it_refuses_an_unknown_outcome(self) -> None:
        case = self._open()
        with self.assertRaises(ValidationError):
            services.case_close(
                membership=self.alice_m, case=case, outcome="open", closing_note="x"
            )


class TopicServiceTests(RecoveryTestCase):
    def test_it_adds_raises_and_updates_a_topic(self) -> None:
        topic = services.topic_create(
            membership=self.bob_m,
            client=self.meadowbank,
            kind="price",
            what_to_say="Our hosting price rises by 8% from February.",
            raise_by=dt.date(2026, 12, 2),
        )
        self.assertEqual(topic.created_by, self.bob)
        services.topic_mark_raised(
            membership=self.bob_m, topic=topic, outcome="Fiona understood; asked for a yearly plan."
        )
        topic.refresh_from_db()
        self.assertIsNotNone(topic.raised_at)
        self.assertEqual(topic.raised_by, self.bob)
        with self.assertRaises(ValidationError):
            services.topic_mark_raised(membership=self.bob_m, topic=topic, outcome="again")
        services.topic_update(membership=self.bob_m, topic=topic, outcome="Agreed a yearly plan.")
        topic.refresh_from_db()
        self.assertEqual(topic.outcome, "Agreed a yearly plan.")
        self.assertTrue(AuditEvent.objects.filter(action="tough_topic.raise").exists())

    def test_it_validates_a_topic(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.topic_create(
                membership=self.bob_m,
                client=self.meadowbank,
                kind="gossip",
                what_to_say=" ",
                raise_by=dt.date(2026, 12, 2),
            )
        self.assertEqual(set(caught.exception.message_dict), {"kind", "what_to_say"})

    def test_raising_needs_an_outcome_and_a_writer(self) -> None:
        topic = services.topic_create(
            membership=self.bob_m,
            client=self.meadowbank,
            kind="mistake",
            what_to_say="We missed the booking page outage for two days.",
            raise_by=dt.date(2026, 12, 2),
        )
        with self.assertRaises(ValidationError):
            services.topic_mark_raised(membership=self.bob_m, topic=topic, outcome="")
        with self.assertRaises(PermissionDenied):
            services.topic_mark_raised(membership=self.victor_m, topic=topic, outcome="ok")
