"""Reads for reports: each client's schedule, what is due, and the Reports list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.urls import reverse

from keepwarm.accounts.models import Workspace
from keepwarm.clients.models import Client, ClientStatus, Contact, ReportCadence
from keepwarm.lib.ids import ids_for_in
from keepwarm.messaging.models import MessageState
from keepwarm.reports.models import (
    HANDLED_STATES,
    ReportKind,
    ReportSettings,
    ReportState,
    StatusReport,
)
from keepwarm.reports.periods import (
    Period,
    Schedule,
    period_due_by,
    period_ending_on,
    zone_named,
)

# The state of a due report nobody has started a draft for yet.
NOT_STARTED = "not_started"


@dataclass(frozen=True)
class DueReport:
    """A status report that is due (or overdue) and not yet sent or scheduled.

    `state` is the draft's state ("draft", "failed") or "not_started" when there is no draft
    yet; `url` is the review page, or the client page's Reports panel without a draft.
    """

    client_id: int
    client_name: str
    period_start: dt.date
    period_end: dt.date
    due_at: dt.datetime
    overdue: bool
    report_id: int | None
    state: str
    failed: bool
    url: str


def report_settings_or_defaults(workspace: Workspace | int) -> ReportSettings:
    """Return the workspace's report settings, or unsaved defaults when it has none yet."""
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    found = ReportSettings.objects.filter(workspace_id=workspace_id).first()
    return found or ReportSettings(workspace_id=workspace_id)


def recipients_exist() -> Exists:
    """Return an annotation: whether a client has someone with an email who receives reports."""
    return Exists(
        Contact.objects.filter(client=OuterRef("pk"), receives_reports=True).exclude(email="")
    )


def schedule_from(
    *,
    status: str,
    cadence: str,
    weekday: int,
    time: dt.time,
    time_zone: str,
    auto_send_no_change: bool,
    has_recipients: bool,
    settings: ReportSettings,
) -> Schedule | None:
    """Return when a client with these fields gets status reports, or None when it gets none.

    Only active clients get scheduled reports. A client's own cadence wins; a client without
    one follows the workspace default, but only once someone there receives reports.
    """
    if status != ClientStatus.ACTIVE:
        return None
    if cadence != ReportCadence.NONE:
        return Schedule(
            cadence=cadence,
            weekday=weekday,
            time=time,
            zone=zone_named(time_zone),
            auto_send_no_change=auto_send_no_change,
        )
    if settings.default_cadence != ReportCadence.NONE and has_recipients:
        return Schedule(
            cadence=settings.default_cadence,
            weekday=settings.default_weekday,
            time=settings.default_time,
            zone=zone_named(time_zone),
            auto_send_no_change=settings.default_auto_send_no_change,
        )
    return None


def schedule_for(
    client: Client, settings: ReportSettings, *, has_recipients: bool
) -> Schedule | None:
    """Return when a client's status reports fall due, or None when it gets none."""
    return schedule_from(
        status=client.status,
        cadence=client.report_cadence,
        weekday=client.report_weekday,
        time=client.report_time,
        time_zone=client.report_time_zone,
        auto_send_no_change=client.report_auto_send_no_change,
        has_recipients=has_recipients,
        settings=settings,
    )


type _ScheduleKey = tuple[str, int, dt.time, ZoneInfo]


class SchedulePeriods:
    """Report periods worked out once per distinct schedule, for every client that shares it.

    A schedule is a cadence, a weekday, a time and a time zone; most clients share a handful
    of them, so one read (the agenda's reports, the trust score's update consistency, the
    missed-reports signal of recovery) asks this object for each client's periods and the
    date arithmetic runs once per schedule and moment. Make one per read: it keeps what it
    worked out only as long as it lives.
    """

    def __init__(self, settings: ReportSettings) -> None:
        self.settings = settings
        self._schedules: dict[tuple[Any, ...], Schedule | None] = {}
        # Per schedule and moment: the periods due by that moment, newest first, extended
        # further back as callers ask for more.
        self._chains: dict[tuple[_ScheduleKey, dt.datetime], list[Period]] = {}

    def schedule(
        self,
        *,
        status: str,
        cadence: str,
        weekday: int,
        time: dt.time,
        time_zone: str,
        auto_send_no_change: bool,
        has_recipients: bool,
    ) -> Schedule | None:
        """Return the schedule for a client with these fields (see `schedule_from`)."""
        # Recipients only matter to a client that follows the workspace default.
        follows_default = cadence == ReportCadence.NONE and has_recipients
        key = (status, cadence, weekday, time, time_zone, auto_send_no_change, follows_default)
        if key not in self._schedules:
            self._schedules[key] = schedule_from(
                status=status,
                cadence=cadence,
                weekday=weekday,
                time=time,
                time_zone=time_zone,
                auto_send_no_change=auto_send_no_change,
                has_recipients=has_recipients,
                settings=self.settings,
            )
        return self._schedules[key]

    def _chain(self, schedule: Schedule, moment: dt.datetime) -> list[Period]:
        key = ((schedule.cadence, schedule.weekday, schedule.time, schedule.zone), moment)
        chain = self._chains.get(key)
        if chain is None:
            chain = self._chains[key] = [period_due_by(schedule, moment)]
        return chain

    @staticmethod
    def _extend(schedule: Schedule, chain: list[Period]) -> None:
        chain.append(period_ending_on(schedule, chain[-1].start - dt.timedelta(days=1)))

    def due_by(self, schedule: Schedule, moment: dt.datetime, count: int = 1) -> list[Period]:
        """Return the `count` latest periods due at or before `moment`, newest first."""
        chain = self._chain(schedule, moment)
        while len(chain) < count:
            self._extend(schedule, chain)
        return chain[:count]

    def due_after(
        self, schedule: Schedule, moment: dt.datetime, since: dt.datetime
    ) -> list[Period]:
        """Return the periods due after `since` and at or before `moment`, newest first."""
        chain = self._chain(schedule, moment)
        while chain[-1].due_at > since:
            self._extend(schedule, chain)
        return [period for period in chain if period.due_at > since]


@dataclass(frozen=True, slots=True)
class ScheduledClient:
    """A client that gets status reports, and when they fall due."""

    client_id: int
    name: str
    owner_id: int | None
    created_at: dt.datetime
    schedule: Schedule


def scheduled_clients(
    workspace_id: int,
    settings: ReportSettings,
    client_ids: Iterable[int] | None = None,
    *,
    periods: SchedulePeriods | None = None,
) -> list[ScheduledClient]:
    """Return the workspace's clients that get status reports, by name (1 query).

    Pass `periods` to share its schedules with the caller's own period arithmetic.
    """
    clients: QuerySet[Client] = Client.objects.filter(
        workspace_id=workspace_id, status=ClientStatus.ACTIVE
    )
    if settings.default_cadence == ReportCadence.NONE:
        clients = clients.exclude(report_cadence=ReportCadence.NONE).annotate(
            has_recipients=Value(False)
        )
    else:
        clients = clients.annotate(has_recipients=recipients_exist()).filter(
            ~Q(report_cadence=ReportCadence.NONE) | Q(has_recipients=True)
        )
    if client_ids is not None:
        clients = clients.filter(pk__in=ids_for_in(client_ids))
    rows = clients.order_by("name", "pk").values_list(
        "pk",
        "name",
        "owner_id",
        "created_at",
        "report_cadence",
        "report_weekday",
        "report_time",
        "report_time_zone",
        "report_auto_send_no_change",
        "has_recipients",
    )
    shared = periods if periods is not None else SchedulePeriods(settings)
    found = []
    for pk, name, owner_id, created_at, cadence, weekday, time, zone, auto, recipients in rows:
        schedule = shared.schedule(
            status=ClientStatus.ACTIVE,
            cadence=cadence,
            weekday=weekday,
            time=time,
            time_zone=zone,
            auto_send_no_change=auto,
            has_recipients=bool(recipients),
        )
        if schedule is not None:
            found.append(ScheduledClient(pk, name, owner_id, created_at, schedule))
    return found


def _failed(state: str, outbound_state: str | None) -> bool:
    """Return whether a report in `state` could not be delivered: its outbox gave up."""
    return state == ReportState.FAILED or (
        state == ReportState.SENDING and outbound_state == MessageState.FAILED
    )


def report_is_failed(report: StatusReport) -> bool:
    """Return whether a report's email could not be delivered (its outbox gave up)."""
    outbound = report.outbound if report.outbound_id else None
    return _failed(report.state, outbound.state if outbound is not None else None)


def reports_due(
    *,
    workspace_id: int,
    now: dt.datetime,
    client_ids: Iterable[int] | None = None,
    periods: SchedulePeriods | None = None,
) -> list[DueReport]:
    """Return the status reports due by `now` and not yet sent or scheduled, oldest first.

    For each client with a schedule, the latest period due by `now` counts (an older period
    nobody reported on is history, not a task). A period that fell due before the client was
    added does not. Three queries, however many clients; each distinct schedule's period is
    worked out once (`SchedulePeriods`).
    """
    settings = (
        periods.settings if periods is not None else report_settings_or_defaults(workspace_id)
    )
    shared = periods if periods is not None else SchedulePeriods(settings)
    grace = dt.timedelta(hours=settings.grace_hours)
    candidates: list[tuple[ScheduledClient, Period]] = []
    for client in scheduled_clients(workspace_id, settings, client_ids, periods=shared):
        [period] = shared.due_by(client.schedule, now)
        if period.due_at >= client.created_at:
            candidates.append((client, period))
    if not candidates:
        return []
    existing = {
        (client_id, start): (pk, state, outbound_state)
        for pk, client_id, start, state, outbound_state in StatusReport.objects.filter(
            client_id__in=_candidate_ids(
                client_ids, [client.client_id for client, _ in candidates]
            ),
            kind=ReportKind.STATUS,
            period_start__in={period.start for _, period in candidates},
        )
        .values_list("pk", "client_id", "period_start", "state", "outbound__state")
        .order_by()
    }
    review_url = _url_template("report_review")
    client_url = _url_template("client_detail", "#reports")
    due = []
    for client, period in candidates:
        report = existing.get((client.client_id, period.start))
        failed = report is not None and _failed(report[1], report[2])
        if report is not None and report[1] in HANDLED_STATES and not failed:
            continue
        due.append(
            DueReport(
                client_id=client.client_id,
                client_name=client.name,
                period_start=period.start,
                period_end=period.end,
                due_at=period.due_at,
                overdue=now >= period.due_at + grace,
                report_id=report[0] if report else None,
                state=ReportState.FAILED if failed else (report[1] if report else NOT_STARTED),
                failed=failed,
                url=review_url(report[0]) if report else client_url(client.client_id),
            )
        )
    due.sort(key=lambda item: (item.due_at, item.client_name.lower(), item.client_id))
    return due


def _candidate_ids(asked: Iterable[int] | None, candidates: list[int]) -> QuerySet[Any] | list[int]:
    """Return the clients whose reports to read: the caller's queryset of ids as a subquery
    (cheaper to send than thousands of ids), or else the candidates' ids."""
    return asked if isinstance(asked, QuerySet) else candidates


def _url_template(name: str, anchor: str = "") -> Callable[[int], str]:
    """Return a fast `pk -> URL` for a route with one integer id (reverse() once, not per row)."""
    sentinel = 987654321987
    return (reverse(name, args=[sentinel]).replace(str(sentinel), "{}") + anchor).format
