"""Tests for the registry of periodic jobs and its slots."""

from __future__ import annotations

import datetime as dt
from unittest import TestCase

from keepwarm.lib import schedule

UTC = dt.UTC


class ScheduleTests(TestCase):
    def tearDown(self) -> None:
        schedule.unregister("tests.count")

    def test_it_registers_a_job_by_name(self) -> None:
        @schedule.job("tests.count", every=dt.timedelta(minutes=5))
        def count(*, now: dt.datetime) -> int:
            return 3

        found = schedule.get_job("tests.count")
        self.assertIn(found, schedule.registered_jobs())
        self.assertEqual(found.every, dt.timedelta(minutes=5))
        self.assertEqual(found.run(now=dt.datetime(2026, 1, 1, tzinfo=UTC)), 3)
        self.assertEqual(count(now=dt.datetime(2026, 1, 1, tzinfo=UTC)), 3)

    def test_it_refuses_two_jobs_with_one_name(self) -> None:
        schedule.job("tests.count", every=dt.timedelta(minutes=1))(lambda *, now: 1)
        with self.assertRaises(ValueError):

            @schedule.job("tests.count", every=dt.timedelta(minutes=1))
            def other(*, now: dt.datetime) -> int:
                return 2

    def test_it_refuses_intervals_that_are_not_whole_minutes(self) -> None:
        for every in (dt.timedelta(seconds=30), dt.timedelta(seconds=90)):
            with self.subTest(every), self.assertRaises(ValueError):
                schedule.job("tests.count", every=every)

    def test_it_starts_slots_where_every_worker_agrees(self) -> None:
        minute = dt.timedelta(minutes=1)
        day = dt.timedelta(days=1)
        now = dt.datetime(2026, 11, 25, 14, 37, 59, 999, tzinfo=UTC)
        self.assertEqual(schedule.slot_start(now, minute), now.replace(second=0, microsecond=0))
        self.assertEqual(
            schedule.slot_start(now, dt.timedelta(minutes=15)),
            dt.datetime(2026, 11, 25, 14, 30, tzinfo=UTC),
        )
        self.assertEqual(schedule.slot_start(now, day), dt.datetime(2026, 11, 25, tzinfo=UTC))
        # The same moment in another zone falls in the same slot.
        elsewhere = now.astimezone(dt.timezone(dt.timedelta(hours=-5)))
        self.assertEqual(schedule.slot_start(elsewhere, day), schedule.slot_start(now, day))
        # Weekly slots start on Mondays.
        self.assertEqual(schedule.slot_start(now, 7 * day).weekday(), 0)

    def test_it_needs_an_aware_moment(self) -> None:
        with self.assertRaises(ValueError):
            schedule.slot_start(dt.datetime(2026, 1, 1), dt.timedelta(minutes=1))
