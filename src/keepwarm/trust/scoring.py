"""The trust score: gather every client's evidence in a few queries, then score it in Python.

`compute_scores` scores every client of a workspace (or some of them) set-based: the same
handful of queries for ten clients or ten thousand. It has two paths that always agree on
every number:

- explained (the default, for the client page and the API): `score_inputs_for_workspace`
  gathers each client's rows, and `score_client` turns them into a score with words,
  advice and evidence, without touching the database;
- numbers only (`explain=False`, for the daily snapshots and the lists built on them):
  sums and counts read straight off the database cursor, no row objects and no words.

Both reduce their rows with the same helpers (`_response_score`, `_promise_score`,
`_recency`, `_decay` and `_sentiment_mean`, `_touch_score`, `_combine`), and read report
periods, the latest feedback and open recovery cases with the same functions
(`_report_periods`, `_latest_feedback`, `_open_cases`: one query each); sums of floats are
taken with `math.fsum`, so that the order the database returns rows in cannot change a
score. Every time is relative to `at`, so history can be replayed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    When,
)
from django.db.models.functions import Cast
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from keepwarm.accounts.models import Workspace
from keepwarm.clients.models import Client, ClientStatus
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.feedback.models import FeedbackKind, FeedbackResponse
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.recovery.models import Cause, Outcome, RecoveryCase
from keepwarm.reports.models import ReportKind, ReportSettings, ReportState
from keepwarm.reports.periods import Period
from keepwarm.reports.selectors import SchedulePeriods, recipients_exist
from keepwarm.trust.models import BAND_ORDER, Band, TrustSettings
from keepwarm.trust.types import Adjustment, ClientScore, Component, Evidence

RESPONSE_WINDOW = dt.timedelta(days=90)
PROMISE_WINDOW_DAYS = 180
SENTIMENT_WINDOW = dt.timedelta(days=180)
SENTIMENT_HALF_LIFE_DAYS = 30.0
TOUCH_WINDOW = dt.timedelta(days=90)
# Promise reliability starts from two imaginary promises kept three times in four.
PRIOR_PROMISES = 2
PRIOR_RATE = 0.75
TOUCHES_FOR_FULL_MARKS = 3
# Update consistency: the scheduled status reports that fell due in the last 90 days.
UPDATE_WINDOW = dt.timedelta(days=90)
# Feedback: the latest answer's pull away from neutral (50) halves every 90 days of age;
# once it is more than a year old it is left out.
FEEDBACK_HALF_LIFE_DAYS = 90.0
FEEDBACK_MAX_AGE = dt.timedelta(days=365)
FEEDBACK_NEUTRAL = 50.0
# Each open recovery case takes this many points off the total, and while any is open the
# band is held at Cool or below.
RECOVERY_PENALTY = 15.0
RECOVERY_BAND_CAP = Band.COOL.value
# A call, meeting or visit is a touch whoever started it; an email only when we sent it.
TOUCH_CHANNELS = (Channel.CALL, Channel.MEETING, Channel.VISIT)
MIN_COMPONENTS = 2
EVIDENCE_LIMIT = 5
# Up to this many client ids go into the SQL as `IN (...)`; more would meet the databases'
# limits on parameters, so then the workspace is read and the other clients skipped.
MAX_IDS_IN_SQL = 500

COMPONENT_LABELS: dict[str, str] = {
    "responsiveness": "Responsiveness",
    "update_consistency": "Update consistency",
    "promise_reliability": "Promise reliability",
    "contact_recency": "Contact recency",
    "sentiment": "Client sentiment",
    "feedback": "Feedback",
    "personal_touch": "Personal touch and value-add",
}
WEIGHT_FIELDS: dict[str, str] = {key: f"weight_{key}" for key in COMPONENT_LABELS}
THRESHOLD_FIELDS = ("cool_from", "warming_from", "warm_from", "close_from")


@dataclass(frozen=True, slots=True)
class ResponseRow:
    """An inbound message that needed a reply; `reply_seconds` None when unanswered at `at`."""

    interaction_id: int
    subject: str
    received_at: dt.datetime
    reply_seconds: float | None


@dataclass(frozen=True, slots=True)
class PromiseRow:
    """A promise that fell due in the window, with its status as it stood at `at`."""

    commitment_id: int
    what: str
    due_on: dt.date
    status: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    """An inbound message and how positive it read (-1..1)."""

    interaction_id: int
    subject: str
    received_at: dt.datetime
    sentiment: float


@dataclass(frozen=True, slots=True)
class TouchRow:
    """An outbound personal touch or value-add."""

    interaction_id: int
    subject: str
    occurred_at: dt.datetime
    is_personal_touch: bool
    is_value_add: bool


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """A scheduled status report period that fell due in the window, and how it went.

    `sent_at` is when its report went out (None when it had not by `at`). Only periods that
    count are listed: those whose grace period is over, and those already sent on time.
    """

    start: dt.date
    end: dt.date
    due_at: dt.datetime
    report_id: int | None
    sent_at: dt.datetime | None
    on_time: bool


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """A client's latest NPS or CSAT answer at `at`, on a 0-100 scale."""

    response_id: int
    kind: str
    raw: int  # the answer as given: 0-10 for NPS, 1-5 for CSAT
    score: float
    answered_at: dt.datetime
    interaction_id: int | None


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A recovery case open at `at`."""

    case_id: int
    cause: str
    opened_at: dt.datetime


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
    report_periods: tuple[PeriodRow, ...] = ()
    grace_hours: int = 24
    feedback: FeedbackRow | None = None
    open_cases: tuple[CaseRow, ...] = ()


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


def _ids(client_ids: Iterable[int] | None) -> tuple[list[int] | None, set[int] | None]:
    """Return the ids to filter on in SQL (None when too many for that), and the set of all.

    Both are None when every client is wanted.
    """
    if client_ids is None:
        return None, None
    wanted = set(client_ids)
    return (sorted(wanted) if len(wanted) <= MAX_IDS_IN_SQL else None), wanted


def score_inputs_for_workspace(
    workspace_id: int,
    *,
    at: dt.datetime,
    client_ids: Iterable[int] | None = None,
    parts: Iterable[str] | None = None,
) -> dict[int, ClientInputs]:
    """Return every client's inputs as they stood at `at`, in six queries whatever the size.

    `parts` names the components wanted (all when None): report periods and feedback are
    read only when theirs is; open recovery cases always are.
    """
    wanted_parts = set(COMPONENT_LABELS if parts is None else parts)
    in_sql, wanted = _ids(client_ids)
    if wanted is not None and not wanted:
        return {}
    interactions = Interaction.objects.filter(workspace_id=workspace_id, occurred_at__lte=at)
    promises = Commitment.objects.filter(workspace_id=workspace_id)
    clients = Client.objects.filter(workspace_id=workspace_id, created_at__lte=at)
    if in_sql is not None:
        interactions = interactions.filter(client_id__in=in_sql)
        promises = promises.filter(client_id__in=in_sql)
        clients = clients.filter(pk__in=in_sql)

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
    if wanted is not None and in_sql is None:
        client_rows = [row for row in client_rows if row[0] in wanted]
    if not client_rows:
        return {}
    today = at.astimezone(_zone(client_rows[0][5])).date()
    collected = {row[0]: _Collected() for row in client_rows}
    _collect_recent(interactions, collected, at)
    _collect_promises(promises, collected, at, today)
    periods: dict[int, list[PeriodRow]] = {}
    grace_hours = 24
    if "update_consistency" in wanted_parts:
        periods, grace_hours = _report_periods(workspace_id, at, in_sql, collected)
    feedback = _latest_feedback(workspace_id, at, in_sql) if "feedback" in wanted_parts else {}
    cases = _open_cases(workspace_id, at, in_sql)

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
            report_periods=tuple(periods.get(pk, ())),
            grace_hours=grace_hours,
            feedback=feedback.get(pk),
            open_cases=tuple(cases.get(pk, ())),
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


def _report_periods(
    workspace_id: int, at: dt.datetime, in_sql: list[int] | None, clients: Collection[int]
) -> tuple[dict[int, list[PeriodRow]], int]:
    """Return each scheduled client's report periods due in the last 90 days, and the grace.

    One query: the active clients with their schedule, the workspace's report defaults and
    the status reports sent by `at` (a left join, so a client that sent none still comes
    back). Who is scheduled and when each period falls due is worked out here, with
    `reports.selectors.SchedulePeriods`, as `reports_due` does.
    A period counts once its grace is over, or as soon as its report went out on time; one
    that fell due before the client was added does not count.
    """
    defaults = ReportSettings.objects.filter(workspace_id=OuterRef("workspace_id"))
    oldest = (at - UPDATE_WINDOW).date() - dt.timedelta(days=40)
    sent = Q(
        reports__kind=ReportKind.STATUS,
        reports__state=ReportState.SENT,
        reports__sent_at__lte=at,
        reports__period_start__gte=oldest,
    )
    query = Client.objects.filter(
        workspace_id=workspace_id, created_at__lte=at, status=ClientStatus.ACTIVE
    )
    if in_sql is not None:
        query = query.filter(pk__in=in_sql)
    rows = (
        query.annotate(
            has_recipients=recipients_exist(),
            sent=FilteredRelation("reports", condition=sent),
            d_cadence=Subquery(defaults.values("default_cadence")[:1]),
            d_weekday=Subquery(defaults.values("default_weekday")[:1]),
            d_time=Subquery(defaults.values("default_time")[:1]),
            d_auto=Subquery(defaults.values("default_auto_send_no_change")[:1]),
            grace=Subquery(defaults.values("grace_hours")[:1]),
        )
        .values_list(
            "pk",
            "created_at",
            "report_cadence",
            "report_weekday",
            "report_time",
            "report_time_zone",
            "report_auto_send_no_change",
            "has_recipients",
            "d_cadence",
            "d_weekday",
            "d_time",
            "d_auto",
            "grace",
            "sent__pk",
            "sent__period_start",
            "sent__sent_at",
        )
        .order_by("pk")
    )
    settings = ReportSettings(workspace_id=workspace_id)
    grace_hours = settings.grace_hours
    found: dict[int, list[PeriodRow]] = {}
    # Each distinct schedule's periods of the window are worked out once, for every client
    # on it. The defaults come with the rows (the same on each): set before the first use.
    periods = SchedulePeriods(settings)
    since = at - UPDATE_WINDOW
    for pk, group in groupby(rows, key=_client_of):
        if pk not in clients:
            continue
        group_rows = list(group)
        first = group_rows[0]
        (_, created_at, cadence, weekday, time, zone, auto, has_recipients) = first[:8]
        d_cadence, d_weekday, d_time, d_auto, grace = first[8:13]
        if d_cadence is not None:
            settings.default_cadence, settings.default_weekday = d_cadence, d_weekday
            settings.default_time, settings.default_auto_send_no_change = d_time, d_auto
            grace_hours = grace
        schedule = periods.schedule(
            status=ClientStatus.ACTIVE,
            cadence=cadence,
            weekday=weekday,
            time=time,
            time_zone=zone,
            auto_send_no_change=auto,
            has_recipients=bool(has_recipients),
        )
        if schedule is None:
            continue
        reports = {row[14]: (row[13], row[15]) for row in group_rows if row[13] is not None}
        due = _periods_due(
            periods.due_after(schedule, at, since),
            at,
            created_at,
            dt.timedelta(hours=grace_hours),
            reports,
        )
        if due:
            found[pk] = due
    return found, grace_hours


def _periods_due(
    window: list[Period],
    at: dt.datetime,
    created_at: dt.datetime,
    grace: dt.timedelta,
    reports: dict[dt.date, tuple[int, dt.datetime]],
) -> list[PeriodRow]:
    """Return which of the window's periods count for a client, newest first, and how."""
    found = []
    for period in window:
        if period.due_at < created_at:
            break
        report_id, sent_at = reports.get(period.start, (None, None))
        on_time = sent_at is not None and sent_at <= period.due_at + grace
        if on_time or period.due_at + grace <= at:
            found.append(
                PeriodRow(period.start, period.end, period.due_at, report_id, sent_at, on_time)
            )
    return found


def _latest_feedback(
    workspace_id: int, at: dt.datetime, in_sql: list[int] | None
) -> dict[int, FeedbackRow]:
    """Return each client's latest NPS or CSAT answer of the year before `at` (one query).

    The same answer `feedback.selectors.latest_feedback_by_client` gives, with the timeline
    interaction it was logged as; an answer more than a year old is not read at all.
    """
    newest = (
        FeedbackResponse.objects.filter(client_id=OuterRef("client_id"), created_at__lte=at)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    query = FeedbackResponse.objects.filter(
        workspace_id=workspace_id,
        created_at__lte=at,
        created_at__gt=at - FEEDBACK_MAX_AGE,
        pk=Subquery(newest),
    )
    if in_sql is not None:
        query = query.filter(client_id__in=in_sql)
    found = {}
    for client_id, pk, kind, raw, created_at, interaction_id in query.values_list(
        "client_id", "pk", "kind", "score", "created_at", "interaction_id"
    ).order_by():
        normalised = FeedbackResponse(kind=kind, score=raw).normalised
        found[client_id] = FeedbackRow(pk, kind, raw, normalised, created_at, interaction_id)
    return found


def _open_cases(
    workspace_id: int, at: dt.datetime, in_sql: list[int] | None
) -> dict[int, list[CaseRow]]:
    """Return the recovery cases open at `at` by client, oldest first (one query).

    A case counts when it was opened at or before `at` and not closed before `at`.
    """
    still_open = Q(closed_at__isnull=True, outcome=Outcome.OPEN) | Q(closed_at__gte=at)
    query = RecoveryCase.objects.filter(still_open, workspace_id=workspace_id, opened_at__lte=at)
    if in_sql is not None:
        query = query.filter(client_id__in=in_sql)
    found: dict[int, list[CaseRow]] = {}
    for client_id, pk, cause, opened_at in query.values_list(
        "client_id", "pk", "cause", "opened_at"
    ).order_by("opened_at", "pk"):
        found.setdefault(client_id, []).append(CaseRow(pk, cause, opened_at))
    return found


# Scoring


def compute_scores(
    workspace: Workspace,
    *,
    at: dt.datetime | None = None,
    client_ids: Iterable[int] | None = None,
    explain: bool = True,
) -> dict[int, ClientScore]:
    """Return the score of every client of the workspace (or of `client_ids`) at `at`.

    With `explain=False` the components carry only their key, label, score and weight (no
    explanation, advice or evidence): what the snapshots store, several times faster for a
    whole workspace. The numbers are the same either way.
    """
    at = at or timezone.now()
    settings = settings_or_defaults(workspace)
    if not explain:
        return _score_numbers(workspace.pk, settings, at=at, client_ids=client_ids)
    weighing = _Weighing.of(settings)
    links = _links()
    inputs = score_inputs_for_workspace(
        workspace.pk, at=at, client_ids=client_ids, parts=[key for key, _ in weighing.weights]
    )
    return {pk: _score_explained(one, weighing, at, links) for pk, one in inputs.items()}


def settings_or_defaults(workspace: Workspace) -> TrustSettings:
    """Return the workspace's trust settings, or unsaved defaults when it has none yet."""
    found = TrustSettings.objects.filter(workspace=workspace).first()
    return found or TrustSettings(workspace=workspace)


def band_for(total: float, settings: TrustSettings) -> str:
    """Return the band a total falls in under the workspace's thresholds."""
    return _band(total, _floors(settings))


def _floors(settings: TrustSettings) -> tuple[int, ...]:
    return (0, *(getattr(settings, name) for name in THRESHOLD_FIELDS))


_BANDS = tuple(band.value for band in BAND_ORDER)


def _band(total: float, floors: Sequence[int]) -> str:
    band = _BANDS[0]
    for candidate, floor in zip(_BANDS, floors, strict=True):
        if total >= floor:
            band = candidate
    return band


@dataclass(frozen=True)
class _Weighing:
    """A workspace's settings as scoring uses them, read once per run."""

    weights: tuple[tuple[str, float], ...]  # (component, weight) of those switched on, in order
    floors: tuple[int, ...]

    @classmethod
    def of(cls, settings: TrustSettings) -> _Weighing:
        weights = ((key, float(getattr(settings, WEIGHT_FIELDS[key]))) for key, _ in _SCORERS)
        return cls(tuple((k, w) for k, w in weights if w > 0), _floors(settings))


@dataclass(frozen=True)
class _Part:
    score: float
    explanation: str
    advice: str
    evidence: list[Evidence]


# The numbers, shared by both paths: whatever reads the rows, these reduce them.


def _combine(
    client_id: int,
    present: list[tuple[str, float, float, _Part | None]],
    floors: Sequence[int],
    adjustments: Sequence[Adjustment] = (),
) -> ClientScore:
    """Return the score from its components: (key, weight, score, words or None) in order.

    Each adjustment (an open recovery case) then takes its penalty off the weighted mean,
    never below 0, and holds the band at its cap or below.
    """
    weight_sum = sum(weight for _, weight, _, _ in present)
    components = [
        Component(
            key=key,
            label=COMPONENT_LABELS[key],
            score=round(score, 1),
            weight=round(100 * weight / weight_sum, 1),
            explanation=part.explanation if part is not None else "",
            advice=part.advice if part is not None else "",
            evidence=part.evidence if part is not None else [],
        )
        for key, weight, score, part in present
    ]
    adjusted = list(adjustments)
    if len(present) < MIN_COMPONENTS:
        return ClientScore(client_id, None, None, components, adjusted)
    mean = sum(score * weight for _, weight, score, _ in present) / weight_sum
    penalty = math.fsum(found.penalty for found in adjusted)
    total = round(max(0.0, mean - penalty), 1)
    band = _band(total, floors)
    for found in adjusted:
        band = _capped(band, found.band_cap)
    return ClientScore(client_id, total, band, components, adjusted)


def _capped(band: str, cap: str) -> str:
    """Return the band, or the cap when the band is above it."""
    return cap if _BANDS.index(band) > _BANDS.index(cap) else band


def _case_penalty(case: CaseRow) -> Adjustment:
    """Return an open case's effect on the score, without words (the numbers-only path)."""
    return Adjustment("recovery_case", "Open recovery case", RECOVERY_PENALTY, RECOVERY_BAND_CAP)


def _feedback_score(score: float, age_seconds: float) -> float:
    """Return the latest answer's score pulled toward neutral: the pull halves every 90 days."""
    weight = 0.5 ** (max(0.0, age_seconds) / (FEEDBACK_HALF_LIFE_DAYS * 86400))
    return FEEDBACK_NEUTRAL + (score - FEEDBACK_NEUTRAL) * weight


def _consistency_score(on_time: int, n: int) -> float:
    return 100.0 * on_time / n


def _linear(value: float, full_until: float, zero_from: float) -> float:
    """Return 100 at or under `full_until`, 0 at or over `zero_from`, linear between."""
    if value <= full_until:
        return 100.0
    if value >= zero_from:
        return 0.0
    return 100.0 * (zero_from - value) / (zero_from - full_until)


def _p75_rank(n: int) -> int:
    """Return the 1-based rank of the 75th percentile of n values (nearest rank)."""
    return math.ceil(0.75 * n)


def _response_score(p75: float, target: float) -> float:
    return _linear(p75, target, 4 * target)


def _promise_total(kept: int, late: int) -> float:
    """Return what the promises are worth: kept on time 1, late 0.5, broken and overdue 0."""
    return 1.0 * kept + 0.5 * late


def _promise_score(total: float, n: int) -> float:
    prior = PRIOR_PROMISES * PRIOR_RATE
    return 100.0 * (total + prior) / (n + PRIOR_PROMISES)


def _recency(
    last_touch_at: dt.datetime | None, created_at: dt.datetime, cadence: int, at: dt.datetime
) -> tuple[float, float] | None:
    """Return the score and the days since the last touch (or since the client was added)."""
    if last_touch_at is None:
        age = (at - created_at).total_seconds() / 86400
        return None if age <= cadence else (0.0, age)
    days = max(0.0, (at - last_touch_at).total_seconds() / 86400)
    return _linear(days, cadence, 3 * cadence), days


_DECAY_PER_SECOND = math.log(2) / (SENTIMENT_HALF_LIFE_DAYS * 86400)


def _decay(age_seconds: float) -> float:
    """Return a message's weight in the sentiment mean: halved every 30 days of age."""
    return math.exp(-_DECAY_PER_SECOND * age_seconds) if age_seconds > 0 else 1.0


def _sentiment_mean(weighted: list[float], weights: list[float]) -> float:
    """Return the decayed mean tone, -1..1; exact sums, so the rows' order cannot matter."""
    return max(-1.0, min(1.0, math.fsum(weighted) / math.fsum(weights)))


def _sentiment_score(mean: float) -> float:
    return (mean + 1) * 50


def _touch_score(count: int) -> float:
    return min(100.0, count * 100.0 / TOUCHES_FOR_FULL_MARKS)


# Numbers only: sums and counts straight off the cursor, for every client at once.


def _raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Run a values_list queryset's SQL on the cursor and return plain tuples.

    This skips Django's per-value converters, which cost more than the query itself for
    200,000 rows. Each value comes back as the driver gives it: on SQLite a boolean or an
    Exists is 0 or 1, and a datetime is whatever `_Clock` selects.
    """
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _same(value: Any) -> Any:
    return value


_client_of = itemgetter(0)


class _Clock:
    """Read datetimes the way the database hands them over fastest.

    SQLite keeps naive UTC text: selecting it as text and parsing it here costs a fraction
    of Django's converter; elsewhere the driver's own datetimes are used. Ages are then
    exact timedelta arithmetic against `at` in the same form, as the explained path does
    with aware datetimes, so both get the same seconds to the microsecond.
    """

    def __init__(self, vendor: str) -> None:
        self.text = vendor == "sqlite"
        self.parse: Callable[[Any], dt.datetime] = dt.datetime.fromisoformat if self.text else _same

    def select(self, expression: Any) -> Any:
        """Return what to select for a datetime: a field name or an expression."""
        value = F(expression) if isinstance(expression, str) else expression
        return Cast(value, output_field=TextField()) if self.text else value

    def moment(self, at: dt.datetime, sample: Any) -> dt.datetime:
        """Return `at` in the form of the values read (naive UTC when they are naive)."""
        naive = self.parse(sample).tzinfo is None
        return at.astimezone(dt.UTC).replace(tzinfo=None) if naive else at


def _score_numbers(
    workspace_id: int,
    settings: TrustSettings,
    *,
    at: dt.datetime,
    client_ids: Iterable[int] | None = None,
) -> dict[int, ClientScore]:
    """Return every client's score without words, in at most nine queries whatever the size.

    It reads what `score_inputs_for_workspace` reads, reduced as far as SQL can while
    staying exact: promise outcomes and touches are counted there; reply times and the
    tone of messages come back as bare rows and are reduced here, with the same helpers
    the explained path uses. A component weighted 0 is not read at all.
    """
    in_sql, wanted = _ids(client_ids)
    if wanted is not None and not wanted:
        return {}
    weighing = _Weighing.of(settings)
    clock = _Clock(connections[Client.objects.db].vendor)
    clients = Client.objects.filter(workspace_id=workspace_id, created_at__lte=at)
    interactions = Interaction.objects.filter(workspace_id=workspace_id, occurred_at__lte=at)
    promises = Commitment.objects.filter(workspace_id=workspace_id)
    if in_sql is not None:
        clients = clients.filter(pk__in=in_sql)
        interactions = interactions.filter(client_id__in=in_sql)
        promises = promises.filter(client_id__in=in_sql)

    # Clients, with the last touch and recent activity as in score_inputs_for_workspace.
    own = Interaction.objects.filter(client_id=OuterRef("pk"), occurred_at__lte=at)
    last_touch = own.filter(Q(direction=_OUT) | Q(direction=_IN, channel__in=TOUCH_CHANNELS))
    recent = own.filter(occurred_at__gt=at - TOUCH_WINDOW, direction__in=[_IN, _OUT])
    newest = Subquery(last_touch.order_by("-occurred_at").values("occurred_at")[:1])
    client_rows = _raw_rows(
        clients.annotate(
            created=clock.select("created_at"),
            last_touch=clock.select(newest),
            active=Exists(recent),
        )
        .values_list(
            "pk",
            "created",
            "response_target_hours",
            "check_in_every_days",
            "workspace__time_zone",
            "last_touch",
            "active",
        )
        .order_by()
    )
    if wanted is not None and in_sql is None:
        client_rows = [row for row in client_rows if row[0] in wanted]
    if not client_rows:
        return {}
    ref = clock.moment(at, client_rows[0][1])
    today = at.astimezone(_zone(client_rows[0][4])).date()

    found: dict[str, dict[int, float]] = {}
    for key, _ in weighing.weights:
        if key == "responsiveness":
            targets = {row[0]: row[2] * 3600.0 for row in client_rows}
            found[key] = _response_scores(interactions, at, ref, targets, clock)
        elif key == "promise_reliability":
            found[key] = _promise_scores(promises, at, today)
        elif key == "contact_recency":
            found[key] = _recency_scores(client_rows, ref, clock)
        elif key == "sentiment":
            found[key] = _sentiment_scores(interactions, at, ref, clock)
        elif key == "update_consistency":
            periods, _ = _report_periods(workspace_id, at, in_sql, {row[0] for row in client_rows})
            found[key] = {
                pk: _consistency_score(sum(1 for p in rows if p.on_time), len(rows))
                for pk, rows in periods.items()
            }
        elif key == "feedback":
            found[key] = {
                pk: _feedback_score(row.score, (at - row.answered_at).total_seconds())
                for pk, row in _latest_feedback(workspace_id, at, in_sql).items()
            }
        else:  # personal_touch: for clients with any activity in the last 90 days
            touches = _touch_counts(interactions, at)
            found[key] = {
                row[0]: _touch_score(touches.get(row[0], 0)) for row in client_rows if row[6]
            }

    parts = [(key, weight, found[key]) for key, weight in weighing.weights]
    floors = weighing.floors
    cases = _open_cases(workspace_id, at, in_sql)
    return {
        pk: _combine(
            pk,
            [
                (key, weight, score, None)
                for key, weight, by in parts
                if (score := by.get(pk)) is not None
            ],
            floors,
            [_case_penalty(case) for case in cases.get(pk, ())],
        )
        for pk, *_ in client_rows
    }


def _recency_scores(
    client_rows: list[tuple[Any, ...]], ref: dt.datetime, clock: _Clock
) -> dict[int, float]:
    """Return contact recency by client, from the clients' rows."""
    parse = clock.parse
    scores = {}
    for pk, created, _, cadence, _, touched, _ in client_rows:
        last = None if touched is None else parse(touched)
        found = _recency(last, parse(created), cadence, ref)
        if found is not None:
            scores[pk] = found[0]
    return scores


def _response_scores(
    interactions: QuerySet[Interaction],
    at: dt.datetime,
    ref: dt.datetime,
    targets: dict[int, float],
    clock: _Clock,
) -> dict[int, float]:
    """Return responsiveness by client, as `_collect_recent` and `_responsiveness` work it out."""
    needing = Q(needs_reply=True) | Q(first_response_seconds__isnull=False)
    needing |= Q(replied_by__isnull=False)
    # The reply's time only matters without a recorded first-response time: looked up just
    # for those, where a join would read (PostgreSQL: hash) the whole table for every row.
    answer = Interaction.objects.filter(pk=OuterRef("replied_by_id")).values("occurred_at")[:1]
    replied = Case(
        When(first_response_seconds__isnull=True, then=Subquery(answer)),
        output_field=DateTimeField(),
    )
    rows = _raw_rows(
        interactions.filter(needing, direction=_IN, occurred_at__gt=at - RESPONSE_WINDOW)
        .annotate(received=clock.select("occurred_at"), replied=clock.select(replied))
        .values_list("client_id", "received", "needs_reply", "first_response_seconds", "replied")
        .order_by()
    )
    parse = clock.parse
    counted: dict[int, list[float]] = {}
    for client_id, received_at, needs_reply, seconds, replied_at in rows:
        target = targets.get(client_id)
        if target is None:
            continue
        received = parse(received_at)
        waited = (ref - received).total_seconds()
        if seconds is not None:
            reply: float | None = float(seconds)
        elif replied_at is not None:
            reply = (parse(replied_at) - received).total_seconds()
        else:
            reply = None
        if reply is not None and waited >= reply:
            value = reply  # answered by `at`
        elif (reply is not None or needs_reply) and waited > target:
            value = waited  # not answered by `at`, and late: counts with its wait so far
        else:
            continue
        values = counted.get(client_id)
        if values is None:
            counted[client_id] = [value]
        else:
            values.append(value)
    scores = {}
    for client_id, values in counted.items():
        values.sort()
        scores[client_id] = _response_score(values[_p75_rank(len(values)) - 1], targets[client_id])
    return scores


def _sentiment_scores(
    interactions: QuerySet[Interaction], at: dt.datetime, ref: dt.datetime, clock: _Clock
) -> dict[int, float]:
    """Return client sentiment by client: the decayed mean tone of 180 days of messages."""
    rows = _raw_rows(
        interactions.filter(
            direction=_IN, sentiment__isnull=False, occurred_at__gt=at - SENTIMENT_WINDOW
        )
        .annotate(received=clock.select("occurred_at"))
        .values_list("client_id", "received", "sentiment")
        .order_by()
    )
    parse = clock.parse
    # Grouped here: a sort of 200,000 ids costs less than looking each row's client up.
    rows.sort(key=_client_of)
    scores = {}
    for client_id, group in groupby(rows, _client_of):
        messages = list(group)
        weights = [_decay((ref - parse(row[1])).total_seconds()) for row in messages]
        weighted = [weight * row[2] for weight, row in zip(weights, messages, strict=True)]
        scores[client_id] = _sentiment_score(_sentiment_mean(weighted, weights))
    return scores


def _touch_counts(interactions: QuerySet[Interaction], at: dt.datetime) -> dict[int, int]:
    """Return how many personal touches or value-adds we made in 90 days, by client."""
    rows = _raw_rows(
        interactions.filter(
            Q(is_personal_touch=True) | Q(is_value_add=True),
            direction=_OUT,
            occurred_at__gt=at - TOUCH_WINDOW,
        )
        .values("client_id")
        .annotate(n=Count("pk"))
        .values_list("client_id", "n")
        .order_by()
    )
    return {client_id: n for client_id, n in rows}


def _promise_scores(
    promises: QuerySet[Commitment], at: dt.datetime, today: dt.date
) -> dict[int, float]:
    """Return promise reliability by client, counted in SQL the way _collect_promises reads it.

    Kept or late counts only once done by `at` (else it was open then); open and due today
    is not late yet, so left out; renegotiated is replaced by its successor.
    """
    done = Q(done_at__isnull=True) | Q(done_at__lte=at)
    not_done_then = Q(status__in=[_KEPT, _LATE], done_at__gt=at)
    rows = _raw_rows(
        promises.filter(
            due_on__gt=today - dt.timedelta(days=PROMISE_WINDOW_DAYS),
            due_on__lte=today,
            created_at__lte=at,
        )
        .exclude(status=CommitmentStatus.RENEGOTIATED)
        .exclude(Q(status=_OPEN) | not_done_then, due_on__gte=today)
        .values("client_id")
        .annotate(
            kept=Count("pk", filter=Q(done, status=_KEPT)),
            late=Count("pk", filter=Q(done, status=_LATE)),
            n=Count("pk"),
        )
        .values_list("client_id", "kept", "late", "n")
        .order_by()
    )
    return {
        client_id: _promise_score(_promise_total(kept, late), n)
        for client_id, kept, late, n in rows
    }


# Explained: rows in, words out.


class _Links:
    """Evidence URLs; reverse() per row would dominate scoring a large workspace."""

    def __init__(self, prefix: str) -> None:
        patterns = _url_patterns(prefix)
        self.interaction = patterns["interaction_edit"].format
        self.commitment = patterns["commitment_edit"].format
        self.report = patterns["report_review"].format
        self.case = patterns["recovery_case_detail"].format
        self._client = patterns["client_detail"]

    def client(self, pk: int, fragment: str) -> str:
        return f"{self._client.format(pk)}#{fragment}"


def _links() -> _Links:
    return _links_for(get_script_prefix())


@cache
def _links_for(prefix: str) -> _Links:
    return _Links(prefix)


@cache
def _url_patterns(prefix: str) -> dict[str, str]:
    marker = 987654321
    return {
        name: reverse(name, args=[marker]).replace(str(marker), "{}")
        for name in (
            "interaction_edit",
            "commitment_edit",
            "client_detail",
            "report_review",
            "recovery_case_detail",
        )
    }


_Scorer = Callable[["ClientInputs", dt.datetime, _Links], _Part | None]


def score_client(inputs: ClientInputs, settings: TrustSettings, *, at: dt.datetime) -> ClientScore:
    """Return one client's explained score from its inputs; pure, no database."""
    return _score_explained(inputs, _Weighing.of(settings), at, _links())


def _score_explained(
    inputs: ClientInputs, weighing: _Weighing, at: dt.datetime, links: _Links
) -> ClientScore:
    present: list[tuple[str, float, float, _Part | None]] = []
    for key, weight in weighing.weights:
        part = _SCORER_OF[key](inputs, at, links)
        if part is not None:
            present.append((key, weight, part.score, part))
    cases = [_case_adjustment(case, at, links.case(case.case_id)) for case in inputs.open_cases]
    return _combine(inputs.client_id, present, weighing.floors, cases)


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
    rank = _p75_rank(len(counted))
    p75 = counted[rank - 1][0]
    score = _response_score(p75, target)
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


def _promise_reliability(inputs: ClientInputs, at: dt.datetime, links: _Links) -> _Part | None:
    rows = inputs.promises
    if not rows:
        return None
    by_status: dict[str, list[PromiseRow]] = {_KEPT: [], _LATE: [], _BROKEN: [], _OPEN: []}
    for row in rows:
        by_status[row.status].append(row)
    total = _promise_total(len(by_status[_KEPT]), len(by_status[_LATE]))
    n = len(rows)
    score = _promise_score(total, n)
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
        raised = _promise_score(total + 1, n + 1)
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
    found = _recency(inputs.last_touch_at, inputs.created_at, cadence, at)
    if found is None:
        return None
    score, days = found
    if inputs.last_touch_at is None:
        explanation = (
            f"Nobody has been in touch since {inputs.name} was added {_days_ago(int(days))}; {aim}."
        )
        return _Part(score, explanation, reach_out, timeline)
    explanation = f"We last got in touch {_days_ago(int(days))}; {aim}."
    return _Part(score, explanation, reach_out if score < 100 else "", timeline)


def _sentiment(inputs: ClientInputs, at: dt.datetime, links: _Links) -> _Part | None:
    rows = inputs.messages
    if not rows:
        return None
    weighted: list[float] = []
    weights: list[float] = []
    latest = rows[0]
    negative = []
    for row in rows:
        weight = _decay((at - row.received_at).total_seconds())
        weighted.append(weight * row.sentiment)
        weights.append(weight)
        if row.received_at > latest.received_at:
            latest = row
        if row.sentiment <= -0.05:
            negative.append(row)
    mean = _sentiment_mean(weighted, weights)
    score = _sentiment_score(mean)
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
    score = _touch_score(count)
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


def _update_consistency(inputs: ClientInputs, at: dt.datetime, links: _Links) -> _Part | None:
    rows = inputs.report_periods
    if not rows:
        return None
    n = len(rows)
    on_time = sum(1 for row in rows if row.on_time)
    late = [row for row in rows if not row.on_time and row.sent_at is not None]
    missed = [row for row in rows if row.sent_at is None]
    score = _consistency_score(on_time, n)
    grace = _duration(inputs.grace_hours * 3600.0)
    tally = [f"{on_time} on time"]
    if late:
        tally.append(f"{len(late)} late")
    if missed:
        tally.append(f"{len(missed)} not sent")
    fell = "status report fell" if n == 1 else "status reports fell"
    explanation = (
        f"{n} scheduled {fell} due in the last 90 days: {_join(tally)} (on time means sent "
        f"within {grace} of being due)."
    )
    advice = ""
    if on_time < n:
        raised = _consistency_score(on_time + 1, n + 1)
        advice = (
            f"Sending the next report on time would raise this to {raised:.0f}; reports "
            "scheduled ahead go out by themselves."
        )
    evidence = []
    for row in sorted(late + missed, key=_period_due, reverse=True)[:EVIDENCE_LIMIT]:
        dates = _period_words(row)
        if row.sent_at is not None and row.report_id is not None:
            after = _duration((row.sent_at - row.due_at).total_seconds())
            evidence.append(
                Evidence(
                    f"Report for {dates}: sent {after} after it was due",
                    links.report(row.report_id),
                )
            )
        else:
            evidence.append(
                Evidence(f"Report for {dates}: not sent", links.client(inputs.client_id, "reports"))
            )
    evidence.append(
        Evidence(f"All reports to {inputs.name}", links.client(inputs.client_id, "reports"))
    )
    return _Part(score, explanation, advice, evidence)


def _feedback(inputs: ClientInputs, at: dt.datetime, links: _Links) -> _Part | None:
    row = inputs.feedback
    if row is None:
        return None
    age = (at - row.answered_at).total_seconds()
    if age > FEEDBACK_MAX_AGE.total_seconds():
        return None
    score = _feedback_score(row.score, age)
    out_of = "10" if row.kind == FeedbackKind.NPS else "5"
    kind = "NPS" if row.kind == FeedbackKind.NPS else "CSAT"
    when = _days_ago(_age_days(row.answered_at, at))
    answer = f"{row.raw} of {out_of} ({kind}, {row.score:.0f} on a scale of 0 to 100)"
    explanation = (
        f"Their latest feedback, {when}, was {answer}; it counts as {score:.0f} now, as an "
        f"answer's pull away from the neutral {FEEDBACK_NEUTRAL:.0f} halves every "
        f"{FEEDBACK_HALF_LIFE_DAYS:.0f} days."
    )
    advice = ""
    if row.score < FEEDBACK_NEUTRAL:
        advice = "Talk to them about what went wrong, put right what you can, then ask again."
    elif row.score < 100 and age >= FEEDBACK_HALF_LIFE_DAYS * 86400:
        advice = "Ask for feedback again: a fresh answer counts in full."
    elif row.score < 100:
        advice = "Ask what would make it a perfect score next time."
    url = (
        links.interaction(row.interaction_id)
        if row.interaction_id is not None
        else links.client(inputs.client_id, "feedback")
    )
    evidence = [Evidence(f"{kind} answer {row.raw} of {out_of}, {when}", url)]
    return _Part(score, explanation, advice, evidence)


def _case_adjustment(case: CaseRow, at: dt.datetime, url: str) -> Adjustment:
    """Return an open case's effect on the score, explained, with a link to the case."""
    cause = _CAUSE_WORDS.get(case.cause, "something else")
    opened = f"opened {_days_ago(_age_days(case.opened_at, at))}"
    cap = dict(Band.choices)[RECOVERY_BAND_CAP]
    explanation = (
        f"An open recovery case ({cause}, {opened}) lowers the score by "
        f"{RECOVERY_PENALTY:.0f} and holds the band at {cap} until it is closed."
    )
    return Adjustment(
        "recovery_case",
        "Open recovery case",
        RECOVERY_PENALTY,
        RECOVERY_BAND_CAP,
        explanation,
        [Evidence(f"Recovery case: {cause}, {opened}", url)],
    )


# Short words for a case's cause, to read inside a sentence.
_CAUSE_WORDS: dict[str, str] = {
    Cause.TREATED_POORLY.value: "not treated well",
    Cause.SLOW_RESPONSE.value: "slow response",
    Cause.CONFUSING.value: "a confusing explanation",
    Cause.UNIMPORTANT.value: "they felt unimportant",
    Cause.NO_UPDATES.value: "no updates",
    Cause.POOR_WORK.value: "work not good enough",
    Cause.OTHER.value: "something else",
}


_SCORERS: tuple[tuple[str, _Scorer], ...] = (
    ("responsiveness", _responsiveness),
    ("update_consistency", _update_consistency),
    ("promise_reliability", _promise_reliability),
    ("contact_recency", _contact_recency),
    ("sentiment", _sentiment),
    ("feedback", _feedback),
    ("personal_touch", _personal_touch),
)
_SCORER_OF = dict(_SCORERS)


# Wording


def _first(pair: tuple[float, ResponseRow]) -> float:
    return pair[0]


def _due(row: PromiseRow) -> tuple[dt.date, int]:
    return row.due_on, row.commitment_id


def _period_due(row: PeriodRow) -> dt.datetime:
    return row.due_at


def _period_words(row: PeriodRow) -> str:
    """Return "10 to 16 Nov", or one day when the period is a single day."""
    end = f"{row.end.day} {row.end:%b}"
    if row.start == row.end:
        return end
    return f"{row.start.day} {row.start:%b} to {end}"


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
