"""Reads for other parts of Keepwarm: open cases, suggested cases, tough topics due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import dateformat

from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.feedback.selectors import unhappy_clients
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.recovery.models import Cause, Outcome, RecoveryCase, TopicKind, ToughTopic
from keepwarm.recovery.steps import GUIDE_BY_KEY, next_step
from keepwarm.reports.models import HANDLED_STATES, ReportKind, StatusReport
from keepwarm.reports.periods import Period, period_due_by, period_ending_on
from keepwarm.reports.selectors import report_settings_or_defaults, scheduled_clients

# A message this negative (VADER compound, -1 … 1) is clearly upset, not merely terse.
NEGATIVE_SENTIMENT = -0.5
NEGATIVE_DAYS = 14
SLOW_REPLY_FACTOR = 3
SLOW_REPLY_DAYS = 30
BROKEN_PROMISE_DAYS = 30
LOW_FEEDBACK_DAYS = 30
TOPIC_DUE_WITHIN_DAYS = 7

TOPIC_VERBS: dict[str, str] = {
    TopicKind.PRICE: "Talk about price with",
    TopicKind.DELIVERY: "Talk about delivery with",
    TopicKind.COOPERATION: "Talk about how we work together with",
    TopicKind.MISTAKE: "Admit a mistake to",
    TopicKind.OTHER: "Raise a tough topic with",
}

SIGNAL_CAUSES = {
    "negative_message": Cause.OTHER,
    "slow_reply": Cause.SLOW_RESPONSE,
    "broken_promise": Cause.POOR_WORK,
    "missed_reports": Cause.NO_UPDATES,
    "low_feedback": Cause.OTHER,
}


@dataclass(frozen=True)
class CaseSummary:
    """An open recovery case in brief: where it stands and what it asks next."""

    case_id: int
    client_id: int
    client_name: str
    cause: str
    cause_label: str
    opened_at: dt.datetime
    steps_done: int
    next_step: str | None
    next_step_label: str
    next_step_asks: str
    url: str


@dataclass(frozen=True)
class Suggestion:
    """A signal that a client may be losing trust, with a case form ready to open."""

    key: str
    client_id: int
    client_name: str
    owner_id: int | None
    signal: str
    cause: str
    sentence: str
    happened_at: dt.datetime
    url: str


@dataclass(frozen=True)
class DueTopic:
    """A tough topic not raised yet whose date is near or past."""

    topic_id: int
    client_id: int
    client_name: str
    owner_id: int | None
    kind: str
    kind_label: str
    what_to_say: str
    raise_by: dt.date
    overdue: bool
    overdue_days: int
    sentence: str
    url: str


def _scoped[M: RecoveryCase | ToughTopic | Interaction | Commitment](
    queryset: QuerySet[M], workspace_id: int, client_ids: Iterable[int] | None
) -> QuerySet[M]:
    queryset = queryset.filter(workspace_id=workspace_id)
    if client_ids is not None:
        queryset = queryset.filter(client_id__in=list(client_ids))
    return queryset


def case_summary(case: RecoveryCase) -> CaseSummary:
    """Summarise a case whose steps (and client) are already loaded."""
    done = {s.step for s in case.steps.all()}
    guide = next_step(done)
    return CaseSummary(
        case_id=case.pk,
        client_id=case.client_id,
        client_name=case.client.name,
        cause=case.cause,
        cause_label=case.get_cause_display(),
        opened_at=case.opened_at,
        steps_done=len(done & set(GUIDE_BY_KEY)),
        next_step=guide.key if guide else None,
        next_step_label=guide.label if guide else "",
        next_step_asks=guide.asks if guide else "",
        url=reverse("recovery_case_detail", args=[case.pk]),
    )


def open_cases_by_client(
    workspace_id: int, client_ids: Iterable[int] | None = None
) -> dict[int, list[CaseSummary]]:
    """Return the open recovery cases of a workspace by client id, in two queries."""
    cases = (
        _scoped(RecoveryCase.objects.all(), workspace_id, client_ids)
        .filter(outcome=Outcome.OPEN)
        .select_related("client")
        .prefetch_related("steps")
        .order_by("opened_at", "pk")
    )
    found: dict[int, list[CaseSummary]] = {}
    for case in cases:
        found.setdefault(case.client_id, []).append(case_summary(case))
    return found


def _ago(moment: dt.datetime, now: dt.datetime) -> str:
    days = (now - moment).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def _duration(seconds: float) -> str:
    hours = int(seconds // 3600)
    if hours < 48:
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{hours // 24} days"


def _upset(channel: str) -> str:
    words: dict[str, str] = {
        Channel.EMAIL: "sent a clearly upset email",
        Channel.MESSAGE: "sent a clearly upset message",
        Channel.PORTAL: "sent a clearly upset message through the portal",
        Channel.CALL: "sounded clearly upset on a call",
        Channel.MEETING: "was clearly upset in a meeting",
        Channel.VISIT: "was clearly upset during a visit",
    }
    return words.get(channel, "was clearly upset")


def new_case_url(client_id: int, *, signal: str, cause: str, what_happened: str) -> str:
    """Return the new-case form for a client, filled in from a signal."""
    query = urlencode({"signal": signal, "cause": cause, "what_happened": what_happened})
    return f"{reverse('recovery_case_create', args=[client_id])}?{query}"


def _suggest(
    found: dict[tuple[int, str], Suggestion],
    *,
    client_id: int,
    client_name: str,
    owner_id: int | None,
    signal: str,
    sentence: str,
    happened_at: dt.datetime,
) -> None:
    # One suggestion per (client, signal): the latest event speaks for the rest.
    key = (client_id, signal)
    if key in found and found[key].happened_at >= happened_at:
        return
    cause = SIGNAL_CAUSES.get(signal, Cause.OTHER)
    found[key] = Suggestion(
        key=f"suggest_recovery:{client_id}:{signal}",
        client_id=client_id,
        client_name=client_name,
        owner_id=owner_id,
        signal=signal,
        cause=cause,
        sentence=sentence,
        happened_at=happened_at,
        url=new_case_url(client_id, signal=signal, cause=cause, what_happened=sentence + "."),
    )


def recovery_suggestions(
    *, workspace_id: int, now: dt.datetime, client_ids: Iterable[int] | None = None
) -> list[Suggestion]:
    """Return the signals that suggest opening a recovery case, one per client and signal.

    Clients with an open case are left out: the case is already the answer. At most nine
    queries, whatever the number of clients.
    """
    ids = None if client_ids is None else list(client_ids)
    with_case = set(
        _scoped(RecoveryCase.objects.all(), workspace_id, ids)
        .filter(outcome=Outcome.OPEN)
        .values_list("client_id", flat=True)
    )
    found: dict[tuple[int, str], Suggestion] = {}
    inbound = (
        _scoped(Interaction.objects.all(), workspace_id, ids)
        .filter(direction=Direction.INBOUND)
        .exclude(client_id__in=with_case)
        .select_related("client")
    )
    for message in inbound.filter(
        sentiment__lte=NEGATIVE_SENTIMENT,
        occurred_at__gte=now - dt.timedelta(days=NEGATIVE_DAYS),
        occurred_at__lte=now,
    ):
        _suggest(
            found,
            client_id=message.client_id,
            client_name=message.client.name,
            owner_id=message.client.owner_id,
            signal="negative_message",
            sentence=f"{message.client.name} {_upset(message.channel)} "
            f"{_ago(message.occurred_at, now)}",
            happened_at=message.occurred_at,
        )

    recent = inbound.filter(
        occurred_at__gte=now - dt.timedelta(days=SLOW_REPLY_DAYS), occurred_at__lte=now
    )
    late_or_waiting = recent.filter(
        Q(first_response_seconds__gt=F("client__response_target_hours") * SLOW_REPLY_FACTOR * 3600)
        | Q(needs_reply=True, first_response_seconds__isnull=True)
    )
    for message in late_or_waiting:
        target = message.client.response_target_hours
        subject = f"“{message.subject}”" if message.subject else "their message"
        if message.first_response_seconds is not None:
            took = _duration(message.first_response_seconds)
            sentence = f"{message.client.name} waited {took} for a reply to {subject}"
        else:
            waited = (now - message.occurred_at).total_seconds()
            if waited <= target * SLOW_REPLY_FACTOR * 3600:
                continue
            sentence = (
                f"{message.client.name} has waited {_duration(waited)} so far "
                f"for a reply to {subject}"
            )
        hours = f"{target} hour" if target == 1 else f"{target} hours"
        _suggest(
            found,
            client_id=message.client_id,
            client_name=message.client.name,
            owner_id=message.client.owner_id,
            signal="slow_reply",
            sentence=f"{sentence}, more than three times the {hours} we aim for",
            happened_at=message.occurred_at,
        )

    broken = (
        _scoped(Commitment.objects.all(), workspace_id, ids)
        .filter(
            status=CommitmentStatus.BROKEN,
            updated_at__gte=now - dt.timedelta(days=BROKEN_PROMISE_DAYS),
        )
        .exclude(client_id__in=with_case)
        .select_related("client")
    )
    for promise in broken:
        _suggest(
            found,
            client_id=promise.client_id,
            client_name=promise.client.name,
            owner_id=promise.client.owner_id,
            signal="broken_promise",
            sentence=f"We broke a promise to {promise.client.name}: “{promise.what}”, "
            f"marked broken {_ago(promise.updated_at, now)}",
            happened_at=promise.updated_at,
        )
    _missed_reports(found, workspace_id=workspace_id, now=now, ids=ids, with_case=with_case)
    _low_feedback(found, workspace_id=workspace_id, now=now, ids=ids, with_case=with_case)
    return sorted(found.values(), key=lambda s: (-s.happened_at.timestamp(), s.client_name))


def _missed_reports(
    found: dict[tuple[int, str], Suggestion],
    *,
    workspace_id: int,
    now: dt.datetime,
    ids: list[int] | None,
    with_case: set[int],
) -> None:
    """Suggest a case where the last two status reports that fell due were never sent."""
    settings = report_settings_or_defaults(workspace_id)
    grace = dt.timedelta(hours=settings.grace_hours)
    owed: list[tuple[Client, Period, Period]] = []
    for client, schedule in scheduled_clients(workspace_id, settings, ids):
        if client.pk in with_case:
            continue
        last = period_due_by(schedule, now - grace)
        before = period_ending_on(schedule, last.start - dt.timedelta(days=1))
        if before.due_at >= client.created_at:
            owed.append((client, before, last))
    if not owed:
        return
    handled = set(
        StatusReport.objects.filter(
            client_id__in=[client.pk for client, _, _ in owed],
            kind=ReportKind.STATUS,
            state__in=HANDLED_STATES,
            period_start__in={p.start for _, before, last in owed for p in (before, last)},
        ).values_list("client_id", "period_start")
    )
    for client, before, last in owed:
        if (client.pk, before.start) in handled or (client.pk, last.start) in handled:
            continue
        _suggest(
            found,
            client_id=client.pk,
            client_name=client.name,
            owner_id=client.owner_id,
            signal="missed_reports",
            sentence=f"{client.name} has not had their last two status reports "
            f"(due {dateformat.format(before.end, 'j M')} and "
            f"{dateformat.format(last.end, 'j M')})",
            happened_at=last.due_at,
        )


def _low_feedback(
    found: dict[tuple[int, str], Suggestion],
    *,
    workspace_id: int,
    now: dt.datetime,
    ids: list[int] | None,
    with_case: set[int],
) -> None:
    """Suggest a case where a client's newest feedback was a low score."""
    for unhappy in unhappy_clients(workspace_id, now - dt.timedelta(days=LOW_FEEDBACK_DAYS)):
        if unhappy.client_id in with_case or (ids is not None and unhappy.client_id not in ids):
            continue
        said = f": “{unhappy.comment[:120]}”" if unhappy.comment.strip() else ""
        _suggest(
            found,
            client_id=unhappy.client_id,
            client_name=unhappy.client_name,
            owner_id=unhappy.owner_id,
            signal="low_feedback",
            sentence=f"{unhappy.client_name} gave us a low score, {unhappy.score_words}, "
            f"{_ago(unhappy.when, now)}{said}",
            happened_at=unhappy.when,
        )


def tough_topics_due(
    *, workspace_id: int, today: dt.date, client_ids: Iterable[int] | None = None
) -> list[DueTopic]:
    """Return the unraised tough topics due within a week or overdue, most overdue first."""
    topics = (
        _scoped(ToughTopic.objects.all(), workspace_id, client_ids)
        .filter(
            raised_at__isnull=True,
            raise_by__lte=today + dt.timedelta(days=TOPIC_DUE_WITHIN_DAYS),
        )
        .select_related("client")
        .order_by("raise_by", "pk")
    )
    due = []
    for topic in topics:
        days = (topic.raise_by - today).days
        if days < 0:
            when = f"{-days} day{'s' if days < -1 else ''} past the date to raise it"
        elif days == 0:
            when = "raise it today"
        elif days == 1:
            when = "raise it by tomorrow"
        else:
            when = f"raise it within {days} days"
        subject = TOPIC_VERBS.get(topic.kind, TOPIC_VERBS[TopicKind.OTHER])
        due.append(
            DueTopic(
                topic_id=topic.pk,
                client_id=topic.client_id,
                client_name=topic.client.name,
                owner_id=topic.client.owner_id,
                kind=topic.kind,
                kind_label=topic.get_kind_display(),
                what_to_say=topic.what_to_say,
                raise_by=topic.raise_by,
                overdue=days < 0,
                overdue_days=max(0, -days),
                sentence=f"{subject} {topic.client.name} — {when}",
                url=reverse("client_detail", args=[topic.client_id]) + f"#topic-{topic.pk}",
            )
        )
    return due


@dataclass(frozen=True)
class CauseRow:
    """How many cases one cause led to, and how they ended."""

    cause: str
    label: str
    total: int
    open: int
    retained: int
    lost: int


@dataclass(frozen=True)
class RecoveryInsights:
    """Recovery across a workspace: cases by cause, time to resolution, retained vs lost."""

    by_cause: list[CauseRow]
    total: int
    open: int
    retained: int
    lost: int
    median_days_to_close: float | None

    @property
    def retained_share(self) -> int | None:
        closed = self.retained + self.lost
        return round(100 * self.retained / closed) if closed else None


def recovery_insights(workspace_id: int) -> RecoveryInsights:
    """Return the workspace's recovery figures in one query."""
    counts: dict[str, dict[str, int]] = {}
    durations: list[float] = []
    rows = RecoveryCase.objects.filter(workspace_id=workspace_id).values_list(
        "cause", "outcome", "opened_at", "closed_at"
    )
    for cause, outcome, opened_at, closed_at in rows:
        tally = counts.setdefault(cause, {"open": 0, "retained": 0, "lost": 0})
        tally[outcome] = tally.get(outcome, 0) + 1
        if outcome != Outcome.OPEN and closed_at is not None:
            durations.append((closed_at - opened_at).total_seconds() / 86400)
    by_cause = [
        CauseRow(
            cause=cause.value,
            label=cause.label,
            total=sum(counts[cause.value].values()),
            open=counts[cause.value]["open"],
            retained=counts[cause.value]["retained"],
            lost=counts[cause.value]["lost"],
        )
        for cause in Cause
        if cause.value in counts
    ]
    by_cause.sort(key=lambda row: (-row.total, row.label))
    median = None
    if durations:
        durations.sort()
        mid = len(durations) // 2
        median = durations[mid] if len(durations) % 2 else (durations[mid - 1] + durations[mid]) / 2
    return RecoveryInsights(
        by_cause=by_cause,
        total=sum(row.total for row in by_cause),
        open=sum(row.open for row in by_cause),
        retained=sum(row.retained for row in by_cause),
        lost=sum(row.lost for row in by_cause),
        median_days_to_close=median,
    )
