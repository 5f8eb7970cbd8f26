"""Report periods: when each cadence falls due, in the client's own time zone (pure functions).

A report falls due on a *due day* at the scheduled local time:
- daily: every working day, Monday to Friday;
- weekly: the scheduled weekday;
- fortnightly: the scheduled weekday of every other week, counted from a fixed date so the
  fortnights never drift;
- monthly: the first scheduled weekday of each month.

A period runs from the day after the previous due day to its own due day, and covers the
moments from the previous due moment up to (not including) its own: no record falls in two
periods and none falls between them. Local times are turned into moments with zoneinfo, so
a report keeps its wall-clock time across daylight-saving changes (a time that does not
exist on the day the clocks go forward moves on by the gap; a time that happens twice when
they go back is the first of the two).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CADENCES = ("daily", "weekly", "fortnightly", "monthly")
# Far more than the longest gap between two due days of any cadence (a monthly one: 35).
_SEARCH_DAYS = 62


@dataclass(frozen=True)
class Schedule:
    """When a client's status reports fall due."""

    cadence: str
    weekday: int
    time: dt.time
    zone: ZoneInfo
    auto_send_no_change: bool = False


@dataclass(frozen=True)
class Period:
    """One report period: its local dates and the moments it covers."""

    start: dt.date
    end: dt.date
    starts_at: dt.datetime
    due_at: dt.datetime


def zone_named(name: str) -> ZoneInfo:
    """Return the named time zone, or UTC when there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return ZoneInfo("UTC")


def is_due_day(cadence: str, weekday: int, day: dt.date) -> bool:
    """Return whether a report with this cadence falls due on `day`."""
    if cadence == "daily":
        return day.weekday() < 5
    if day.weekday() != weekday:
        return False
    if cadence == "weekly":
        return True
    if cadence == "fortnightly":
        # toordinal() // 7 goes up by one each week, so its parity alternates.
        return (day.toordinal() // 7) % 2 == 0
    if cadence == "monthly":
        return day.day <= 7
    raise ValueError(f"unknown cadence {cadence!r}")


def due_day_on_or_before(schedule: Schedule, day: dt.date) -> dt.date:
    """Return the last due day on or before `day`."""
    for back in range(_SEARCH_DAYS):
        candidate = day - dt.timedelta(days=back)
        if is_due_day(schedule.cadence, schedule.weekday, candidate):
            return candidate
    raise ValueError("no due day found")  # pragma: no cover - every cadence has one


def due_day_on_or_after(schedule: Schedule, day: dt.date) -> dt.date:
    """Return the first due day on or after `day`."""
    for ahead in range(_SEARCH_DAYS):
        candidate = day + dt.timedelta(days=ahead)
        if is_due_day(schedule.cadence, schedule.weekday, candidate):
            return candidate
    raise ValueError("no due day found")  # pragma: no cover - every cadence has one


def local_moment(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """Return the moment (in UTC) that is `time` on `day` on the wall clocks of `zone`."""
    wall = dt.datetime.combine(day, time).replace(tzinfo=zone, fold=0)
    # Converting to UTC and back settles a wall time the clocks skipped over.
    return wall.astimezone(dt.UTC)


def due_moment(schedule: Schedule, day: dt.date) -> dt.datetime:
    """Return the moment a report due on `day` falls due."""
    return local_moment(day, schedule.time, schedule.zone)


def period_ending_on(schedule: Schedule, due_day: dt.date) -> Period:
    """Return the period whose due day is `due_day` (which must be a due day)."""
    previous = due_day_on_or_before(schedule, due_day - dt.timedelta(days=1))
    return Period(
        start=previous + dt.timedelta(days=1),
        end=due_day,
        starts_at=due_moment(schedule, previous),
        due_at=due_moment(schedule, due_day),
    )


def _local_day(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()


def period_due_by(schedule: Schedule, moment: dt.datetime) -> Period:
    """Return the latest period due at or before `moment` (the report owed now)."""
    day = due_day_on_or_before(schedule, _local_day(moment, schedule.zone))
    if due_moment(schedule, day) > moment:
        day = due_day_on_or_before(schedule, day - dt.timedelta(days=1))
    return period_ending_on(schedule, day)


def period_containing(schedule: Schedule, moment: dt.datetime) -> Period:
    """Return the period that covers `moment`: the next one to fall due after it."""
    day = due_day_on_or_after(schedule, _local_day(moment, schedule.zone))
    if due_moment(schedule, day) <= moment:
        day = due_day_on_or_after(schedule, day + dt.timedelta(days=1))
    return period_ending_on(schedule, day)


def period_after(schedule: Schedule, period: Period) -> Period:
    """Return the period that follows `period`."""
    day = due_day_on_or_after(schedule, period.end + dt.timedelta(days=1))
    return period_ending_on(schedule, day)
