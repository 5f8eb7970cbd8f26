"""The everyday rhythm of six months: updates, calls, questions answered, promises kept.

Each client's rhythm comes from a random generator seeded with its key, so the same
`today` always gives the same history.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from keepwarm.demo import phrases
from keepwarm.demo.specs import Ask, ClientSpec, on_year

HISTORY_DAYS = 182
FIRST_NAMES = {"maya": "Maya", "tom": "Tom"}
CADENCE_WORDS = {
    "weekly": ("Weekly", "week", "this week"),
    "fortnightly": ("Fortnightly", "fortnight", "over the fortnight"),
    "monthly": ("Monthly", "month", "this month"),
}


@dataclass(eq=False)
class Planned:
    """An interaction about to be created; `reply` is our answer to an inbound one."""

    client: str
    at: dt.datetime
    channel: str
    direction: str
    subject: str
    body: str
    people: tuple[int, ...]
    by: str | None
    kinds: tuple[str, ...] = ()
    needs_reply: bool = False
    parent: Planned | None = None
    reply: Planned | None = None


@dataclass(eq=False)
class PlannedPromise:
    """A commitment about to be created."""

    client: str
    what: str
    made_at: dt.datetime
    due: dt.date
    status: str
    done_at: dt.datetime | None
    to: int | None
    by: str | None
    goal: int | None = None
    source: Planned | None = None
    renegotiated_from: PlannedPromise | None = None


@dataclass(frozen=True)
class Rhythm:
    """How attentive we have been to a client: gaps in days, reply delays in hours, odds."""

    touch_every: tuple[int, int]
    ask_every: tuple[int, int]
    reply_hours: tuple[float, float]
    value_every: tuple[int, int] | None
    kept: float
    late: float
    thanks: float
    skip_update: float


RHYTHMS = {
    "close": Rhythm((5, 9), (10, 16), (0.25, 3), (24, 34), 0.95, 0.05, 0.35, 0.0),
    "warm": Rhythm((8, 14), (14, 24), (1, 8), (35, 50), 0.85, 0.12, 0.25, 0.0),
    "warming": Rhythm((10, 18), (18, 30), (3, 30), (60, 80), 0.7, 0.2, 0.15, 0.15),
    # Cooling off: questions wait a day or two for an answer.
    "cool": Rhythm((12, 20), (30, 45), (30, 60), None, 0.7, 0.2, 0.1, 0.0),
    "neglected": Rhythm((28, 40), (40, 55), (30, 70), None, 0.4, 0.4, 0.05, 0.6),
    "quiet": Rhythm((35, 50), (50, 70), (2, 24), None, 0.9, 0.1, 0.0, 0.0),
}

# Which channels a client hears from us on, and how often; keyed by `calls_first`.
CHANNEL_WEIGHTS: dict[bool, tuple[tuple[str, ...], tuple[int, ...]]] = {
    False: (("call", "meeting", "message", "visit", "email"), (3, 2, 2, 1, 1)),
    True: (("call", "message", "visit", "meeting", "email"), (5, 3, 1, 1, 1)),
}


class Clock:
    """Days relative to the demo's today, as aware datetimes in the studio's time zone."""

    def __init__(self, today: dt.date, tz: ZoneInfo) -> None:
        self.today = today
        self.tz = tz
        self.midnight = dt.datetime.combine(today, dt.time(), tzinfo=tz)

    def day(self, offset: int) -> dt.date:
        """Return the day `offset` days from today."""
        return self.today + dt.timedelta(days=offset)

    def at(self, day: dt.date, when: str | int) -> dt.datetime:
        """Return `day` at "HH:MM", or at a number of minutes after midnight."""
        if isinstance(when, str):
            hour, minute = (int(part) for part in when.split(":"))
        else:
            hour, minute = divmod(when, 60)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def working(self, moment: dt.datetime) -> dt.datetime:
        """Return `moment`, or the start of the next working morning if it falls outside one."""
        local = moment.astimezone(self.tz)
        while True:
            if local.weekday() >= 5 or local.time() > dt.time(18, 0):
                local = self.at(local.date() + dt.timedelta(days=1), "08:30")
            elif local.time() < dt.time(8, 30):
                local = self.at(local.date(), "08:30")
            else:
                return local


def weekday_on_or_after(day: dt.date) -> dt.date:
    """Return `day`, or the Monday after it when it falls at a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def report_days(cadence: str, weekday: int, first: dt.date, last: dt.date) -> list[dt.date]:
    """Return the days a report with this cadence was due between `first` and `last`."""
    days = []
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    while day <= last:
        if (
            cadence == "weekly"
            or (cadence == "fortnightly" and (day.toordinal() // 7) % 2 == 0)
            or (cadence == "monthly" and day.day <= 7)
        ):
            days.append(day)
        day += dt.timedelta(days=7)
    return days


class RoutinePlanner:
    """Plan one client's ordinary six months."""

    def __init__(self, spec: ClientSpec, clock: Clock) -> None:
        assert spec.rhythm is not None
        self.spec = spec
        self.clock = clock
        self.rhythm = RHYTHMS[spec.rhythm]
        self.rng = random.Random(f"keepwarm-demo:{spec.key}")
        self.me = FIRST_NAMES[spec.owner]
        today = clock.today
        self.start = max(
            today - dt.timedelta(days=HISTORY_DAYS), today - dt.timedelta(days=spec.since_days - 1)
        )
        self.end = today - dt.timedelta(days=1 + spec.stop_days)
        self.work = list(spec.work)
        self.rng.shuffle(self.work)
        self.work_used = 0
        self.interactions: list[Planned] = []
        self.promises: list[PlannedPromise] = []

    def plan(self) -> tuple[list[Planned], list[PlannedPromise]]:
        """Return this client's routine interactions and promises."""
        self._updates()
        self._touches()
        self._value_adds()
        self._asks()
        self._job_reports()
        self._birthdays()
        return self.interactions, self.promises

    # Small helpers

    def _first(self, person: int) -> str:
        return self.spec.people[person].first

    def _topic(self) -> str:
        return self.rng.choice(self.spec.topics) if self.spec.topics else "the website"

    def _person(self) -> int:
        count = len(self.spec.people)
        if count == 1 or self.rng.random() < 0.6:
            return 0
        return self.rng.randrange(1, count)

    def _fill(self, text: str, person: int, topic: str, **extra: object) -> str:
        return text.format(
            first=self._first(person), me=self.me, topic=topic, client=self.spec.short_name, **extra
        )

    def _daytime(self, day: dt.date, earliest: int = 9 * 60, latest: int = 17 * 60) -> dt.datetime:
        return self.clock.at(day, self.rng.randrange(earliest, latest, 5))

    def _log(
        self,
        *,
        at: dt.datetime,
        channel: str,
        direction: str,
        subject: str,
        body: str,
        people: tuple[int, ...],
        kinds: tuple[str, ...] = (),
        needs_reply: bool = False,
        parent: Planned | None = None,
    ) -> Planned:
        # Emails arrive by themselves; everything else someone on the team wrote down.
        by = None if direction == "inbound" and channel == "email" else self.spec.owner
        planned = Planned(
            client=self.spec.key,
            at=at,
            channel=channel,
            direction=direction,
            subject=subject,
            body=body,
            people=people,
            by=by,
            kinds=kinds,
            needs_reply=needs_reply,
            parent=parent,
        )
        self.interactions.append(planned)
        return planned

    # The rhythm

    def _updates(self) -> None:
        spec = self.spec
        if spec.cadence == "none":
            return
        last = self.clock.day(-1 - max(spec.stop_days, spec.updates_stop_days))
        days = report_days(spec.cadence, spec.weekday, self.start, last)
        no_change_day = None
        if spec.no_change_days is not None and days:
            target = self.clock.day(-spec.no_change_days)
            no_change_day = min(days, key=lambda day: abs((day - target).days))
        title, unit, period_of = CADENCE_WORDS[spec.cadence]
        to = (0, 1) if spec.key == "northgate" else (0,)
        for day in days:
            if day != no_change_day and self.rng.random() < self.rhythm.skip_update:
                continue
            moment = self.clock.at(day, spec.report_time)
            topic = self._topic()
            if day == no_change_day:
                subject = f"{title} update: {spec.short_name} — no change this {unit}"
                body = self._fill(
                    phrases.NO_CHANGE_BODY, 0, topic, unit=unit, note=spec.no_change_note
                )
                kinds: tuple[str, ...] = ("progress",)
            else:
                subject, body, kinds = self._update_text(day, title, unit, period_of, topic)
            update = self._log(
                at=moment,
                channel="email",
                direction="outbound",
                subject=subject,
                body=body,
                people=to,
                kinds=kinds,
            )
            if self.rng.random() < self.rhythm.thanks:
                self._thanks(update, topic)

    def _update_text(
        self, day: dt.date, title: str, unit: str, period_of: str, topic: str
    ) -> tuple[str, str, tuple[str, ...]]:
        spec = self.spec
        if spec.cadence == "monthly":
            label = f"{day:%B}"
        else:
            monday = day - dt.timedelta(days=day.weekday())
            label = f"week of {monday.day} {monday:%b}"
        done = []
        for _ in range(min(2, len(self.work))):
            done.append(self.work[self.work_used % len(self.work)])
            self.work_used += 1
        done.append(
            self.rng.choice(phrases.MAINTENANCE_LINES).format(
                period=unit,
                period_of=period_of,
                uptime=self.rng.choice(("100", "100", "99.98", "99.9")),
                visits=self.rng.randint(6, 60) * 50,
                change=self.rng.randint(-8, 15),
                speed=self.rng.randint(82, 97),
            )
        )
        kinds: tuple[str, ...] = ("progress",)
        problem = f"None this {unit}."
        if self.rng.random() < 0.2:
            problem = self.rng.choice(phrases.PROBLEMS)
            kinds = ("progress", "problem")
        lines = [
            f"Hi {self._first(0)},",
            "",
            phrases.UPDATE_OPENINGS[spec.cadence],
            "",
            "Done",
            *(f"- {item}" for item in done),
            "",
            "Problems",
            f"- {problem}",
            "",
            self.rng.choice(phrases.NEXT_STEPS).format(topic=topic),
            "",
            phrases.UPDATE_CLOSE.format(me=self.me),
        ]
        return f"{title} update: {spec.short_name}, {label}", "\n".join(lines), kinds

    def _thanks(self, update: Planned, topic: str) -> None:
        moment = update.at + dt.timedelta(minutes=self.rng.randint(40, 18 * 60))
        if moment >= self.clock.midnight:
            return
        body = self._fill(self.rng.choice(phrases.THANKS), update.people[0], topic)
        self._log(
            at=moment,
            channel="email",
            direction="inbound",
            subject=f"Re: {update.subject}",
            body=body,
            people=(update.people[0],),
            parent=update,
        )

    def _touches(self) -> None:
        spec = self.spec
        low, high = self.rhythm.touch_every
        channels, weights = CHANNEL_WEIGHTS[spec.calls_first]
        day = self.start + dt.timedelta(days=self.rng.randint(1, low))
        promised = 0
        while (day := weekday_on_or_after(day)) <= self.end:
            channel = self.rng.choices(channels, weights)[0]
            person = self._person()
            topic = self._topic()
            moment = self._daytime(day)
            if channel in phrases.INBOUND and self.rng.random() < 0.2:
                subject, body = self.rng.choice(phrases.INBOUND[channel])
                self._log(
                    at=moment,
                    channel=channel,
                    direction="inbound",
                    subject=self._fill(subject, person, topic),
                    body=self._fill(body, person, topic),
                    people=(person,),
                )
            else:
                subject, body = self.rng.choice(phrases.OUTBOUND[channel])
                kinds = () if subject == "Checking in" else ("progress",)
                touch = self._log(
                    at=moment,
                    channel=channel,
                    direction="outbound",
                    subject=self._fill(subject, person, topic),
                    body=self._fill(body, person, topic),
                    people=(person,),
                    kinds=kinds,
                )
                if channel in ("call", "meeting"):
                    promised += 1
                    if promised % 3 == 0:
                        self._promise(touch, person, topic)
            day += dt.timedelta(days=self.rng.randint(low, high))

    def _promise(self, source: Planned, person: int, topic: str) -> None:
        what, days = self.rng.choice(phrases.PROMISES)
        made = source.at.date()
        due = made + dt.timedelta(days=days)
        if self.spec.stop_days and due > self.end:
            return
        status, done_day = "open", None
        if due < self.clock.today:
            roll = self.rng.random()
            if roll < self.rhythm.kept:
                status, done_day = (
                    "kept",
                    max(made, due - dt.timedelta(days=self.rng.randint(0, 1))),
                )
            elif roll < self.rhythm.kept + self.rhythm.late:
                status, done_day = "late", due + dt.timedelta(days=self.rng.randint(1, 5))
            else:
                status, done_day = "broken", due + dt.timedelta(days=self.rng.randint(3, 8))
            if done_day >= self.clock.today:
                status, done_day = "open", None
        self.promises.append(
            PlannedPromise(
                self.spec.key,
                self._fill(what, person, topic),
                source.at,
                due,
                status,
                self._daytime(done_day, 15 * 60, 18 * 60) if done_day else None,
                person,
                self.spec.owner,
                source=source,
            )
        )

    def _value_adds(self) -> None:
        if self.rhythm.value_every is None:
            return
        low, high = self.rhythm.value_every
        articles = [*self.spec.articles, *phrases.GENERIC_ARTICLES]
        day = self.start + dt.timedelta(days=self.rng.randint(7, low))
        while articles and (day := weekday_on_or_after(day)) <= self.end:
            article = articles.pop(0)
            person = self._person()
            body = self._fill(
                phrases.VALUE_ADD,
                person,
                self._topic(),
                title=article.title,
                url=article.url,
                point=article.point,
            )
            self._log(
                at=self._daytime(day),
                channel="email",
                direction="outbound",
                subject=f"Thought of you: {article.title}",
                body=body,
                people=(person,),
                kinds=("value_add",),
            )
            day += dt.timedelta(days=self.rng.randint(low, high))

    def _asker(self, ask: Ask) -> int:
        """Return who signed a hand-written question: the name nearest its end."""
        best, best_at = 0, -1
        for index, person in enumerate(self.spec.people):
            for match in re.finditer(rf"\b{re.escape(person.first)}\b", ask.question):
                if match.start() > best_at:
                    best, best_at = index, match.start()
        return best

    def _asks(self) -> None:
        spec = self.spec
        low, high = self.rhythm.ask_every
        generic = list(phrases.GENERIC_ASKS)
        self.rng.shuffle(generic)
        asks = [(ask, self._asker(ask)) for ask in spec.asks]
        asks += [(ask, self._person()) for ask in generic]
        last = min(self.end - dt.timedelta(days=4), self.clock.day(-6))
        day = self.start + dt.timedelta(days=self.rng.randint(2, low))
        attentive = self.spec.rhythm in ("close", "warm")
        while asks and (day := weekday_on_or_after(day)) <= last:
            if attentive and day.weekday() == 4:
                # Keep the attentive clients' questions off Friday evenings, where even a
                # prompt answer would wait for Monday.
                day += dt.timedelta(days=3)
                if day > last:
                    break
            ask, person = asks.pop(0)
            topic = self._topic()
            kinds = ("problem",) if ask.problem else ()
            question = self._log(
                at=self._daytime(day, 8 * 60, (15 if attentive else 17) * 60),
                channel="email",
                direction="inbound",
                subject=ask.subject,
                body=self._fill(ask.question, person, topic),
                people=(person,),
                kinds=kinds,
                needs_reply=True,
            )
            delay = dt.timedelta(hours=self.rng.uniform(*self.rhythm.reply_hours))
            answered = self.clock.working(question.at + delay)
            answered += dt.timedelta(minutes=self.rng.randint(0, 40))
            answered = answered.replace(second=0, microsecond=0)
            if answered.date() > self.end:
                self.interactions.remove(question)
                break
            question.reply = self._log(
                at=answered,
                channel="email",
                direction="outbound",
                subject=f"Re: {ask.subject}",
                body=self._fill(ask.answer, person, topic),
                people=(person,),
                kinds=kinds,
                parent=question,
            )
            day += dt.timedelta(days=self.rng.randint(low, high))

    def _job_reports(self) -> None:
        if not self.spec.maintenance:
            return
        month = self.start.replace(day=1)
        index = self.rng.randrange(len(phrases.JOB_REPORTS))
        while month <= self.end:
            day = month + dt.timedelta(days=(2 - month.weekday()) % 7)
            if self.start <= day <= self.end:
                wrong, did, needed = phrases.JOB_REPORTS[index % len(phrases.JOB_REPORTS)]
                index += 1
                body = self._fill(phrases.JOB_REPORT_BODY, 0, "", wrong=wrong, did=did, next=needed)
                self._log(
                    at=self.clock.at(day, "11:00"),
                    channel="email",
                    direction="outbound",
                    subject=f"Job report: {day:%B} maintenance",
                    body=body,
                    people=(0,),
                    kinds=("job_report",),
                )
            month = (month + dt.timedelta(days=32)).replace(day=1)

    def _birthdays(self) -> None:
        if self.spec.rhythm not in ("close", "warm") or self.spec.status != "active":
            return
        subject, body = phrases.BIRTHDAY
        for index, person in enumerate(self.spec.people):
            for date_spec in person.dates:
                if date_spec.kind != "birthday":
                    continue
                born = date_spec.resolve(self.clock.today)
                for year in {self.start.year, self.end.year}:
                    day = on_year(born, year)
                    if self.start <= day <= self.end:
                        self._log(
                            at=self.clock.at(day, "08:45"),
                            channel="message",
                            direction="outbound",
                            subject=self._fill(subject, index, ""),
                            body=self._fill(body, index, ""),
                            people=(index,),
                            kinds=("personal_touch",),
                        )
