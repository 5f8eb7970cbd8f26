"""Reads for other parts of Keepwarm: open cases, suggested cases, tough topics due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode

from django.db.models import F, Q, QuerySet
from django.urls import reverse

from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.feedback.selectors import unhappy_clients
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.lib.ids import ids_for_in
from keepwarm.recovery.models import Cause, Outcome, RecoveryCase, TopicKind, ToughTopic
from keepwarm.recovery.steps import GUIDE_BY_KEY, next_step
from keepwarm.reports.models import HANDLED_STATES, ReportKind, StatusReport
from keepwarm.reports.periods import Period
from keepwarm.reports.selectors import (
    ScheduledClient,
    SchedulePeriods,
    report_settings_or_defaults,
    scheduled_clients,
)

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
        queryset = queryset.filter(client_id__in=ids_for_in(client_ids))
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


def _short_day(day: dt.date) -> str:
    """Return "13 Nov"."""
    return f"{day.day} {MONTHS[day.month - 1]}"


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# (client id, signal) -> (happened_at, client name, owner id, sentence): the latest event of
# each signal speaks for the rest; suggestions are built only for those.
type _Found = dict[tuple[int, str], tuple[dt.datetime, str, int | None, str]]


def _keep(
    found: _Found,
    client_id: int,
    signal: str,
    happened_at: dt.datetime,
    name: str,
    owner_id: int | None,
    sentence: str,
) -> None:
    key = (client_id, signal)
    if key not in found or found[key][0] < happened_at:
        found[key] = (happened_at, name, owner_id, sentence)


def recovery_suggestions(
    *, workspace_id: int, now: dt.datetime, client_ids: Iterable[int] | None = None
) -> list[Suggestion]:
    """Return the signals that suggest opening a recovery case, one per client and signal.

    Clients with an open case are left out: the case is already the answer. `client_ids`
    may be a list or a queryset of ids (kept as a subquery). Seven queries, whatever the
    number of clients; rows are read as tuples and a suggestion is built only for the
    latest event of each client and signal.
    """
    ids = None if client_ids is None else ids_for_in(client_ids)
    with_case = set(
        _scoped(RecoveryCase.objects.all(), workspace_id, ids)
        .filter(outcome=Outcome.OPEN)
        .values_list("client_id", flat=True)
    )
    found: _Found = {}
    inbound = (
        _scoped(Interaction.objects.all(), workspace_id, ids)
        .filter(direction=Direction.INBOUND)
        .exclude(client_id__in=with_case)
        .order_by()
    )
    # Upset messages and slow replies in one pass over the recent inbound messages.
    upset_since = now - dt.timedelta(days=NEGATIVE_DAYS)
    slow_since = now - dt.timedelta(days=SLOW_REPLY_DAYS)
    slow_after = F("client__response_target_hours") * SLOW_REPLY_FACTOR * 3600
    recent = (
        inbound.filter(occurred_at__gte=min(upset_since, slow_since), occurred_at__lte=now)
        .filter(
            Q(sentiment__lte=NEGATIVE_SENTIMENT, occurred_at__gte=upset_since)
            | Q(occurred_at__gte=slow_since, first_response_seconds__gt=slow_after)
            | Q(
                occurred_at__gte=slow_since,
                needs_reply=True,
                first_response_seconds__isnull=True,
            )
        )
        .values_list(
            "client_id",
            "client__name",
            "client__owner_id",
            "client__response_target_hours",
            "occurred_at",
            "channel",
            "subject",
            "sentiment",
            "needs_reply",
            "first_response_seconds",
        )
    )
    for client_id, name, owner_id, target, at, channel, subject, tone, waits, took in recent:
        if tone is not None and tone <= NEGATIVE_SENTIMENT and at >= upset_since:
            sentence = f"{name} {_upset(channel)} {_ago(at, now)}"
            _keep(found, client_id, "negative_message", at, name, owner_id, sentence)
        if at < slow_since:
            continue
        key = (client_id, "slow_reply")
        if key in found and found[key][0] >= at:
            continue
        limit = target * SLOW_REPLY_FACTOR * 3600
        about = f"“{subject}”" if subject else "their message"
        if took is not None:
            if took <= limit:
                continue
            sentence = f"{name} waited {_duration(took)} for a reply to {about}"
        else:
            waited = (now - at).total_seconds()
            if not waits or waited <= limit:
                continue
            sentence = f"{name} has waited {_duration(waited)} so far for a reply to {about}"
        hours = f"{target} hour" if target == 1 else f"{target} hours"
        sentence = f"{sentence}, more than three times the {hours} we aim for"
        _keep(found, client_id, "slow_reply", at, name, owner_id, sentence)

    broken = (
        _scoped(Commitment.objects.all(), workspace_id, ids)
        .filter(
            status=CommitmentStatus.BROKEN,
            updated_at__gte=now - dt.timedelta(days=BROKEN_PROMISE_DAYS),
        )
        .exclude(client_id__in=with_case)
        .order_by()
        .values_list("client_id", "client__name", "client__owner_id", "what", "updated_at")
    )
    for client_id, name, owner_id, what, at in broken:
        sentence = f"We broke a promise to {name}: “{what}”, marked broken {_ago(at, now)}"
        _keep(found, client_id, "broken_promise", at, name, owner_id, sentence)
    _missed_reports(found, workspace_id=workspace_id, now=now, ids=ids, with_case=with_case)
    _low_feedback(found, workspace_id=workspace_id, now=now, ids=ids, with_case=with_case)

    # reverse() and the fixed part of the query once, not per suggestion.
    sentinel = "987654321987"
    case_url = reverse("recovery_case_create", args=[int(sentinel)])
    suggestions = []
    for (pk, signal), (at, name, owner, sentence) in found.items():
        cause = SIGNAL_CAUSES.get(signal, Cause.OTHER)
        fixed = urlencode({"signal": signal, "cause": cause})
        suggestions.append(
            Suggestion(
                key=f"suggest_recovery:{pk}:{signal}",
                client_id=pk,
                client_name=name,
                owner_id=owner,
                signal=signal,
                cause=cause,
                sentence=sentence,
                happened_at=at,
                url=f"{case_url.replace(sentinel, str(pk))}?{fixed}"
                f"&what_happened={quote_plus(sentence + '.')}",
            )
        )
    suggestions.sort(key=lambda s: (-s.happened_at.timestamp(), s.client_name))
    return suggestions


def _missed_reports(
    found: _Found,
    *,
    workspace_id: int,
    now: dt.datetime,
    ids: QuerySet[Any] | list[int] | None,
    with_case: set[int],
) -> None:
    """Suggest a case where the last two status reports that fell due were never sent.

    Each distinct schedule's two periods are worked out once (`SchedulePeriods`).
    """
    settings = report_settings_or_defaults(workspace_id)
    periods = SchedulePeriods(settings)
    by = now - dt.timedelta(hours=settings.grace_hours)
    owed: list[tuple[ScheduledClient, Period, Period]] = []
    for client in scheduled_clients(workspace_id, settings, ids, periods=periods):
        if client.client_id in with_case:
            continue
        last, before = periods.due_by(client.schedule, by, 2)
        if before.due_at >= client.created_at:
            owed.append((client, before, last))
    if not owed:
        return
    handled = set(
        StatusReport.objects.filter(
            # The caller's queryset of ids stays a subquery; else the owing clients' ids.
            client_id__in=ids
            if isinstance(ids, QuerySet)
            else [client.client_id for client, _, _ in owed],
            kind=ReportKind.STATUS,
            state__in=HANDLED_STATES,
            period_start__in={p.start for _, before, last in owed for p in (before, last)},
        )
        .order_by()
        .values_list("client_id", "period_start")
    )
    for client, before, last in owed:
        pk = client.client_id
        if (pk, before.start) in handled or (pk, last.start) in handled:
            continue
        _keep(
            found,
            pk,
            "missed_reports",
            last.due_at,
            client.name,
            client.owner_id,
            f"{client.name} has not had their last two status reports "
            f"(due {_short_day(before.end)} and {_short_day(last.end)})",
        )


def _low_feedback(
    found: _Found,
    *,
    workspace_id: int,
    now: dt.datetime,
    ids: QuerySet[Any] | list[int] | None,
    with_case: set[int],
) -> None:
    """Suggest a case where a client's newest feedback was a low score."""
    since = now - dt.timedelta(days=LOW_FEEDBACK_DAYS)
    for unhappy in unhappy_clients(workspace_id, since, client_ids=ids):
        if unhappy.client_id in with_case:
            continue
        said = f": “{unhappy.comment[:120]}”" if unhappy.comment.strip() else ""
        _keep(
            found,
            unhappy.client_id,
            "low_feedback",
            unhappy.when,
            unhappy.client_name,
            unhappy.owner_id,
            f"{unhappy.client_name} gave us a low score, {unhappy.score_words}, "
            f"{_ago(unhappy.when, now)}{said}",
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
