"""The meeting-prep brief: everything worth knowing before you meet a client, on one page.

Reads from most apps below it (clients, interactions, promises, feedback, recovery) in a
fixed number of queries, whatever the client's history holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from keepwarm.clients.models import Client, Contact, Goal, GoalStatus, ImportantDate, PersonalFact
from keepwarm.clients.selectors import Suggestion, resource_suggestions
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.feedback.models import UNHAPPY_AT_MOST, FeedbackKind, FeedbackResponse
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.recovery.models import Outcome, RecoveryCase, ToughTopic
from keepwarm.recovery.selectors import CaseSummary, case_summary

# Dates and follow-ups this many days ahead are worth mentioning.
AHEAD_DAYS = 30
# A follow-up or a happening this many days past is still worth asking about.
BEHIND_DAYS = 14
# Without an earlier meeting, "since the last meeting" covers this many days.
NO_MEETING_DAYS = 30
# The brief fits on one printed page: at most this many of each list are shown, the most
# pressing first, with a note that there are more.
SINCE_SHOWN = 12
PROMISES_SHOWN = 12
FACTS_SHOWN = 12
# Questions from late promises and from personal facts: at most this many of each.
ASKED_OF_EACH = 3
# Feedback at or above these counts as happy: a moment to ask for a referral.
HAPPY_AT_LEAST: dict[str, int] = {FeedbackKind.NPS: 9, FeedbackKind.CSAT: 4}
SCALE_MAX: dict[str, int] = {FeedbackKind.NPS: 10, FeedbackKind.CSAT: 5}


@dataclass(frozen=True)
class FactToAsk:
    """A personal fact, and whether now is the time to ask about it."""

    contact: Contact
    fact: PersonalFact
    ask_now: bool
    when_words: str  # "knee operation on Tue 9 Dec", "" when it has no day


@dataclass(frozen=True)
class DateAhead:
    """An important date of one of their people coming up."""

    contact: Contact
    label: str
    on: dt.date
    days_away: int


@dataclass(frozen=True)
class PromiseLine:
    """An open promise and where it stands."""

    commitment: Commitment
    state_words: str  # "overdue 3 days", "due today", "due in 5 days"
    overdue_days: int


@dataclass(frozen=True)
class TopicLine:
    """A tough topic not raised yet."""

    topic: ToughTopic
    state_words: str
    overdue_days: int


@dataclass(frozen=True)
class FeedbackLine:
    """Their last feedback answer."""

    response: FeedbackResponse
    scale_max: int
    happy: bool
    unhappy: bool


@dataclass(frozen=True)
class Brief:
    """One client's brief: each section is a list (empty when there is nothing to say)."""

    client: Client
    now: dt.datetime
    today: dt.date
    meeting: Interaction | None  # the meeting being prepared for (or the next one planned)
    last_meeting: Interaction | None
    since_start: dt.datetime  # "what happened since" starts here
    since: list[Interaction]
    since_more: bool  # more happened than is listed
    goals: list[Goal]
    people: list[Contact]
    facts: list[FactToAsk]
    facts_more: int  # facts remembered but not listed
    dates: list[DateAhead]
    promises: list[PromiseLine]
    promises_more: bool  # more open promises than are listed
    cases: list[CaseSummary]
    topics: list[TopicLine]
    feedback: FeedbackLine | None
    questions: list[str]
    resources: list[Suggestion]

    @property
    def industry(self) -> str:
        return self.client.industry

    @property
    def notes(self) -> str:
        return self.client.notes


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _due_words(due: dt.date, today: dt.date) -> tuple[str, int]:
    late = (today - due).days
    if late > 0:
        return f"overdue {_days(late)}", late
    if late == 0:
        return "due today", 0
    return f"due in {_days(-late)}", 0


def _facts(people: list[Contact], today: dt.date) -> list[FactToAsk]:
    near = []
    for person in people:
        for fact in person.facts.all():
            days = [d for d in (fact.follow_up_on, fact.date) if d is not None]
            ask_now = any(-BEHIND_DAYS <= (d - today).days <= AHEAD_DAYS for d in days)
            words = f"{fact.date:%a %-d %b}" if fact.date else ""
            near.append(FactToAsk(person, fact, ask_now, words))
    # The ones to ask about now first; then the newest remembered.
    near.sort(key=lambda f: (not f.ask_now, -f.fact.created_at.timestamp()))
    return near


def _dates(people: list[Contact], today: dt.date) -> list[DateAhead]:
    ahead = []
    for person in people:
        for day in person.dates.all():
            on = day.next_occurrence(today)
            if on is not None and (on - today).days <= AHEAD_DAYS:
                ahead.append(DateAhead(person, str(day), on, (on - today).days))
    return sorted(ahead, key=lambda d: (d.on, d.contact.name))


def _questions(
    *,
    goals: list[Goal],
    facts: list[FactToAsk],
    promises: list[PromiseLine],
    topics: list[TopicLine],
    cases: list[CaseSummary],
    feedback: FeedbackLine | None,
    today: dt.date,
) -> list[str]:
    """Return the questions worth asking, from what the other sections hold."""
    asks: list[str] = []
    for case in cases:
        asks.append(
            f"How do they feel now about what went wrong ({case.cause_label.lower()})? "
            f"Next step of the recovery: {case.next_step_label or 'agree the steps'}."
        )
    late = [line for line in promises if line.overdue_days]
    for line in late[:ASKED_OF_EACH]:
        asks.append(
            f"We are {_days(line.overdue_days)} late on “{line.commitment.what}”: say so "
            "first, and agree a new date."
        )
    if len(late) > ASKED_OF_EACH:
        asks.append("More promises are late: go through them together, one by one.")
    for due in topics[:ASKED_OF_EACH]:
        asks.append(
            f"Raise the {due.topic.get_kind_display().lower()} topic: {due.topic.what_to_say}"
        )
    for goal in goals[:3]:
        asks.append(f"How is “{goal.text}” going, and what would help most now?")
    if not goals:
        asks.append("What do they most want to achieve this year? No goals are recorded yet.")
    for item in [f for f in facts if f.ask_now][:ASKED_OF_EACH]:
        happened = item.fact.date is not None and item.fact.date <= today
        verb = "Ask how it went" if happened else "Ask about"
        asks.append(f"{verb} ({item.contact.name}): {item.fact.text}")
    if feedback is not None and feedback.unhappy:
        asks.append(
            f"They gave us {feedback.response.score} of {feedback.scale_max}: ask what would "
            "make it better."
        )
    elif feedback is not None and feedback.happy and not cases:
        asks.append("They are happy with the work: do they know someone else we could help?")
    return asks


def brief_for(
    client: Client, *, now: dt.datetime | None = None, meeting: Interaction | None = None
) -> Brief:
    """Return a client's brief; `meeting` names the planned meeting it prepares for.

    Without `meeting`, the next meeting planned (if any) is shown. A fixed number of queries.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    contacts = Contact.objects.filter(client=client).order_by("name", "pk")
    people = list(
        contacts.prefetch_related(
            Prefetch("facts", queryset=PersonalFact.objects.order_by("-created_at", "-pk")),
            Prefetch("dates", queryset=ImportantDate.objects.order_by("date", "pk")),
        )
    )
    goals = list(Goal.objects.filter(client=client, status=GoalStatus.ACTIVE))
    meetings = Interaction.objects.filter(
        client=client,
        channel=Channel.MEETING,
        direction__in=[Direction.INBOUND, Direction.OUTBOUND],
    )
    if meeting is None:
        meeting = meetings.filter(occurred_at__gt=now).order_by("occurred_at", "pk").first()
    last_meeting = meetings.filter(occurred_at__lte=now).order_by("-occurred_at", "-pk").first()
    since_start = (
        last_meeting.occurred_at if last_meeting else now - dt.timedelta(days=NO_MEETING_DAYS)
    )
    since = list(
        Interaction.objects.filter(
            client=client, occurred_at__gt=since_start, occurred_at__lte=now
        ).order_by("-occurred_at", "-pk")[: SINCE_SHOWN + 1]
    )
    promises: list[PromiseLine] = []
    for commitment in (
        Commitment.objects.filter(client=client, status=CommitmentStatus.OPEN)
        .select_related("promised_to")
        .order_by("due_on", "pk")[: PROMISES_SHOWN + 1]
    ):
        words, late = _due_words(commitment.due_on, today)
        promises.append(PromiseLine(commitment, words, late))
    cases = [
        case_summary(case)
        for case in RecoveryCase.objects.filter(client=client, outcome=Outcome.OPEN)
        .select_related("client")
        .prefetch_related("steps")
        .order_by("opened_at", "pk")
    ]
    topics: list[TopicLine] = []
    for topic in ToughTopic.objects.filter(client=client, raised_at__isnull=True).order_by(
        "raise_by", "pk"
    ):
        left = (topic.raise_by - today).days
        if left < 0:
            words = f"not raised, {_days(-left)} past its date"
        else:
            words = "raise it today" if left == 0 else f"raise it within {_days(left)}"
        topics.append(TopicLine(topic, words, max(0, -left)))
    last = (
        FeedbackResponse.objects.filter(client=client)
        .select_related("contact")
        .order_by("-created_at", "-pk")
        .first()
    )
    feedback = None
    if last is not None:
        feedback = FeedbackLine(
            last,
            SCALE_MAX.get(last.kind, 10),
            last.score >= HAPPY_AT_LEAST.get(last.kind, 11),
            last.unhappy or last.score <= dict(UNHAPPY_AT_MOST).get(last.kind, -1),
        )
    facts = _facts(people, today)
    return Brief(
        client=client,
        now=now,
        today=today,
        meeting=meeting,
        last_meeting=last_meeting,
        since_start=since_start,
        since=since[:SINCE_SHOWN],
        since_more=len(since) > SINCE_SHOWN,
        goals=goals,
        people=people,
        facts=facts[:FACTS_SHOWN],
        facts_more=max(0, len(facts) - FACTS_SHOWN),
        dates=_dates(people, today),
        promises=promises[:PROMISES_SHOWN],
        promises_more=len(promises) > PROMISES_SHOWN,
        cases=cases,
        topics=topics,
        feedback=feedback,
        questions=_questions(
            goals=goals,
            facts=facts,
            promises=promises,
            topics=topics,
            cases=cases,
            feedback=feedback,
            today=today,
        ),
        resources=resource_suggestions(client, goals),
    )
