"""The trust score: gather every client's evidence in a few queries, then score it in Python.

`score_inputs_for_workspace` reads a workspace set-based (the same handful of queries for
ten clients or ten thousand), `score_client` turns one client's inputs into an explained
score without touching the database, and `compute_scores` joins the two for pages, the
API and the daily snapshots. Every time is relative to `at`, so history can be replayed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from keepwarm.accounts.models import Workspace
from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.trust.models import BAND_ORDER, TrustSettings
from keepwarm.trust.types import ClientScore, Component, Evidence

RESPONSE_WINDOW = dt.timedelta(days=90)
PROMISE_WINDOW_DAYS = 180
SENTIMENT_WINDOW = dt.timedelta(days=180)
SENTIMENT_HALF_LIFE_DAYS = 30.0
TOUCH_WINDOW = dt.timedelta(days=90)
# Promise reliability starts from two imaginary promises kept three times in four.
PRIOR_PROMISES = 2
PRIOR_RATE = 0.75
TOUCHES_FOR_FULL_MARKS = 3
# A call, meeting or visit is a touch whoever started it; an email only when we sent it.
TOUCH_CHANNELS = (Channel.CALL, Channel.MEETING, Channel.VISIT)
MIN_COMPONENTS = 2
EVIDENCE_LIMIT = 5

COMPONENT_LABELS: dict[str, str] = {
    "responsiveness": "Responsiveness",
    "promise_reliability": "Promise reliability",
    "contact_recency": "Contact recency",
    "sentiment": "Client sentiment",
    "personal_touch": "Personal touch and value-add",
}
WEIGHT_FIELDS: dict[str, str] = {key: f"weight_{key}" for key in COMPONENT_LABELS}
THRESHOLD_FIELDS = ("cool_from", "warming_from", "warm_from", "close_from")


@dataclass(frozen=True)
class ResponseRow:
    """An inbound message that needed a reply; `reply_seconds` None when unanswered at `at`."""

    interaction_id: int
    subject: str
    received_at: dt.datetime
    reply_seconds: float | None


@dataclass(frozen=True)
class PromiseRow:
    """A promise that fell due in the window, with its status as it stood at `at`."""

    commitment_id: int
    what: str
    due_on: dt.date
    status: str


@dataclass(frozen=True)
class MessageRow:
    """An inbound message and how positive it read (-1..1)."""

    interaction_id: int
    subject: str
    received_at: dt.datetime
    sentiment: float


@dataclass(frozen=True)
class TouchRow:
    """An outbound personal touch or value-add."""

    interaction_id: int
    subject: str
    occurred_at: dt.datetime
    is_personal_touch: bool
    is_value_add: bool


@dataclass(frozen=True)
class ClientInputs:
    """Everything `score_client` needs for one client, including the rows cited as evidence."""

    client_id: int
    name: str
    created_at: dt.datetime
    response_target_hours: int
    check_in_every_days: int
    today: dt.date  # `at` as a calendar day in the workspace's time zone
    responses: tuple[ResponseRow, ...] = ()
    promises: tuple[PromiseRow, ...] = ()
    last_touch_at: dt.datetime | None = None
    active_recently: bool = False  # any non-internal interaction in the last 90 days
    touches: tuple[TouchRow, ...] = ()
    messages: tuple[MessageRow, ...] = ()


@dataclass
class _Collected:
    responses: list[ResponseRow] = field(default_factory=list)
    promises: list[PromiseRow] = field(default_factory=list)
    touches: list[TouchRow] = field(default_factory=list)
    messages: list[MessageRow] = field(default_factory=list)


# Gathering

_IN, _OUT = Direction.INBOUND.value, Direction.OUTBOUND.value
_KEPT, _LATE = CommitmentStatus.KEPT.value, CommitmentStatus.LATE.value
_BROKEN, _OPEN = CommitmentStatus.BROKEN.value, CommitmentStatus.OPEN.value


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def score_inputs_for_workspace(
    workspace_id: int, *, at: dt.datetime, client_ids: Iterable[int] | None = None
) -> dict[int, ClientInputs]:
    """Return every client's inputs as they stood at `at`, in three queries whatever the size."""
    ids = None if client_ids is None else sorted(set(client_ids))
    if ids is not None and not ids:
        return {}
    interactions = Interaction.objects.filter(workspace_id=workspace_id, occurred_at__lte=at)
    promises = Commitment.objects.filter(workspace_id=workspace_id)
    clients = Client.objects.filter(workspace_id=workspace_id, created_at__lte=at)
    if ids is not None:
        interactions = interactions.filter(client_id__in=ids)
        promises = promises.filter(client_id__in=ids)
        clients = clients.filter(pk__in=ids)

    # Per client, newest first along the (client, occurred_at) index: a few rows each, where
    # a GROUP BY would read the workspace's whole history.
    own = Interaction.objects.filter(client_id=OuterRef("pk"), occurred_at__lte=at)
    last_touch = own.filter(Q(direction=_OUT) | Q(direction=_IN, channel__in=TOUCH_CHANNELS))
    recent = own.filter(occurred_at__gt=at - TOUCH_WINDOW, direction__in=[_IN, _OUT])
    client_rows = list(
        clients.annotate(
            last_touch=Subquery(last_touch.order_by("-occurred_at").values("occurred_at")[:1]),
            active=Exists(recent),
        ).values_list(
            "pk",
            "name",
            "created_at",
            "response_target_hours",
            "check_in_every_days",
            "workspace__time_zone",
            "last_touch",
            "active",
        )
    )
    if not client_rows:
        return {}
    today = at.astimezone(_zone(client_rows[0][5])).date()
    collected = {row[0]: _Collected() for row in client_rows}
    _collect_recent(interactions, collected, at)
    _collect_promises(promises, collected, at, today)

    return {
        pk: ClientInputs(
            client_id=pk,
            name=name,
            created_at=created_at,
            response_target_hours=target,
            check_in_every_days=cadence,
            today=today,
            responses=tuple(found.responses),
            promises=tuple(found.promises),
            last_touch_at=touched,
            active_recently=bool(active),
            touches=tuple(found.touches),
            messages=tuple(found.messages),
        )
        for pk, name, created_at, target, cadence, _, touched, active in client_rows
        for found in (collected[pk],)
    }


def _collect_recent(
    interactions: QuerySet[Interaction], collected: dict[int, _Collected], at: dt.datetime
) -> None:
    """Fill the messages needing replies, the messages' tone and our personal touches."""
    recent = at - RESPONSE_WINDOW
    needing = Q(needs_reply=True) | Q(first_response_seconds__isnull=False)
    needing |= Q(replied_by__isnull=False)
    wanted = Q(direction=_IN, sentiment__isnull=False)
    wanted |= Q(needing, direction=_IN, occurred_at__gt=recent)
    wanted |= Q(
        Q(is_personal_touch=True) | Q(is_value_add=True),
        direction=_OUT,
        occurred_at__gt=at - TOUCH_WINDOW,
    )
    rows = (
        interactions.filter(wanted, occurred_at__gt=at - SENTIMENT_WINDOW)
        .values_list(
            "client_id",
            "pk",
            "direction",
            "occurred_at",
            "subject",
            "sentiment",
            "needs_reply",
            "first_response_seconds",
            "replied_by__occurred_at",
            "is_personal_touch",
            "is_value_add",
        )
        .order_by()
    )
    for (
        client_id, pk, direction, occurred_at, subject, tone, needs_reply, seconds, replied_at,
        personal, value_add,
    ) in rows:  # fmt: skip
        found = collected.get(client_id)
        if found is None:
            continue
        if direction == _OUT:
            found.touches.append(TouchRow(pk, subject, occurred_at, personal, value_add))
            continue
        if tone is not None:
            found.messages.append(MessageRow(pk, subject, occurred_at, tone))
        if occurred_at <= recent:
            continue
        reply = float(seconds) if seconds is not None else None
        if reply is None and replied_at is not None:
            reply = (replied_at - occurred_at).total_seconds()
        if reply is not None and (at - occurred_at).total_seconds() < reply:
            # Answered, but only after `at`: at that moment it was still waiting.
            found.responses.append(ResponseRow(pk, subject, occurred_at, None))
        elif reply is not None or needs_reply:
            found.responses.append(ResponseRow(pk, subject, occurred_at, reply))


def _collect_promises(
    promises: QuerySet[Commitment],
    collected: dict[int, _Collected],
    at: dt.datetime,
    today: dt.date,
) -> None:
    """Fill the promises that fell due in the last 180 days, as they stood at `at`."""
    rows = (
        promises.filter(
            due_on__gt=today - dt.timedelta(days=PROMISE_WINDOW_DAYS),
            due_on__lte=today,
            created_at__lte=at,
        )
        .exclude(status=CommitmentStatus.RENEGOTIATED)
        .values_list("client_id", "pk", "what", "due_on", "status", "done_at")
        .order_by()
    )
    for client_id, pk, what, due_on, status, done_at in rows:
        found = collected.get(client_id)
        if found is None:
            continue
        if status in (_KEPT, _LATE) and done_at is not None and done_at > at:
            status = _OPEN
        if status == _OPEN and due_on >= today:
            continue  # not due yet: neither kept nor late so far
        found.promises.append(PromiseRow(pk, what, due_on, status))


# Scoring


def compute_scores(
    workspace: Workspace, *, at: dt.datetime | None = None, client_ids: Iterable[int] | None = None
) -> dict[int, ClientScore]:
    """Return the score of every client of the workspace (or of `client_ids`) at `at`."""
    at = at or timezone.now()
    settings = settings_or_defaults(workspace)
    inputs = score_inputs_for_workspace(workspace.pk, at=at, client_ids=client_ids)
    return {pk: score_client(one, settings, at=at) for pk, one in inputs.items()}


def settings_or_defaults(workspace: Workspace) -> TrustSettings:
    """Return the workspace's trust settings, or unsaved defaults when it has none yet."""
    found = TrustSettings.objects.filter(workspace=workspace).first()
    return found or TrustSettings(workspace=workspace)


def band_for(total: float, settings: TrustSettings) -> str:
    """Return the band a total falls in under the workspace's thresholds."""
    floors = [0, *(getattr(settings, name) for name in THRESHOLD_FIELDS)]
    band = BAND_ORDER[0]
    for candidate, floor in zip(BAND_ORDER, floors, strict=True):
        if total >= floor:
            band = candidate
    return band.value


@dataclass(frozen=True)
class _Part:
    score: float
    explanation: str
    advice: str
    evidence: list[Evidence]


class _Links:
    """Evidence URLs; reverse() per row would dominate scoring a large workspace."""

    def __init__(self) -> None:
        patterns = _url_patterns(get_script_prefix())
        self.interaction = patterns["interaction_edit"].format
        self.commitment = patterns["commitment_edit"].format
        self._client = patterns["client_detail"]

    def client(self, pk: int, fragment: str) -> str:
        return f"{self._client.format(pk)}#{fragment}"


@cache
def _url_patterns(prefix: str) -> dict[str, str]:
    marker = 987654321
    return {
        name: reverse(name, args=[marker]).replace(str(marker), "{}")
        for name in ("interaction_edit", "commitment_edit", "client_detail")
    }


_Scorer = Callable[["ClientInputs", dt.datetime, _Links], _Part | None]


def score_client(inputs: ClientInputs, settings: TrustSettings, *, at: dt.datetime) -> ClientScore:
    """Return one client's explained score from its inputs; pure, no database."""
    links = _Links()
    present: list[tuple[str, float, _Part]] = []
    for key, scorer in _SCORERS:
        weight = float(getattr(settings, WEIGHT_FIELDS[key]))
        if weight <= 0:
            continue  # switched off in this workspace
        part = scorer(inputs, at, links)
        if part is not None:
            present.append((key, weight, part))
    weight_sum = sum(weight for _, weight, _ in present)
    components = [
        Component(
            key=key,
            label=COMPONENT_LABELS[key],
            score=round(part.score, 1),
            weight=round(100 * weight / weight_sum, 1),
            explanation=part.explanation,
            advice=part.advice,
            evidence=part.evidence,
        )
        for key, weight, part in present
    ]
    if len(present) < MIN_COMPONENTS:
        return ClientScore(inputs.client_id, None, None, components)
    total = round(sum(part.score * weight for _, weight, part in present) / weight_sum, 1)
    return ClientScore(inputs.client_id, total, band_for(total, settings), components)


def _linear(value: float, full_until: float, zero_from: float) -> float:
    """Return 100 at or under `full_until`, 0 at or over `zero_from`, linear between."""
    if value <= full_until:
        return 100.0
    if value >= zero_from:
        return 0.0
    return 100.0 * (zero_from - value) / (zero_from - full_until)


def _responsiveness(inputs: ClientInputs, at: dt.datetime, links: _Links) -> _Part | None:
    target = inputs.response_target_hours * 3600.0
    counted: list[tuple[float, ResponseRow]] = []
    pending: list[tuple[float, ResponseRow]] = []
    for row in inputs.responses:
        if row.reply_seconds is not None:
            counted.append((row.reply_seconds, row))
            continue
        waited = (at - row.received_at).total_seconds()
        # Unanswered counts once it is late, with the wait so far; before that it is not due.
        (counted if waited > target else pending).append((waited, row))
    if not counted:
        return None
    counted.sort(key=_first)
    rank = math.ceil(0.75 * len(counted))
    p75 = counted[rank - 1][0]
    score = _linear(p75, target, 4 * target)
    today = inputs.today

    waiting = [(s, r) for s, r in counted if r.reply_seconds is None]
    goal = f"the target is {_duration(target)}"
    if len(counted) == 1:
        seconds, row = counted[0]
        happened = (
            f"has waited {_duration(seconds)} so far"
            if row.reply_seconds is None
            else f"was answered after {_duration(seconds)}"
        )
        explanation = f"The one message needing a reply in the last 90 days {happened}; {goal}."
    else:
        n = len(counted)
        share = f"All {n}" if rank == n else f"{rank} of the {n}"
        still = ""
        if len(waiting) == 1:
            still = " (the one still unanswered counts with its wait so far)"
        elif waiting:
            still = f" (the {len(waiting)} still unanswered count with their wait so far)"
        explanation = (
            f"{share} messages needing a reply in the last 90 days were answered "
            f"within {_duration(p75)}{still}; {goal}."
        )

    advice = []
    if len(waiting) == 1:
        seconds, row = waiting[0]
        title = _title(row.subject, row.received_at, today)
        advice.append(f"Answer {title}: it has waited {_duration(seconds)}.")
    elif waiting:
        titles = ", ".join(
            f"{_title(r.subject, r.received_at, today)} ({_duration(s)})"
            for s, r in reversed(waiting)
        )
        advice.append(f"Answer the {len(waiting)} messages still waiting: {titles}.")
    elif score < 100:
        slow = sum(1 for seconds, _ in counted if seconds > target)
        took = (
            f"the one reply took {_duration(p75)}"
            if len(counted) == 1
            else f"{slow} of {len(counted)} replies took longer"
        )
        advice.append(f"Answer within {_duration(target)}: {took}.")
    if pending:
        pending.sort(key=_first, reverse=True)
        for seconds, row in pending[:2]:
            title = _cap(_title(row.subject, row.received_at, today))
            left = _duration(target - seconds)
            advice.append(f"{title} is waiting: answer within {left} to stay on target.")

    evidence = []
    for seconds, row in reversed(counted[-EVIDENCE_LIMIT:]):
        if seconds <= target:
            break
        what = "unanswered for" if row.reply_seconds is None else "answered after"
        evidence.append(
            Evidence(
                f"{_cap(_title(row.subject, row.received_at, today))}: {what} {_duration(seconds)}",
                links.interaction(row.interaction_id),
            )
        )
    if not evidence:
        evidence.append(
            Evidence(f"Messages from {inputs.name}", links.client(inputs.client_id, "timeline"))
        )
    return _Part(score, explanation, " ".join(advice), evidence)


PROMISE_VALUE = {_KEPT: 1.0, _LATE: 0.5, _BROKEN: 0.0, _OPEN: 0.0}  # open ones here are overdue


def _promise_reliability(inputs: ClientInputs, at: dt.datetime, links: _Links) -> _Part | None:
    rows = inputs.promises
    if not rows:
        return None
    by_status: dict[str, list[PromiseRow]] = {_KEPT: [], _LATE: [], _BROKEN: [], _OPEN: []}
    for row in rows:
        by_status[row.status].append(row)
    total = sum(PROMISE_VALUE[status] * len(found) for status, found in by_status.items())
    n = len(rows)
    prior = PRIOR_PROMISES * PRIOR_RATE
    score = 100.0 * (total + prior) / (n + PRIOR_PROMISES)
    today = inputs.today

    overdue = sorted(by_status[_OPEN], key=_due)
    tally = [
        f"{len(by_status[status])} {words}"
        for status, words in (
            (_KEPT, "kept on time"),
            (_LATE, "kept late"),
            (_BROKEN, "broken"),
            (_OPEN, "still overdue"),
        )
        if by_status[status]
    ]
    fell = "promise fell" if n == 1 else "promises fell"
    explanation = (
        f"{n} {fell} due in the last 180 days: {_join(tally)}; the score weighs "
        f"{'it' if n == 1 else 'them'} with {PRIOR_PROMISES} typical promises so that one "
        "promise alone cannot swing it."
    )

    if overdue:
        shown = ", ".join(
            f"{_title(r.what)} ({_count((today - r.due_on).days, 'day')})" for r in overdue[:3]
        )
        more = f" and {len(overdue) - 3} more" if len(overdue) > 3 else ""
        verb = "is" if len(overdue) == 1 else "are"
        advice = (
            f"{_count(len(overdue), 'promise')} {verb} overdue: {shown}{more}. Keep "
            f"{'it' if len(overdue) == 1 else 'them'}, or agree a new date with the client."
        )
    else:
        raised = 100.0 * (total + 1 + prior) / (n + 1 + PRIOR_PROMISES)
        advice = f"Keeping the next promise on time would raise this to {raised:.0f}."

    cited = [
        *((r, f"overdue by {_count((today - r.due_on).days, 'day')}") for r in overdue),
        *((r, "broken") for r in by_status[_BROKEN][::-1]),
        *((r, "kept late") for r in by_status[_LATE][::-1]),
    ]
    evidence = [
        Evidence(f"{_title(row.what)}: {why}", links.commitment(row.commitment_id))
        for row, why in cited[:EVIDENCE_LIMIT]
    ]
    evidence.append(
        Evidence(f"All promises to {inputs.name}", links.client(inputs.client_id, "promises"))
    )
    return _Part(score, explanation, advice, evidence)


def _contact_recency(inputs: ClientInputs, at: dt.datetime, links: _Links) -> _Part | None:
    cadence = inputs.check_in_every_days
    aim = f"the aim is at least every {_count(cadence, 'day')}"
    timeline = [Evidence(f"Timeline of {inputs.name}", links.client(inputs.client_id, "timeline"))]
    reach_out = "Get in touch: a call, a visit or a short update would bring this back to 100."
    if inputs.last_touch_at is None:
        age = (at - inputs.created_at).total_seconds() / 86400
        if age <= cadence:
            return None
        explanation = (
            f"Nobody has been in touch since {inputs.name} was added {_days_ago(int(age))}; {aim}."
        )
        return _Part(0.0, explanation, reach_out, timeline)
    days = max(0.0, (at - inputs.last_touch_at).total_seconds() / 86400)
    score = _linear(days, cadence, 3 * cadence)
    explanation = f"We last got in touch {_days_ago(int(days))}; {aim}."
    return _Part(score, explanation, reach_out if score < 100 else "", timeline)


_DECAY_PER_SECOND = math.log(2) / (SENTIMENT_HALF_LIFE_DAYS * 86400)


def _sentiment(inputs: ClientInputs, at: dt.datetime, links: _Links) -> _Part | None:
    rows = inputs.messages
    if not rows:
        return None
    weighted = total = 0.0
    latest = rows[0]
    negative = []
    for row in rows:
        age = (at - row.received_at).total_seconds()
        weight = math.exp(-_DECAY_PER_SECOND * age) if age > 0 else 1.0
        weighted += weight * row.sentiment
        total += weight
        if row.received_at > latest.received_at:
            latest = row
        if row.sentiment <= -0.05:
            negative.append(row)
    mean = max(-1.0, min(1.0, weighted / total))
    score = (mean + 1) * 50
    scale = f"{mean:+.2f} on a scale from -1 to +1"
    if len(rows) == 1:
        explanation = f"Their one message in the last 180 days reads {_tone(mean)} ({scale})."
    else:
        explanation = (
            f"Their {len(rows)} messages in the last 180 days read {_tone(mean)} on average "
            f"({scale}), the latest counting most."
        )
    negative.sort(key=_tone_of)
    month_ago = at - dt.timedelta(days=SENTIMENT_HALF_LIFE_DAYS)
    worst = next((r for r in negative if r.received_at > month_ago), None)
    advice = ""
    if worst is not None:
        title = _cap(_title(worst.subject, worst.received_at, inputs.today))
        advice = (
            f"{title} ({_days_ago(_age_days(worst.received_at, at))}) reads "
            f"{_tone(worst.sentiment)}: talk it through with them and put right what you can."
        )
    evidence = [
        Evidence(
            f"{_cap(_title(r.subject, r.received_at, inputs.today))}: reads "
            f"{_tone(r.sentiment)} ({r.sentiment:+.2f}), {_days_ago(_age_days(r.received_at, at))}",
            links.interaction(r.interaction_id),
        )
        for r in negative[:EVIDENCE_LIMIT] or [latest]
    ]
    return _Part(score, explanation, advice, evidence)


def _personal_touch(inputs: ClientInputs, at: dt.datetime, links: _Links) -> _Part | None:
    if not inputs.active_recently:
        return None
    count = len(inputs.touches)
    score = min(100.0, count * 100.0 / TOUCHES_FOR_FULL_MARKS)
    full = f"{TOUCHES_FOR_FULL_MARKS} or more score full marks"
    if count == 0:
        explanation = f"No personal touch or value-add in the last 90 days; {full}."
    else:
        what = "personal touch or value-add" if count == 1 else "personal touches or value-adds"
        explanation = f"{count} {what} in the last 90 days; {full}."
    advice = ""
    if count < TOUCHES_FOR_FULL_MARKS:
        more = TOUCHES_FOR_FULL_MARKS - count
        advice = (
            f"{more} more in the coming weeks would bring this to 100: ask about something "
            "they told you, or send something useful for their business."
        )
    latest = sorted(inputs.touches, key=_touched, reverse=True)[:EVIDENCE_LIMIT]
    evidence = [
        Evidence(
            f"{_cap(_title(row.subject, row.occurred_at, inputs.today))}: "
            f"{'personal touch' if row.is_personal_touch else 'value-add'}, "
            f"{_days_ago(_age_days(row.occurred_at, at))}",
            links.interaction(row.interaction_id),
        )
        for row in latest
    ] or [
        Evidence(
            f"What you remember about {inputs.name}'s people",
            links.client(inputs.client_id, "people"),
        )
    ]
    return _Part(score, explanation, advice, evidence)


_SCORERS: tuple[tuple[str, _Scorer], ...] = (
    ("responsiveness", _responsiveness),
    ("promise_reliability", _promise_reliability),
    ("contact_recency", _contact_recency),
    ("sentiment", _sentiment),
    ("personal_touch", _personal_touch),
)


# Wording


def _first(pair: tuple[float, ResponseRow]) -> float:
    return pair[0]


def _due(row: PromiseRow) -> tuple[dt.date, int]:
    return row.due_on, row.commitment_id


def _tone_of(row: MessageRow) -> float:
    return row.sentiment


def _touched(row: TouchRow) -> dt.datetime:
    return row.occurred_at


def _count(n: int, noun: str) -> str:
    """Return "1 day", "3 days"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _join(parts: list[str]) -> str:
    """Return "a, b and c"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _duration(seconds: float) -> str:
    """Return a plain length of time: "45 minutes", "6 hours", "2½ days", "9 days"."""
    minutes = seconds / 60
    if minutes < 60:
        return _count(max(1, round(minutes)), "minute")
    hours = seconds / 3600
    if hours < 48:
        return _count(round(hours), "hour")
    if hours < 7 * 24:
        halves = math.floor(hours / 12 + 0.5)  # to the nearest half day
        return f"{halves // 2}½ days" if halves % 2 else f"{halves // 2} days"
    return _count(math.floor(hours / 24 + 0.5), "day")


def _age_days(when: dt.datetime, at: dt.datetime) -> int:
    return max(0, int((at - when).total_seconds() // 86400))


def _days_ago(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def _title(text: str, when: dt.datetime | None = None, today: dt.date | None = None) -> str:
    """Return a subject or promise in quotes, or "the message of 3 Nov" when it has none."""
    text = " ".join(text.split())
    if not text:
        if when is None:
            return "the message without a subject"
        day = when.date()
        year = "" if today is not None and day.year == today.year else f" {day.year}"
        return f"the message of {day.day} {day:%b}{year}"
    if len(text) > 60:
        text = text[:57].rstrip() + "…"
    return f"'{text}'"


def _cap(text: str) -> str:
    """Return the text with its first letter upper case (str.capitalize lowers the rest)."""
    return text[:1].upper() + text[1:]


def _tone(compound: float) -> str:
    """Return a word for a VADER compound score (its usual ±0.05 neutral band)."""
    if compound >= 0.5:
        return "warm"
    if compound >= 0.05:
        return "positive"
    if compound > -0.05:
        return "neutral"
    if compound > -0.5:
        return "negative"
    return "upset"
