"""Words for agenda items: near days and names (lengths of time are in `lib.words`)."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_words(day: dt.date, today: dt.date) -> str:
    """Return a short date, with the year only when it is not this year's: "Fri 28 Nov"."""
    text = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month]}"
    return text if day.year == today.year else f"{text} {day.year}"


def when_words(day: dt.date, today: dt.date) -> str:
    """Return a near day relative to today: "today", "tomorrow", "in 3 days", "2 days ago"."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def who(contact: str | None, client: str) -> str:
    return f"{contact} ({client})" if contact else client


def near_day(day: dt.date, today: dt.date) -> str:
    """Return a near day relative, then as a date: "today", "in 3 days, Sat 14 Mar"."""
    relative = when_words(day, today)
    return relative if day == today else f"{relative}, {day_words(day, today)}"
