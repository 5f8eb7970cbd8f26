"""Lengths of time in words, shared by Today, the Inbox and anything else that says them."""

from __future__ import annotations

HOUR = 3600
DAY = 86400


def plural(n: int, word: str) -> str:
    """Return "1 day", "3 days"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def span_words(seconds: float) -> str:
    """Return a length of time in the largest whole unit: "40 minutes", "5 hours", "3 days"."""
    if seconds < HOUR:
        return plural(max(1, int(seconds // 60)), "minute")
    if seconds < DAY:
        return plural(int(seconds // HOUR), "hour")
    return plural(int(seconds // DAY), "day")


def target_words(hours: int) -> str:
    """Return a reply target: "4 hours", "1 day", "36 hours"."""
    return plural(hours // 24, "day") if hours % 24 == 0 else plural(hours, "hour")
