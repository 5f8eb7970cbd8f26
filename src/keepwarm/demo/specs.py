"""The shapes the demo's story is written in; every day is relative to the demo's today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def on_year(day: dt.date, year: int) -> dt.date:
    """Return `day` moved to `year`, with 29 February becoming 28 February."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


@dataclass(frozen=True)
class On:
    """A day relative to today: `days` after today, or after the next `weekday` (0 Monday)."""

    days: int = 0
    weekday: int | None = None

    def resolve(self, today: dt.date) -> dt.date:
        """Return the calendar day this stands for."""
        base = today
        if self.weekday is not None:
            base = today + dt.timedelta(days=(self.weekday - today.weekday()) % 7 or 7)
        return base + dt.timedelta(days=self.days)


@dataclass(frozen=True)
class Fact:
    """Something worth remembering about a person."""

    category: str
    text: str
    on: On | None = None
    follow_up: On | None = None
    noted_days_ago: int = 60


@dataclass(frozen=True)
class Day:
    """A birthday, anniversary or event: a fixed date, or `in_days` from today in `year`."""

    kind: str
    label: str
    year: int
    month: int = 1
    day: int = 1
    in_days: int | None = None
    yearly: bool = True

    def resolve(self, today: dt.date) -> dt.date:
        """Return the stored date: the original year for yearly dates, the real day otherwise."""
        if self.in_days is None:
            return dt.date(self.year, self.month, self.day)
        real = today + dt.timedelta(days=self.in_days)
        return on_year(real, self.year) if self.yearly else real


@dataclass(frozen=True)
class Person:
    """A contact at a client; `email` is the part before the client's domain."""

    name: str
    role: str
    email: str
    channel: str = "email"
    phone: str = ""
    notes: str = ""
    facts: tuple[Fact, ...] = ()
    dates: tuple[Day, ...] = ()

    @property
    def first(self) -> str:
        """Return the name a colleague would use ("Dr Lena Ortiz" is "Lena")."""
        parts = self.name.split()
        return parts[1] if parts[0] in {"Dr", "Revd"} and len(parts) > 1 else parts[0]


@dataclass(frozen=True)
class Goal:
    """What the client wants to achieve."""

    text: str
    priority: int = 2
    status: str = "active"


@dataclass(frozen=True)
class Ask:
    """A question a client emails us, and our answer."""

    subject: str
    question: str
    answer: str
    problem: bool = False


@dataclass(frozen=True)
class Article:
    """Something worth sharing with a client after a conversation (a value-add)."""

    title: str
    url: str
    point: str


@dataclass(frozen=True)
class ClientSpec:
    """One client of the studio, its people, and how we have been treating it."""

    key: str
    name: str
    status: str
    industry: str
    domain: str
    owner: str
    since_days: int
    rhythm: str | None = None
    kind: str = "organisation"
    short: str = ""
    response_hours: int = 24
    check_in_days: int = 14
    cadence: str = "none"
    weekday: int = 4
    report_time: str = "16:00"
    plain_target: int = 60
    annual_value: int | None = None
    referred_by: str | None = None
    notes: str = ""
    people: tuple[Person, ...] = ()
    goals: tuple[Goal, ...] = ()
    topics: tuple[str, ...] = ()
    work: tuple[str, ...] = ()
    articles: tuple[Article, ...] = ()
    asks: tuple[Ask, ...] = ()
    calls_first: bool = False
    maintenance: bool = False
    stop_days: int = 0
    updates_stop_days: int = 0
    no_change_days: int | None = None
    no_change_note: str = ""

    @property
    def short_name(self) -> str:
        """Return the name used in subjects and notes ("Harbor Dental")."""
        return self.short or self.name

    @property
    def website(self) -> str:
        """Return the client's (example) website."""
        return f"https://www.{self.domain}/"


@dataclass(frozen=True)
class Msg:
    """One hand-written interaction in a thread; `day` is days from today (negative: past)."""

    day: int
    at: str
    channel: str
    direction: str
    subject: str = ""
    body: str = ""
    who: tuple[int, ...] = (0,)
    by: str | None = None
    kinds: tuple[str, ...] = ()
    needs_reply: bool = False


@dataclass(frozen=True)
class Thread:
    """Hand-written interactions with one client; emails in it reply to the one before."""

    client: str
    msgs: tuple[Msg, ...]


@dataclass(frozen=True)
class Promise:
    """A hand-written commitment; `then` is the promise it was renegotiated into."""

    client: str
    what: str
    made: int
    due: int
    status: str = "open"
    done: int | None = None
    to: int = 0
    by: str | None = None
    goal: int | None = None
    then: Promise | None = field(default=None)
