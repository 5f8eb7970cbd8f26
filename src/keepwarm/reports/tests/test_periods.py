"""Tests for report periods: every cadence, in the client's zone, across clock changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from keepwarm.reports.periods import (
    Schedule,
    due_moment,
    is_due_day,
    local_moment,
    period_after,
    period_containing,
    period_due_by,
    period_ending_on,
)

UTC = dt.UTC
DUBLIN = ZoneInfo("Europe/Dublin")
NEW_YORK = ZoneInfo("America/New_York")
FRIDAY = 4


def schedule(
    cadence: str, *, weekday: int = FRIDAY, at: str = "16:00", zone: str = "UTC"
) -> Schedule:
    return Schedule(cadence, weekday, dt.time.fromisoformat(at), ZoneInfo(zone))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


class PeriodTests(SimpleTestCase):
    def test_it_makes_weekly_periods_end_on_the_weekday(self) -> None:
        weekly = schedule("weekly")
        # Wednesday 18 November 2026.
        period = period_containing(weekly, utc(2026, 11, 18, 12))
        self.assertEqual(period.start, dt.date(2026, 11, 14))
        self.assertEqual(period.end, dt.date(2026, 11, 20))
        self.assertEqual(period.starts_at, utc(2026, 11, 13, 16))
        self.assertEqual(period.due_at, utc(2026, 11, 20, 16))

    def test_it_moves_to_the_next_period_at_the_due_moment(self) -> None:
        weekly = schedule("weekly")
        before = period_containing(weekly, utc(2026, 11, 20, 15, 59))
        at = period_containing(weekly, utc(2026, 11, 20, 16))
        self.assertEqual(before.end, dt.date(2026, 11, 20))
        self.assertEqual(at.end, dt.date(2026, 11, 27))
        self.assertEqual(at.starts_at, before.due_at)

    def test_it_finds_the_period_owed_by_a_moment(self) -> None:
        weekly = schedule("weekly")
        self.assertEqual(
            period_due_by(weekly, utc(2026, 11, 20, 15, 59)).end, dt.date(2026, 11, 13)
        )
        self.assertEqual(period_due_by(weekly, utc(2026, 11, 20, 16)).end, dt.date(2026, 11, 20))
        self.assertEqual(period_due_by(weekly, utc(2026, 11, 24, 9)).end, dt.date(2026, 11, 20))

    def test_it_makes_daily_periods_on_working_days(self) -> None:
        daily = schedule("daily", at="17:30")
        friday = period_ending_on(daily, dt.date(2026, 11, 20))
        self.assertEqual((friday.start, friday.end), (dt.date(2026, 11, 20), dt.date(2026, 11, 20)))
        # Monday's report covers the weekend too.
        monday = period_containing(daily, utc(2026, 11, 21, 10))
        self.assertEqual((monday.start, monday.end), (dt.date(2026, 11, 21), dt.date(2026, 11, 23)))
        self.assertEqual(monday.starts_at, utc(2026, 11, 20, 17, 30))
        self.assertFalse(is_due_day("daily", FRIDAY, dt.date(2026, 11, 22)))

    def test_it_makes_fortnightly_periods_every_other_week(self) -> None:
        fortnightly = schedule("fortnightly")
        first = period_containing(fortnightly, utc(2026, 11, 18))
        second = period_after(fortnightly, first)
        self.assertEqual((second.end - first.end).days, 14)
        self.assertEqual((first.end - first.start).days, 13)
        self.assertEqual(first.end.weekday(), FRIDAY)
        # The same fortnights whichever moment inside them is asked about.
        self.assertEqual(period_containing(fortnightly, first.starts_at), first)
        self.assertEqual(period_containing(fortnightly, first.due_at), second)
        self.assertEqual(
            period_containing(fortnightly, second.due_at - dt.timedelta(minutes=1)), second
        )

    def test_it_makes_monthly_periods_end_on_the_first_weekday_of_the_month(self) -> None:
        monthly = schedule("monthly", weekday=0, at="09:00")
        period = period_containing(monthly, utc(2026, 11, 18))
        # The first Monday of December 2026 is the 7th; of November, the 2nd.
        self.assertEqual(period.end, dt.date(2026, 12, 7))
        self.assertEqual(period.start, dt.date(2026, 11, 3))
        self.assertEqual(period_after(monthly, period).end, dt.date(2027, 1, 4))

    def test_it_keeps_the_local_hour_across_dublin_clock_changes(self) -> None:
        weekly = schedule("weekly", weekday=6, at="09:00", zone="Europe/Dublin")
        # Clocks go forward on Sunday 29 March 2026 at 01:00 and back on 25 October.
        before = period_ending_on(weekly, dt.date(2026, 3, 22))
        after = period_ending_on(weekly, dt.date(2026, 3, 29))
        self.assertEqual(before.due_at, utc(2026, 3, 22, 9))
        self.assertEqual(after.due_at, utc(2026, 3, 29, 8))
        self.assertEqual(after.due_at.astimezone(DUBLIN).time(), dt.time(9))
        # That week is an hour short.
        self.assertEqual(after.due_at - after.starts_at, dt.timedelta(days=7, hours=-1))
        autumn = period_ending_on(weekly, dt.date(2026, 10, 25))
        self.assertEqual(autumn.due_at, utc(2026, 10, 25, 9))
        self.assertEqual(autumn.due_at - autumn.starts_at, dt.timedelta(days=7, hours=1))

    def test_it_handles_new_york_hours_that_are_skipped_or_repeated(self) -> None:
        # 8 March 2026: 02:00 jumps to 03:00; 1 November 2026: 01:00 to 02:00 happens twice.
        skipped = local_moment(dt.date(2026, 3, 8), dt.time(2, 30), NEW_YORK)
        self.assertEqual(skipped, utc(2026, 3, 8, 7, 30))
        self.assertEqual(skipped.astimezone(NEW_YORK).time(), dt.time(3, 30))
        repeated = local_moment(dt.date(2026, 11, 1), dt.time(1, 30), NEW_YORK)
        # The first of the two 01:30s, still on summer time.
        self.assertEqual(repeated, utc(2026, 11, 1, 5, 30))

    def test_it_schedules_by_the_clients_wall_clock_around_the_change(self) -> None:
        weekly = schedule("weekly", weekday=6, at="01:30", zone="America/New_York")
        sunday = dt.date(2026, 11, 1)
        due = due_moment(weekly, sunday)
        self.assertEqual(
            period_due_by(weekly, due - dt.timedelta(seconds=1)).end, sunday - dt.timedelta(days=7)
        )
        self.assertEqual(period_due_by(weekly, due).end, sunday)
        # The second 01:30 (an hour later) is still the same period, not a new one.
        self.assertEqual(period_due_by(weekly, due + dt.timedelta(hours=1)).end, sunday)
        self.assertEqual(
            period_containing(weekly, due + dt.timedelta(hours=1)).end, dt.date(2026, 11, 8)
        )

    def test_it_counts_days_in_the_clients_zone(self) -> None:
        weekly = schedule("weekly", at="09:00", zone="Pacific/Auckland")
        # 21:00 UTC on Thursday is 10:00 on Friday in Auckland: Friday's report is due.
        self.assertEqual(period_due_by(weekly, utc(2026, 11, 19, 21)).end, dt.date(2026, 11, 20))

    @given(
        cadence=st.sampled_from(["daily", "weekly", "fortnightly", "monthly"]),
        weekday=st.integers(0, 6),
        minutes=st.integers(0, 24 * 60 - 1),
        zone=st.sampled_from(["UTC", "Europe/Dublin", "America/New_York", "Australia/Sydney"]),
        offset=st.integers(0, 3 * 365 * 24 * 60),
    )
    def test_it_tiles_time_with_periods(
        self, cadence: str, weekday: int, minutes: int, zone: str, offset: int
    ) -> None:
        plan = schedule(
            cadence, weekday=weekday, at=f"{minutes // 60:02d}:{minutes % 60:02d}", zone=zone
        )
        moment = utc(2025, 1, 1) + dt.timedelta(minutes=offset)
        period = period_containing(plan, moment)
        self.assertLessEqual(period.starts_at, moment)
        self.assertLess(moment, period.due_at)
        self.assertLessEqual(period.start, period.end)
        self.assertEqual(period_after(plan, period).starts_at, period.due_at)
        self.assertEqual(period_after(plan, period).start, period.end + dt.timedelta(days=1))
        owed = period_due_by(plan, moment)
        self.assertEqual(period_after(plan, owed), period)
