"""Reads for reports: each client's schedule, what is due, and the Reports list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from keepwarm.accounts.models import Workspace
from keepwarm.clients.models import Client, ClientStatus, Contact, ReportCadence
from keepwarm.messaging.models import MessageState
from keepwarm.reports.models import (
    HANDLED_STATES,
    ReportKind,
    ReportSettings,
    ReportState,
    StatusReport,
)
from keepwarm.reports.periods import Period, Schedule, period_due_by, zone_named

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


def schedule_for(
    client: Client, settings: ReportSettings, *, has_recipients: bool
) -> Schedule | None:
    """Return when a client's status reports fall due, or None when it gets none.

    Only active clients get scheduled reports. A client's own cadence wins; a client without
    one follows the workspace default, but only once someone there receives reports.
    """
    if client.status != ClientStatus.ACTIVE:
        return None
    zone = zone_named(client.report_time_zone)
    if client.report_cadence != ReportCadence.NONE:
        return Schedule(
            cadence=client.report_cadence,
            weekday=client.report_weekday,
            time=client.report_time,
            zone=zone,
            auto_send_no_change=client.report_auto_send_no_change,
        )
    if settings.default_cadence != ReportCadence.NONE and has_recipients:
        return Schedule(
            cadence=settings.default_cadence,
            weekday=settings.default_weekday,
            time=settings.default_time,
            zone=zone,
            auto_send_no_change=settings.default_auto_send_no_change,
        )
    return None


def scheduled_clients(
    workspace_id: int, settings: ReportSettings, client_ids: Iterable[int] | None = None
) -> list[tuple[Client, Schedule]]:
    """Return the workspace's clients that get status reports, with their schedules (1 query)."""
    clients: QuerySet[Client] = Client.objects.filter(
        workspace_id=workspace_id, status=ClientStatus.ACTIVE
    ).annotate(has_recipients=recipients_exist())
    if settings.default_cadence == ReportCadence.NONE:
        clients = clients.exclude(report_cadence=ReportCadence.NONE)
    else:
        clients = clients.filter(~Q(report_cadence=ReportCadence.NONE) | Q(has_recipients=True))
    if client_ids is not None:
        clients = clients.filter(pk__in=list(client_ids))
    found = []
    for client in clients.order_by("name", "pk"):
        schedule = schedule_for(client, settings, has_recipients=client.has_recipients)  # type: ignore[attr-defined]
        if schedule is not None:
            found.append((client, schedule))
    return found


def report_is_failed(report: StatusReport) -> bool:
    """Return whether a report's email could not be delivered (its outbox gave up)."""
    if report.state == ReportState.FAILED:
        return True
    outbound = report.outbound if report.outbound_id else None
    return (
        report.state == ReportState.SENDING
        and outbound is not None
        and outbound.state == MessageState.FAILED
    )


def reports_due(
    *, workspace_id: int, now: dt.datetime, client_ids: Iterable[int] | None = None
) -> list[DueReport]:
    """Return the status reports due by `now` and not yet sent or scheduled, oldest first.

    For each client with a schedule, the latest period due by `now` counts (an older period
    nobody reported on is history, not a task). A period that fell due before the client was
    added does not. Three queries, however many clients.
    """
    settings = report_settings_or_defaults(workspace_id)
    grace = dt.timedelta(hours=settings.grace_hours)
    candidates: list[tuple[Client, Period]] = []
    for client, schedule in scheduled_clients(workspace_id, settings, client_ids):
        period = period_due_by(schedule, now)
        if period.due_at >= client.created_at:
            candidates.append((client, period))
    if not candidates:
        return []
    existing = {
        (report.client_id, report.period_start): report
        for report in StatusReport.objects.filter(
            client_id__in=[client.pk for client, _ in candidates],
            kind=ReportKind.STATUS,
            period_start__in={period.start for _, period in candidates},
        )
        .select_related("outbound")
        .only("pk", "client_id", "period_start", "state", "outbound__state")
    }
    due = []
    for client, period in candidates:
        report = existing.get((client.pk, period.start))
        failed = report is not None and report_is_failed(report)
        if report is not None and report.state in HANDLED_STATES and not failed:
            continue
        due.append(
            DueReport(
                client_id=client.pk,
                client_name=client.name,
                period_start=period.start,
                period_end=period.end,
                due_at=period.due_at,
                overdue=now >= period.due_at + grace,
                report_id=report.pk if report else None,
                state=ReportState.FAILED if failed else (report.state if report else NOT_STARTED),
                failed=failed,
                url=(
                    reverse("report_review", args=[report.pk])
                    if report
                    else reverse("client_detail", args=[client.pk]) + "#reports"
                ),
            )
        )
    due.sort(key=lambda item: (item.due_at, item.client_name.lower(), item.client_id))
    return due
