from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import time_machine
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.testing import BaseTestCase
from keepwarm.trust.models import TrustSettings
from keepwarm.trust.scoring import (
    RECOVERY_PENALTY,
    CaseRow,
    ClientInputs,
    FeedbackRow,
    MessageRow,
    PeriodRow,
    PromiseRow,
    ResponseRow,
    TouchRow,
    band_for,
    compute_scores,
    score_client,
    score_inputs_for_workspace,
)
from keepwarm.trust.types import ClientScore, Component

AT = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = AT.date()
HOUR = 3600.0


def ago(*, days: float = 0, hours: float = 0) -> dt.datetime:
    return AT - dt.timedelta(days=days, hours=hours)


def make_inputs(**fields: Any) -> ClientInputs:
    data: dict[str, Any] = {
        "client_id": 7,
        "name": "Harbor Dental",
        "created_at": ago(days=5),
        "response_target_hours": 24,
        "check_in_every_days": 14,
        "today": TODAY,
    }
    data.update(fields)
    return ClientInputs(**data)


def reply(hours: float, *, pk: int = 1, days_ago: float = 10, subject: str = "Hi") -> ResponseRow:
    return ResponseRow(pk, subject, ago(days=days_ago), hours * HOUR)


def waiting(hours_ago: float, *, pk: int = 1, subject: str = "Hi") -> ResponseRow:
    return ResponseRow(pk, subject, ago(hours=hours_ago), None)


def promise(status: str, *, due_days_ago: int = 10, pk: int = 1, what: str = "Do it") -> PromiseRow:
    return PromiseRow(pk, what, TODAY - dt.timedelta(days=due_days_ago), status)


def message(tone: float, *, days_ago: float = 0, pk: int = 1, subject: str = "Hi") -> MessageRow:
    return MessageRow(pk, subject, ago(days=days_ago), tone)


def touch(*, days_ago: float = 5, pk: int = 1) -> TouchRow:
    return TouchRow(pk, "Birthday card", ago(days=days_ago), True, False)


def component(score: ClientScore, key: str) -> Component | None:
    return next((c for c in score.components if c.key == key), None)


def part(inputs: ClientInputs, key: str, trust: TrustSettings | None = None) -> Component:
    found = component(score_client(inputs, trust or TrustSettings(), at=AT), key)
    assert found is not None, f"{key} is absent"
    return found


class ResponsivenessTests(SimpleTestCase):
    def score(self, *rows: ResponseRow, target: int = 24) -> float:
        inputs = make_inputs(responses=rows, response_target_hours=target)
        return part(inputs, "responsiveness").score

    def test_it_gives_full_marks_at_or_under_the_target(self) -> None:
        self.assertEqual(self.score(reply(24)), 100)
        self.assertEqual(self.score(reply(0.5)), 100)

    def test_it_gives_nothing_at_four_times_the_target_or_more(self) -> None:
        self.assertEqual(self.score(reply(96)), 0)
        self.assertEqual(self.score(reply(200)), 0)

    def test_it_falls_in_a_straight_line_between(self) -> None:
        self.assertEqual(self.score(reply(60)), 50)  # (96 - 60) / 72
        found = part(make_inputs(responses=[reply(60)]), "responsiveness")
        self.assertEqual(found.advice, "Answer within 24 hours: the one reply took 2½ days.")
        self.assertEqual(self.score(reply(6), target=4), 83.3)  # (16 - 6) / 12

    def test_it_uses_the_time_three_in_four_replies_came_within(self) -> None:
        quick = [reply(h, pk=n) for n, h in enumerate((1, 2, 3), start=1)]
        self.assertEqual(self.score(*quick, reply(90, pk=9)), 100)  # rank 3 of 4: 3 hours
        self.assertEqual(self.score(*quick[:2], reply(60, pk=8), reply(90, pk=9)), 50)

    def test_it_explains_with_numbers_and_units(self) -> None:
        rows = [reply(h, pk=n) for n, h in enumerate((1, 2, 3, 90), start=1)]
        found = part(make_inputs(responses=rows), "responsiveness")
        self.assertEqual(
            found.explanation,
            "3 of the 4 messages needing a reply in the last 90 days were answered within "
            "3 hours; the target is 24 hours.",
        )
        self.assertEqual(found.advice, "")
        self.assertEqual(found.evidence[0].label, "'Hi': answered after 4 days")
        self.assertEqual(found.evidence[0].url, "/interactions/4/edit/")

    def test_it_counts_a_late_unanswered_message_with_its_wait_so_far(self) -> None:
        self.assertAlmostEqual(self.score(waiting(48)), 66.7)  # (96 - 48) / 72
        found = part(make_inputs(responses=[waiting(48, subject="Angry")]), "responsiveness")
        self.assertEqual(
            found.explanation,
            "The one message needing a reply in the last 90 days has waited 2 days so far; "
            "the target is 24 hours.",
        )
        self.assertEqual(found.advice, "Answer 'Angry': it has waited 2 days.")
        self.assertEqual(found.evidence[0].label, "'Angry': unanswered for 2 days")

    def test_it_says_when_a_message_still_waiting_is_counted(self) -> None:
        rows = [reply(1), reply(2, pk=2), waiting(100, pk=3, subject="Where is it?")]
        found = part(make_inputs(responses=rows), "responsiveness")
        self.assertEqual(found.score, 0)
        self.assertEqual(
            found.explanation,
            "All 3 messages needing a reply in the last 90 days were answered within 4 days "
            "(the one still unanswered counts with its wait so far); the target is 24 hours.",
        )
        self.assertEqual(found.advice, "Answer 'Where is it?': it has waited 4 days.")

    def test_it_leaves_out_an_unanswered_message_that_is_not_late_yet(self) -> None:
        score = score_client(make_inputs(responses=[waiting(10)]), TrustSettings(), at=AT)
        self.assertIsNone(component(score, "responsiveness"))
        found = part(make_inputs(responses=[reply(1), waiting(20, pk=2)]), "responsiveness")
        self.assertEqual(found.score, 100)
        self.assertEqual(found.advice, "'Hi' is waiting: answer within 4 hours to stay on target.")

    def test_it_is_absent_without_messages_needing_a_reply(self) -> None:
        score = score_client(make_inputs(), TrustSettings(), at=AT)
        self.assertIsNone(component(score, "responsiveness"))


class PromiseReliabilityTests(SimpleTestCase):
    def score(self, *rows: PromiseRow) -> float:
        return part(make_inputs(promises=rows), "promise_reliability").score

    def test_it_smooths_one_kept_promise_towards_three_in_four(self) -> None:
        self.assertEqual(self.score(promise("kept")), 83.3)  # (1 + 1.5) / 3

    def test_it_smooths_one_broken_promise_towards_three_in_four(self) -> None:
        self.assertEqual(self.score(promise("broken")), 50)  # 1.5 / 3

    def test_it_weighs_kept_late_broken_and_overdue(self) -> None:
        self.assertEqual(self.score(promise("kept"), promise("broken", pk=2)), 62.5)
        self.assertEqual(self.score(promise("late")), 66.7)  # (0.5 + 1.5) / 3
        self.assertEqual(self.score(promise("open")), 50)
        rows = [promise(s, pk=n) for n, s in enumerate(("kept", "kept", "late", "open"))]
        self.assertEqual(self.score(*rows), 66.7)  # (2.5 + 1.5) / 6

    def test_it_names_overdue_promises_and_how_late_they_are(self) -> None:
        rows = [
            promise("open", due_days_ago=5, pk=3, what="Send revised quote"),
            promise("open", due_days_ago=2, pk=4, what="Fix the booking form"),
            promise("kept", pk=5),
        ]
        found = part(make_inputs(promises=rows), "promise_reliability")
        self.assertTrue(
            found.advice.startswith(
                "2 promises are overdue: 'Send revised quote' (5 days), "
                "'Fix the booking form' (2 days)."
            ),
            found.advice,
        )
        self.assertEqual(
            found.explanation,
            "3 promises fell due in the last 180 days: 1 kept on time and 2 still overdue; the "
            "score weighs them with 2 typical promises so that one promise alone cannot swing it.",
        )
        self.assertEqual(
            [e.url for e in found.evidence],
            ["/promises/3/edit/", "/promises/4/edit/", "/clients/7/#promises"],
        )

    def test_it_says_what_keeping_the_next_promise_would_do(self) -> None:
        found = part(make_inputs(promises=[promise("kept")]), "promise_reliability")
        self.assertEqual(found.advice, "Keeping the next promise on time would raise this to 88.")

    def test_it_is_absent_without_promises_due(self) -> None:
        score = score_client(make_inputs(), TrustSettings(), at=AT)
        self.assertIsNone(component(score, "promise_reliability"))


class ContactRecencyTests(SimpleTestCase):
    def score(self, days: float, cadence: int = 14) -> float:
        inputs = make_inputs(last_touch_at=ago(days=days), check_in_every_days=cadence)
        return part(inputs, "contact_recency").score

    def test_it_gives_full_marks_within_the_cadence(self) -> None:
        self.assertEqual(self.score(0), 100)
        self.assertEqual(self.score(14), 100)

    def test_it_gives_nothing_at_three_times_the_cadence_or_more(self) -> None:
        self.assertEqual(self.score(42), 0)
        self.assertEqual(self.score(90), 0)

    def test_it_falls_in_a_straight_line_between(self) -> None:
        self.assertEqual(self.score(28), 50)
        self.assertEqual(self.score(35), 25)
        self.assertEqual(self.score(15, cadence=10), 75)

    def test_it_explains_the_silence(self) -> None:
        found = part(make_inputs(last_touch_at=ago(days=35)), "contact_recency")
        self.assertEqual(
            found.explanation,
            "We last got in touch 35 days ago; the aim is at least every 14 days.",
        )
        self.assertIn("Get in touch", found.advice)
        self.assertEqual(found.evidence[0].url, "/clients/7/#timeline")

    def test_it_scores_nothing_when_nobody_got_in_touch_with_an_older_client(self) -> None:
        found = part(make_inputs(created_at=ago(days=20)), "contact_recency")
        self.assertEqual(found.score, 0)
        self.assertEqual(
            found.explanation,
            "Nobody has been in touch since Harbor Dental was added 20 days ago; the aim is at "
            "least every 14 days.",
        )

    def test_it_is_absent_for_a_new_client_nobody_contacted_yet(self) -> None:
        score = score_client(make_inputs(created_at=ago(days=10)), TrustSettings(), at=AT)
        self.assertIsNone(component(score, "contact_recency"))


class SentimentTests(SimpleTestCase):
    def score(self, *rows: MessageRow) -> float:
        return part(make_inputs(messages=rows), "sentiment").score

    def test_it_maps_minus_one_to_one_onto_zero_to_a_hundred(self) -> None:
        self.assertEqual(self.score(message(0.5)), 75)
        self.assertEqual(self.score(message(-1)), 0)
        self.assertEqual(self.score(message(0)), 50)

    def test_it_halves_a_message_weight_every_thirty_days(self) -> None:
        # weights 1 and 0.5: (1 - 0.5) / 1.5 = 1/3, so 66.7
        self.assertEqual(self.score(message(1), message(-1, days_ago=30, pk=2)), 66.7)
        # weights 1 and 0.25: (0.25 * 1 - 1) / 1.25 = -0.6, so 20
        self.assertEqual(self.score(message(-1), message(1, days_ago=60, pk=2)), 20)

    def test_it_points_at_a_recent_upset_message(self) -> None:
        rows = [message(0.6, days_ago=40), message(-0.86, days_ago=2, pk=2, subject="STILL")]
        found = part(make_inputs(messages=rows), "sentiment")
        self.assertIn("Their 2 messages in the last 180 days read", found.explanation)
        self.assertTrue(found.advice.startswith("'STILL' (2 days ago) reads upset"))
        self.assertEqual(found.evidence[0].url, "/interactions/2/edit/")

    def test_it_is_absent_without_scored_messages(self) -> None:
        score = score_client(make_inputs(), TrustSettings(), at=AT)
        self.assertIsNone(component(score, "sentiment"))


class PersonalTouchTests(SimpleTestCase):
    def score(self, count: int) -> float:
        rows = tuple(touch(pk=n) for n in range(count))
        return part(make_inputs(touches=rows, active_recently=True), "personal_touch").score

    def test_it_counts_a_third_for_each_touch_up_to_three(self) -> None:
        self.assertEqual(self.score(0), 0)
        self.assertEqual(self.score(1), 33.3)
        self.assertEqual(self.score(2), 66.7)
        self.assertEqual(self.score(3), 100)
        self.assertEqual(self.score(5), 100)

    def test_it_says_how_many_more_would_bring_it_to_full_marks(self) -> None:
        found = part(make_inputs(touches=[touch()], active_recently=True), "personal_touch")
        self.assertEqual(
            found.explanation,
            "1 personal touch or value-add in the last 90 days; 3 or more score full marks.",
        )
        self.assertTrue(found.advice.startswith("2 more in the coming weeks"))
        self.assertEqual(found.evidence[0].url, "/interactions/1/edit/")

    def test_it_is_absent_when_nothing_happened_in_ninety_days(self) -> None:
        score = score_client(make_inputs(active_recently=False), TrustSettings(), at=AT)
        self.assertIsNone(component(score, "personal_touch"))


class TotalTests(SimpleTestCase):
    def test_it_takes_the_weighted_mean_of_every_component(self) -> None:
        inputs = make_inputs(
            responses=[reply(60)],  # 50
            promises=[promise("broken")],  # 50
            last_touch_at=ago(days=3),  # 100
            messages=[message(0.5)],  # 75
            touches=[touch()],  # 33.3
            active_recently=True,
        )
        score = score_client(inputs, TrustSettings(), at=AT)
        # (50 * 25 + 50 * 25 + 100 * 20 + 75 * 15 + 33.33 * 15) / 100 = 61.25
        self.assertEqual(score.total, 61.2)
        self.assertEqual(score.band, "warm")
        self.assertEqual([c.weight for c in score.components], [25, 25, 20, 15, 15])

    def test_it_shares_an_absent_component_weight_among_the_others(self) -> None:
        inputs = make_inputs(responses=[reply(1)], promises=[promise("broken")])
        score = score_client(inputs, TrustSettings(), at=AT)
        self.assertEqual(score.total, 75)  # 100 and 50, 25 each: half and half
        self.assertEqual([(c.key, c.weight) for c in score.components], [
            ("responsiveness", 50), ("promise_reliability", 50),
        ])  # fmt: skip

    def test_it_leaves_out_a_component_weighted_zero(self) -> None:
        inputs = make_inputs(responses=[reply(1)], promises=[promise("broken")])
        score = score_client(inputs, TrustSettings(weight_promise_reliability=0), at=AT)
        self.assertIsNone(score.total)
        self.assertEqual([(c.key, c.weight) for c in score.components], [("responsiveness", 100)])

    def test_it_needs_two_components_for_a_total(self) -> None:
        score = score_client(make_inputs(responses=[reply(1)]), TrustSettings(), at=AT)
        self.assertIsNone(score.total)
        self.assertIsNone(score.band)
        self.assertFalse(score.enough_history)
        self.assertEqual(len(score.components), 1)
        empty = score_client(make_inputs(created_at=ago(days=1)), TrustSettings(), at=AT)
        self.assertEqual(empty, ClientScore(7, None, None, []))


class BandTests(SimpleTestCase):
    def test_it_bands_by_the_default_thresholds(self) -> None:
        defaults = TrustSettings()
        cases = {0: "cold", 19.9: "cold", 20: "cool", 39.9: "cool", 40: "warming", 60: "warm"}
        cases |= {79.9: "warm", 80: "close", 100: "close"}
        for total, band in cases.items():
            self.assertEqual(band_for(total, defaults), band, total)

    def test_it_bands_by_the_workspace_thresholds(self) -> None:
        custom = TrustSettings(cool_from=10, warming_from=30, warm_from=50, close_from=90)
        self.assertEqual(band_for(9, custom), "cold")
        self.assertEqual(band_for(50, custom), "warm")
        self.assertEqual(band_for(89.9, custom), "warm")
        self.assertEqual(band_for(90, custom), "close")


# Properties: score_client on generated inputs, no database.

hours = st.floats(min_value=0, max_value=24 * 100, allow_nan=False)
response_rows = st.builds(
    ResponseRow,
    interaction_id=st.integers(1, 10**6),
    subject=st.text(max_size=30),
    received_at=st.floats(0, 89.9).map(lambda d: ago(days=d)),
    reply_seconds=st.one_of(st.none(), hours.map(lambda h: h * HOUR)),
)
promise_rows = st.builds(
    PromiseRow,
    commitment_id=st.integers(1, 10**6),
    what=st.text(max_size=30),
    due_on=st.integers(1, 179).map(lambda d: TODAY - dt.timedelta(days=d)),
    status=st.sampled_from(["kept", "late", "broken", "open"]),
)
message_rows = st.builds(
    MessageRow,
    interaction_id=st.integers(1, 10**6),
    subject=st.text(max_size=30),
    received_at=st.floats(0, 179.9).map(lambda d: ago(days=d)),
    sentiment=st.floats(-1, 1, allow_nan=False),
)
touch_rows = st.builds(
    TouchRow,
    interaction_id=st.integers(1, 10**6),
    subject=st.text(max_size=30),
    occurred_at=st.floats(0, 89.9).map(lambda d: ago(days=d)),
    is_personal_touch=st.booleans(),
    is_value_add=st.booleans(),
)


def _period(days: float, on_time: bool, sent: bool) -> PeriodRow:
    due = ago(days=days)
    sent_at = due if on_time else (due + dt.timedelta(days=2) if sent else None)
    return PeriodRow(due.date() - dt.timedelta(days=6), due.date(), due, 3, sent_at, on_time)


def _answer(days: float, nps: bool, raw: int) -> FeedbackRow:
    raw = raw if nps else 1 + raw % 5
    score = raw * 10.0 if nps else (raw - 1) * 25.0
    return FeedbackRow(5, "nps" if nps else "csat", raw, score, ago(days=days), None)


period_rows = st.builds(_period, st.floats(1.1, 89.9), st.booleans(), st.booleans())
feedback_rows = st.builds(_answer, st.floats(0, 500), st.booleans(), st.integers(0, 10))
case_rows = st.builds(
    CaseRow,
    st.integers(1, 10**6),
    st.just("slow_response"),
    st.floats(0, 90).map(lambda d: ago(days=d)),
)
client_inputs = st.builds(
    make_inputs,
    created_at=st.floats(0, 1000).map(lambda d: ago(days=d)),
    response_target_hours=st.integers(0, 200),
    check_in_every_days=st.integers(0, 120),
    responses=st.lists(response_rows, max_size=8).map(tuple),
    promises=st.lists(promise_rows, max_size=8).map(tuple),
    last_touch_at=st.one_of(st.none(), st.floats(0, 400).map(lambda d: ago(days=d))),
    active_recently=st.booleans(),
    touches=st.lists(touch_rows, max_size=5).map(tuple),
    messages=st.lists(message_rows, max_size=8).map(tuple),
    report_periods=st.lists(period_rows, max_size=6).map(tuple),
    feedback=st.one_of(st.none(), feedback_rows),
    open_cases=st.lists(case_rows, max_size=2).map(tuple),
)
weights = st.builds(
    TrustSettings,
    weight_responsiveness=st.integers(0, 100),
    weight_promise_reliability=st.integers(0, 100),
    weight_contact_recency=st.integers(0, 100),
    weight_sentiment=st.integers(0, 100),
    weight_personal_touch=st.integers(1, 100),
    weight_update_consistency=st.integers(0, 100),
    weight_feedback=st.integers(0, 100),
)

# How to take each component's data away.
REMOVALS: dict[str, dict[str, Any]] = {
    "responsiveness": {"responses": ()},
    "promise_reliability": {"promises": ()},
    "contact_recency": {"last_touch_at": None, "created_at": AT},
    "sentiment": {"messages": ()},
    "personal_touch": {"active_recently": False, "touches": ()},
    "update_consistency": {"report_periods": ()},
    "feedback": {"feedback": None},
}


def score_of(score: ClientScore, key: str) -> float | None:
    found = component(score, key)
    return None if found is None else found.score


class ScorePropertyTests(SimpleTestCase):
    @given(client_inputs, weights)
    def test_it_keeps_every_score_within_zero_and_a_hundred(
        self, inputs: ClientInputs, trust: TrustSettings
    ) -> None:
        score = score_client(inputs, trust, at=AT)
        if score.total is not None:
            self.assertGreaterEqual(score.total, 0)
            self.assertLessEqual(score.total, 100)
            self.assertIsNotNone(score.band)
            if inputs.open_cases:
                self.assertIn(score.band, ("cold", "cool"))
        for found in score.components:
            self.assertGreaterEqual(found.score, 0)
            self.assertLessEqual(found.score, 100)
            self.assertTrue(found.explanation.endswith("."))
        if score.components:
            self.assertAlmostEqual(sum(c.weight for c in score.components), 100, delta=0.3)

    @given(client_inputs, st.data())
    def test_it_never_lowers_reliability_when_an_open_promise_is_kept(
        self, inputs: ClientInputs, data: st.DataObject
    ) -> None:
        open_ = [n for n, row in enumerate(inputs.promises) if row.status == "open"]
        if not open_:
            return
        index = data.draw(st.sampled_from(open_))
        rows = list(inputs.promises)
        rows[index] = dataclasses.replace(rows[index], status=CommitmentStatus.KEPT)
        before = score_client(inputs, TrustSettings(), at=AT)
        after = score_client(
            dataclasses.replace(inputs, promises=tuple(rows)), TrustSettings(), at=AT
        )
        kept, was = score_of(after, "promise_reliability"), score_of(before, "promise_reliability")
        assert kept is not None and was is not None
        self.assertGreaterEqual(kept, was)
        if before.total is not None:
            assert after.total is not None
            self.assertGreaterEqual(after.total, before.total)

    @given(client_inputs, st.data(), hours)
    def test_it_never_raises_responsiveness_for_a_later_reply(
        self, inputs: ClientInputs, data: st.DataObject, delay: float
    ) -> None:
        answered = [n for n, row in enumerate(inputs.responses) if row.reply_seconds is not None]
        if not answered:
            return
        index = data.draw(st.sampled_from(answered))
        rows = list(inputs.responses)
        seconds = rows[index].reply_seconds
        assert seconds is not None
        rows[index] = dataclasses.replace(rows[index], reply_seconds=seconds + delay * HOUR)
        before = score_of(score_client(inputs, TrustSettings(), at=AT), "responsiveness")
        later = dataclasses.replace(inputs, responses=tuple(rows))
        after = score_of(score_client(later, TrustSettings(), at=AT), "responsiveness")
        assert before is not None and after is not None
        self.assertLessEqual(after, before)

    @settings(max_examples=200)
    @given(client_inputs, st.sampled_from(sorted(REMOVALS)))
    def test_it_leaves_a_component_out_when_its_data_is_removed(
        self, inputs: ClientInputs, key: str
    ) -> None:
        before = score_client(inputs, TrustSettings(), at=AT)
        after = score_client(dataclasses.replace(inputs, **REMOVALS[key]), TrustSettings(), at=AT)
        self.assertIsNone(component(after, key))
        others = {c.key: c.score for c in before.components if c.key != key}
        self.assertEqual({c.key: c.score for c in after.components}, others)
        if len(others) < 2:
            self.assertIsNone(after.total)
            return
        trust = TrustSettings()
        weights = {k: getattr(trust, f"weight_{k}") for k in others}
        expected = sum(others[k] * weights[k] for k in others) / sum(weights.values())
        expected = max(0.0, expected - RECOVERY_PENALTY * len(inputs.open_cases))
        assert after.total is not None
        self.assertAlmostEqual(after.total, expected, delta=0.1)


# Gathering the inputs from the database.


@time_machine.travel(AT, tick=False)
class ScoreInputsTests(BaseTestCase):
    harbor: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace, name="Harbor Dental", created_at=ago(days=300)
        )

    def log(self, client: Client | None = None, **fields: Any) -> Interaction:
        data: dict[str, Any] = {
            "channel": Channel.EMAIL,
            "direction": Direction.OUTBOUND,
            "occurred_at": ago(days=1),
        }
        data.update(fields)
        client = client or self.harbor
        return Interaction.objects.create(workspace=client.workspace, client=client, **data)

    def promise(self, client: Client | None = None, **fields: Any) -> Commitment:
        data: dict[str, Any] = {"what": "Send the quote", "due_on": TODAY - dt.timedelta(days=3)}
        data.update(fields)
        client = client or self.harbor
        data.setdefault("created_at", ago(days=20))
        return Commitment.objects.create(workspace=client.workspace, client=client, **data)

    def inputs(self, at: dt.datetime = AT) -> ClientInputs:
        return score_inputs_for_workspace(self.workspace.pk, at=at)[self.harbor.pk]

    def test_it_finds_the_last_touch_ours_or_a_call_either_way(self) -> None:
        self.log(occurred_at=ago(days=20))
        self.log(channel=Channel.CALL, direction=Direction.INBOUND, occurred_at=ago(days=9))
        self.log(direction=Direction.INBOUND, occurred_at=ago(days=2))  # their email
        self.log(direction=Direction.INTERNAL, occurred_at=ago(days=1))  # our note
        found = self.inputs()
        self.assertEqual(found.last_touch_at, ago(days=9))
        self.assertTrue(found.active_recently)

    def test_it_counts_only_client_facing_interactions_of_the_last_90_days_as_activity(
        self,
    ) -> None:
        self.log(direction=Direction.INTERNAL, occurred_at=ago(days=1))
        self.log(occurred_at=ago(days=91))
        found = self.inputs()
        self.assertFalse(found.active_recently)
        self.assertEqual(found.last_touch_at, ago(days=91))
        self.assertIsNone(self.inputs(at=ago(days=95)).last_touch_at)

    def test_it_reads_replies_as_they_stood_at_the_moment(self) -> None:
        question = self.log(
            direction=Direction.INBOUND,
            occurred_at=ago(days=3),
            first_response_seconds=int(2 * 24 * HOUR),
            subject="Question",
        )
        self.log(direction=Direction.INBOUND, occurred_at=ago(days=2), needs_reply=True)
        self.log(direction=Direction.INBOUND, occurred_at=ago(days=2))  # no reply wanted
        now = {r.interaction_id: r.reply_seconds for r in self.inputs().responses}
        self.assertEqual(now[question.pk], 2 * 24 * HOUR)
        self.assertEqual(len(now), 2)
        # A day and a half in, the answer had not come yet.
        then = self.inputs(at=ago(days=1.5)).responses
        self.assertEqual([r.reply_seconds for r in then], [None, None])

    def test_it_works_out_the_reply_time_from_the_reply(self) -> None:
        answer = self.log(occurred_at=ago(days=1))
        question = self.log(direction=Direction.INBOUND, occurred_at=ago(days=1, hours=5))
        question.replied_by = answer
        question.save()
        self.assertEqual(self.inputs().responses[0].reply_seconds, 5 * HOUR)

    def test_it_reads_promises_as_they_stood_at_the_moment(self) -> None:
        kept = self.promise(status="kept", done_at=ago(days=1))
        self.promise(status="renegotiated")
        self.promise(due_on=TODAY)  # open, not yet late
        self.promise(due_on=TODAY - dt.timedelta(days=200), status="broken")  # too old
        broken = self.promise(status="broken")
        fresh = self.promise(created_at=ago(days=0.1), what="Made just now")
        rows = {r.commitment_id: r.status for r in self.inputs().promises}
        self.assertEqual(rows, {kept.pk: "kept", broken.pk: "broken", fresh.pk: "open"})
        then = {r.commitment_id: r.status for r in self.inputs(at=ago(days=2)).promises}
        self.assertEqual(then[kept.pk], "open")  # overdue at the time
        self.assertEqual(len(then), 2)  # the one made "just now" did not exist yet

    def test_it_ignores_what_happened_after_the_moment_and_other_workspaces(self) -> None:
        charlies = Client.objects.create(workspace=self.charlies_workspace, name="Cory's")
        self.log(charlies, direction=Direction.INBOUND, sentiment=-1.0, occurred_at=ago(days=1))
        self.log(direction=Direction.INBOUND, sentiment=0.5, occurred_at=ago(days=10))
        self.log(direction=Direction.INBOUND, sentiment=-0.9, occurred_at=ago(days=1))
        self.assertEqual([m.sentiment for m in self.inputs(at=ago(days=5)).messages], [0.5])
        self.assertEqual(list(score_inputs_for_workspace(self.workspace.pk, at=AT)), [
            self.harbor.pk,
        ])  # fmt: skip
        self.assertNotIn(charlies.pk, score_inputs_for_workspace(self.workspace.pk, at=AT))

    def test_it_limits_to_the_clients_asked_for(self) -> None:
        other = Client.objects.create(workspace=self.workspace, name="Bakery")
        found = score_inputs_for_workspace(self.workspace.pk, at=AT, client_ids=[other.pk])
        self.assertEqual(list(found), [other.pk])
        self.assertEqual(score_inputs_for_workspace(self.workspace.pk, at=AT, client_ids=[]), {})

    def test_it_collects_our_personal_touches(self) -> None:
        card = self.log(is_personal_touch=True, occurred_at=ago(days=30))
        self.log(is_value_add=True, occurred_at=ago(days=100))  # too long ago
        self.log(is_personal_touch=True, direction=Direction.INTERNAL)
        self.assertEqual([t.interaction_id for t in self.inputs().touches], [card.pk])

    def test_it_scores_a_client_from_its_records(self) -> None:
        self.log(direction=Direction.INBOUND, sentiment=0.5, occurred_at=ago(days=0))
        self.promise(status="kept", done_at=ago(days=3))
        score = compute_scores(self.workspace)[self.harbor.pk]
        # Their email is no touch of ours: recency 0 (20), promise 83.3 (25), sentiment 75
        # (15), personal touch 0 (15).
        self.assertEqual(score.total, round((250 / 3 * 25 + 75 * 15) / 75, 1))
        self.assertEqual(score.band, "warming")
        self.log(occurred_at=ago(days=1))
        score = compute_scores(self.workspace)[self.harbor.pk]
        self.assertEqual(score.total, round((100 * 20 + 250 / 3 * 25 + 75 * 15) / 75, 1))
        self.assertEqual(score.band, "warm")

    def test_it_uses_the_workspace_weights(self) -> None:
        TrustSettings.objects.create(workspace=self.workspace, weight_personal_touch=0)
        self.log(direction=Direction.INBOUND, sentiment=0.5, occurred_at=ago(days=0))
        score = compute_scores(self.workspace)[self.harbor.pk]
        self.assertEqual([c.key for c in score.components], ["contact_recency", "sentiment"])

    def test_it_uses_the_same_queries_for_ten_clients_as_for_two_hundred(self) -> None:
        counts = []
        for size in (10, 200):
            self.populate(size)
            with CaptureQueriesContext(connection) as queries:
                scores = compute_scores(self.workspace)
            self.assertEqual(len(scores), size + 1)
            counts.append(len(queries))
            self.assertTrue(
                all(s.total is not None for s in scores.values() if s.client_id != self.harbor.pk)
            )
        self.assertEqual(counts[0], counts[1])
        # settings, clients, interactions, promises, report periods, feedback, open cases
        self.assertEqual(counts[0], 7)

    def test_it_reads_numbers_only_in_the_same_queries_for_ten_clients_as_for_200(self) -> None:
        counts = []
        for size in (10, 200):
            self.populate(size)
            with CaptureQueriesContext(connection) as queries:
                scores = compute_scores(self.workspace, explain=False)
            self.assertEqual(len(scores), size + 1)
            counts.append(len(queries))
            explained = compute_scores(self.workspace)
            self.assertEqual(
                {pk: (s.total, s.band) for pk, s in scores.items()},
                {pk: (s.total, s.band) for pk, s in explained.items()},
            )
        # settings, clients, one per component (seven) and the open recovery cases
        self.assertEqual(counts, [9, 9])
        TrustSettings.objects.create(workspace=self.workspace, weight_sentiment=0)
        with self.assertNumQueries(8):  # a component weighted 0 is not read
            compute_scores(self.workspace, explain=False)

    def populate(self, size: int) -> None:
        """Give the workspace `size` more clients, each with messages, touches and promises."""
        Client.objects.filter(workspace=self.workspace).exclude(pk=self.harbor.pk).delete()
        clients = Client.objects.bulk_create(
            Client(workspace=self.workspace, name=f"Client {n}", created_at=ago(days=300))
            for n in range(size)
        )
        rows = []
        for n, client in enumerate(clients):
            rows += [
                Interaction(
                    workspace=self.workspace, client=client, channel=Channel.EMAIL,
                    direction=Direction.INBOUND, occurred_at=ago(days=n % 60 + 1),
                    sentiment=0.3, first_response_seconds=3600 * (n % 30),
                ),
                Interaction(
                    workspace=self.workspace, client=client, channel=Channel.CALL,
                    direction=Direction.OUTBOUND, occurred_at=ago(days=n % 40),
                    is_personal_touch=n % 2 == 0,
                ),
            ]  # fmt: skip
        Interaction.objects.bulk_create(rows)
        Commitment.objects.bulk_create(
            Commitment(
                workspace=self.workspace, client=client, what="Send it",
                due_on=TODAY - dt.timedelta(days=n % 20 + 1), status="kept",
                done_at=ago(days=n % 20 + 1), created_at=ago(days=60),
            )
            for n, client in enumerate(clients)
        )  # fmt: skip
