"""The numbers-only path gives exactly the explained path's numbers, on varied generated data."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from unittest import mock

import time_machine

from keepwarm.clients.models import Client, Contact
from keepwarm.commitments.models import Commitment
from keepwarm.feedback.models import FeedbackResponse
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.recovery.models import RecoveryCase
from keepwarm.reports.models import ReportSettings, StatusReport
from keepwarm.reports.periods import period_due_by, period_ending_on
from keepwarm.reports.selectors import schedule_for
from keepwarm.testing import BaseTestCase
from keepwarm.trust.models import TrustSettings
from keepwarm.trust.scoring import COMPONENT_LABELS, compute_scores
from keepwarm.trust.types import ClientScore

AT = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
DAY = 86_400
STATUSES = ("open", "kept", "late", "broken", "renegotiated")
# Moments `at` to replay: now, and earlier, when some rows had not happened yet.
MOMENTS = (AT, AT - dt.timedelta(days=20, hours=5), AT - dt.timedelta(days=100))

Numbers = tuple[
    float | None, str | None, list[tuple[str, float, float]], list[tuple[str, float, str]]
]


def numbers(scores: dict[int, ClientScore]) -> dict[int, Numbers]:
    """Return each client's total, band and components' key, score and weight."""
    return {
        pk: (
            score.total,
            score.band,
            [(c.key, c.score, c.weight) for c in score.components],
            [(a.key, a.penalty, a.band_cap) for a in score.adjustments],
        )
        for pk, score in scores.items()
    }


class VariedWorkspace:
    """A seeded workspace with every kind of row scoring reads, and the awkward cases."""

    def __init__(self, workspace: Any, other_workspace: Any, seed: int, size: int = 24) -> None:
        self.rng = random.Random(seed)
        self.workspace = workspace
        self.clients = Client.objects.bulk_create(
            Client(
                workspace=workspace,
                name=f"Client {seed}-{n}",
                created_at=self.moment(0.5, 400),
                response_target_hours=self.rng.choice((0, 1, 4, 24, 24, 48)),
                check_in_every_days=self.rng.choice((0, 7, 14, 30, 60)),
            )
            for n in range(size)
        )
        # A client that does not exist yet at the earlier moments, and one quiet client.
        self.clients[0].created_at = AT - dt.timedelta(days=3)
        self.clients[0].save()
        stranger = Client.objects.create(workspace=other_workspace, name="Other workspace")
        # The workspace default cadence: weekly for clients with someone receiving reports.
        ReportSettings.objects.update_or_create(
            workspace=workspace, defaults={"default_cadence": "weekly", "grace_hours": 12}
        )
        for client in [*self.clients[2:], stranger]:
            self.interactions(client)
            self.promises(client)
            self.reports(client)
            self.feedback(client)
            self.cases(client)

    def moment(self, low_days: float, high_days: float) -> dt.datetime:
        """Return a moment between the two ages, to the microsecond, sometimes after AT."""
        seconds = self.rng.uniform(low_days * DAY, high_days * DAY)
        return AT - dt.timedelta(seconds=seconds, microseconds=self.rng.randrange(1_000_000))

    def interactions(self, client: Client) -> None:
        rng = self.rng
        mood = rng.uniform(-0.8, 0.8)
        burst = self.moment(1, 60)  # several messages at the same instant: exact ties
        rows = []
        for _ in range(rng.randrange(0, 30)):
            direction = rng.choice((Direction.INBOUND, Direction.INBOUND, Direction.OUTBOUND,
                                    Direction.INTERNAL))  # fmt: skip
            channel = rng.choice(list(Channel))
            when = burst if rng.random() < 0.15 else self.moment(-5, 200)
            if rng.random() < 0.03:
                when = AT - dt.timedelta(days=rng.choice((90, 180)))  # on a window's edge
            row = Interaction(
                workspace=client.workspace, client=client, channel=channel, direction=direction,
                occurred_at=when, subject=rng.choice(("", "Hello", "Invoice")),
                is_personal_touch=rng.random() < 0.2, is_value_add=rng.random() < 0.2,
            )  # fmt: skip
            if direction == Direction.INBOUND:
                if rng.random() < 0.7:
                    row.sentiment = round(max(-1.0, min(1.0, rng.gauss(mood, 0.4))), 4)
                kind = rng.random()
                if kind < 0.3:
                    row.needs_reply = True
                elif kind < 0.6:
                    row.first_response_seconds = int(rng.expovariate(1 / (30 * 3600)))
            rows.append(row)
        Interaction.objects.bulk_create(rows)
        # Our replies, linked from the messages they answer; some came after the moment.
        for question in [r for r in rows if r.direction == Direction.INBOUND]:
            if rng.random() < 0.3:
                delay = dt.timedelta(hours=rng.uniform(0.1, 200))
                answer = Interaction.objects.create(
                    workspace=client.workspace, client=client, channel=Channel.EMAIL,
                    direction=Direction.OUTBOUND, occurred_at=question.occurred_at + delay,
                )  # fmt: skip
                question.replied_by = answer
                question.save(update_fields=["replied_by"])

    def promises(self, client: Client) -> None:
        rng = self.rng
        rows = []
        for _ in range(rng.randrange(0, 8)):
            due_on = AT.date() - dt.timedelta(days=rng.randrange(-10, 200))
            if rng.random() < 0.1:
                due_on = AT.date()  # due today: not late yet while open
            status = rng.choice(STATUSES)
            done_at = None
            if status in ("kept", "late"):
                done_at = rng.choice((None, self.moment(-3, 120)))
            promise = Commitment(
                workspace=client.workspace, client=client, what="Send it", due_on=due_on,
                status=status, done_at=done_at, created_at=self.moment(-2, 220),
            )  # fmt: skip
            rows.append(promise)
        if rng.random() < 0.5:
            # Due on the day of a moment and kept only after it: still open (and not late) then.
            moment = rng.choice(MOMENTS)
            today = Commitment(
                workspace=client.workspace, client=client, what="Today's", status="kept",
                due_on=moment.date(), done_at=moment + dt.timedelta(hours=1),
                created_at=moment - dt.timedelta(days=5),
            )  # fmt: skip
            rows.append(today)
        Commitment.objects.bulk_create(rows)

    def reports(self, client: Client) -> None:
        """Give some clients a cadence (or the default) and send some of their reports."""
        rng = self.rng
        choice = rng.random()
        if choice < 0.3:
            return  # no scheduled reports
        if choice < 0.45:
            Contact.objects.create(
                workspace=client.workspace, client=client, name="Reader",
                email="reader@example.com", receives_reports=True,
            )  # fmt: skip
        else:
            client.report_cadence = rng.choice(("daily", "weekly", "fortnightly", "monthly"))
            client.report_weekday = rng.randrange(5)
            client.report_time_zone = rng.choice(("UTC", "Europe/Berlin", "America/New_York"))
            client.save()
        client.refresh_from_db()
        found = ReportSettings.objects.filter(workspace=client.workspace).first()
        settings = found or ReportSettings(workspace=client.workspace)
        schedule = schedule_for(client, settings, has_recipients=True)
        if schedule is None:
            return
        period = period_due_by(schedule, AT + dt.timedelta(days=5))
        rows = []
        while period.due_at > AT - dt.timedelta(days=200):
            if rng.random() < 0.7:
                late = rng.choice((-2.0, 0.5, 6, 11.9, 12.5, 30, 100))
                rows.append(
                    StatusReport(
                        workspace=client.workspace, client=client, kind="status",
                        period_start=period.start, period_end=period.end,
                        due_at=period.due_at, subject="Update",
                        state=rng.choice(("sent", "sent", "sent", "draft")),
                        sent_at=period.due_at + dt.timedelta(hours=late),
                    )
                )  # fmt: skip
            period = period_ending_on(schedule, period.start - dt.timedelta(days=1))
        StatusReport.objects.bulk_create(rows)

    def feedback(self, client: Client) -> None:
        rng = self.rng
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            kind = rng.choice(("nps", "csat"))
            logged = None
            if rng.random() < 0.5:
                logged = Interaction.objects.create(
                    workspace=client.workspace, client=client, channel=Channel.EMAIL,
                    direction=Direction.INBOUND, occurred_at=self.moment(0, 10),
                )  # fmt: skip
            FeedbackResponse.objects.create(
                workspace=client.workspace, client=client, kind=kind,
                score=rng.randint(0, 10) if kind == "nps" else rng.randint(1, 5),
                source="email", created_at=self.moment(-5, 500), interaction=logged,
            )  # fmt: skip

    def cases(self, client: Client) -> None:
        rng = self.rng
        for _ in range(rng.choice((0, 0, 0, 1, 2))):
            opened = self.moment(-3, 150)
            closed = None if rng.random() < 0.5 else opened + dt.timedelta(days=rng.uniform(1, 60))
            RecoveryCase.objects.create(
                workspace=client.workspace, client=client, cause="slow_response",
                what_happened="Slow", opened_at=opened,
                outcome="open" if closed is None else "retained", closed_at=closed,
            )  # fmt: skip

    def settings(self) -> TrustSettings:
        """Give the workspace random weights (some 0) and thresholds; return them."""
        rng = self.rng
        weights = {f"weight_{key}": rng.choice((0, 5, 25, 40, 100)) for key in COMPONENT_LABELS}
        weights["weight_contact_recency"] = rng.choice((10, 20))
        floors = sorted(rng.sample(range(1, 100), 4))
        names = ("cool_from", "warming_from", "warm_from", "close_from")
        found, _ = TrustSettings.objects.update_or_create(
            workspace=self.workspace, defaults={**weights, **dict(zip(names, floors, strict=True))}
        )
        return found


@time_machine.travel(AT, tick=False)
class ScoringPathsTests(BaseTestCase):
    def assert_same_numbers(self, **kwargs: Any) -> dict[int, ClientScore]:
        explained = compute_scores(self.workspace, **kwargs)
        fast = compute_scores(self.workspace, explain=False, **kwargs)
        self.assertEqual(numbers(fast), numbers(explained))
        for score in fast.values():
            for part in score.components:
                self.assertEqual((part.explanation, part.advice, part.evidence), ("", "", []))
        return explained

    def test_it_gives_the_same_numbers_with_or_without_words(self) -> None:
        seen: set[str] = set()
        totals = capped = 0
        for seed in range(3):
            VariedWorkspace(self.workspace, self.charlies_workspace, seed)
            for at in MOMENTS:
                with self.subTest(seed=seed, at=at):
                    explained = self.assert_same_numbers(at=at)
                    seen |= {c.key for s in explained.values() for c in s.components}
                    totals += sum(1 for s in explained.values() if s.total is not None)
                    capped += sum(1 for s in explained.values() if s.adjustments)
        # The data really is varied: every component came up, and totals were given.
        self.assertEqual(seen, set(COMPONENT_LABELS))
        self.assertGreater(totals, 50)
        self.assertGreater(capped, 3)  # open recovery cases came up too

    def test_it_gives_the_same_numbers_under_other_weights_and_thresholds(self) -> None:
        varied = VariedWorkspace(self.workspace, self.charlies_workspace, seed=7)
        for _ in range(4):
            trust = varied.settings()
            with self.subTest(weights=[getattr(trust, f"weight_{k}") for k in COMPONENT_LABELS]):
                self.assert_same_numbers(at=MOMENTS[1])

    def test_it_gives_the_same_numbers_for_some_clients(self) -> None:
        varied = VariedWorkspace(self.workspace, self.charlies_workspace, seed=11)
        everyone = compute_scores(self.workspace)
        some = [c.pk for c in varied.clients[::3]]
        explained = self.assert_same_numbers(client_ids=some)
        self.assertEqual(sorted(explained), sorted(pk for pk in some if pk in everyone))
        # Past the ids put in SQL, the workspace is read and the others skipped: same answer.
        with mock.patch("keepwarm.trust.scoring.MAX_IDS_IN_SQL", 2):
            self.assertEqual(self.assert_same_numbers(client_ids=some), explained)

    def test_it_explains_one_client_exactly_as_within_the_whole_workspace(self) -> None:
        varied = VariedWorkspace(self.workspace, self.charlies_workspace, seed=3)
        everyone = compute_scores(self.workspace)
        for client in varied.clients[1:]:
            alone = compute_scores(self.workspace, client_ids=[client.pk])
            self.assertEqual(alone, {client.pk: everyone[client.pk]})
