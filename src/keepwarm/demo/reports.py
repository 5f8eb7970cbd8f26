"""The demo's reports: months of steady updates, a "no change" one, drafts waiting, a job report.

Nothing here is emailed: the sent reports are the updates the routine already wrote on the
timeline, recorded as sent reports; the drafts wait for someone to review them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from keepwarm.accounts.models import User, Workspace
from keepwarm.accounts.services import audit_record
from keepwarm.clients.models import Client, ReportCadence
from keepwarm.commitments.models import Commitment
from keepwarm.demo.routine import Clock
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.reports import drafts
from keepwarm.reports.models import ReportKind, ReportState, StatusReport
from keepwarm.reports.periods import period_containing, period_due_by, period_ending_on
from keepwarm.reports.rendering import markdown_to_text
from keepwarm.reports.selectors import report_settings_or_defaults, schedule_for
from keepwarm.reports.sending import drafts_generate_due
from keepwarm.reports.services import report_draft_for_period, report_settings_for

UPDATE_SUBJECT = re.compile(r"^(Weekly|Fortnightly|Monthly) update: ")
STUDIO_DOMAIN = "brightside.example"
# Northgate's weekly update hears from both of its people, as the routine writes it.
RECIPIENTS = {"northgate": 2}
JOB_REPORT_DAYS_AGO = 45

# Tom's first go at Northgate's update: every word a garden-centre manager would stumble on.
JARGON_DRAFT = """Hi Helen and Raj,

This sprint we refactored the CMS taxonomy and deployed the CDN edge-caching layer, which \
should materially improve TTFB and LCP metrics across the storefront's product-listing \
templates, notwithstanding some residual cache-invalidation latency that we are actively \
remediating.

## What comes next

- Migrate the legacy SKU schema to the headless commerce API, leveraging the existing \
webhook orchestration to ensure idempotent synchronisation of inventory deltas.
"""

CASTLE_WRONG = (
    "The booking form on your website stopped sending bookings to the office on Monday. "
    "Three customers booked a boiler service and nobody heard about it."
)
CASTLE_DID = (
    "We found that the form's email setting had run out. We renewed it, sent the three "
    "bookings to Daniel by hand, and tried the form from a phone and a computer. Both work."
)
CASTLE_NEEDED = (
    "Your website runs on an old version that stops getting safety fixes in the new year. "
    "We recommend moving it to the new version before then. It takes us about a day."
)


def create_reports(
    workspace: Workspace, clock: Clock, clients: dict[str, Client], users: dict[str, User]
) -> None:
    """Record the routine's updates as sent reports, then the drafts a person would find now."""
    report_settings_for(workspace)
    _mark_recipients(clients)
    _record_sent_updates(workspace, clock, clients)
    _castle_job_report(workspace, clock, clients["castle"], users["maya"])
    now = _demo_now(clock)
    drafts_generate_due(now=now, workspace_ids=[workspace.pk])
    _jargon_draft(clients["northgate"], users["tom"], now)


def _demo_now(clock: Clock) -> dt.datetime:
    """Return now, or the same time of day on the demo's today when the story is dated."""
    now = timezone.now()
    local = now.astimezone(clock.tz)
    if local.date() == clock.today:
        return now
    return clock.at(clock.today, local.hour * 60 + local.minute)


def _mark_recipients(clients: dict[str, Client]) -> None:
    """The first person at each client with reports (two at Northgate) receives them."""
    for key, client in clients.items():
        if client.report_cadence == ReportCadence.NONE and key != "castle":
            continue
        people = list(client.contacts.exclude(email="").order_by("pk")[: RECIPIENTS.get(key, 1)])
        for person in people:
            person.receives_reports = True
            person.save(update_fields=["receives_reports"])


def _record_sent_updates(workspace: Workspace, clock: Clock, clients: dict[str, Client]) -> None:
    """Turn each update the routine emailed into the sent status report of its period."""
    settings = report_settings_or_defaults(workspace)
    by_pk = {client.pk: client for client in clients.values()}
    updates = Interaction.objects.filter(
        workspace=workspace,
        direction=Direction.OUTBOUND,
        channel=Channel.EMAIL,
        is_progress=True,
        subject__regex=UPDATE_SUBJECT.pattern,
    ).order_by("occurred_at", "pk")
    reports: list[StatusReport] = []
    seen: set[tuple[int, dt.date]] = set()
    for update in updates:
        client = by_pk[update.client_id]
        schedule = schedule_for(client, settings, has_recipients=True)
        if schedule is None:
            continue
        period = period_ending_on(schedule, update.occurred_at.astimezone(schedule.zone).date())
        if period.due_at != update.occurred_at or (client.pk, period.start) in seen:
            continue
        seen.add((client.pk, period.start))
        no_change = "no change" in update.subject.lower()
        reports.append(
            StatusReport(
                workspace=workspace,
                client=client,
                kind=ReportKind.STATUS,
                cadence=schedule.cadence,
                period_start=period.start,
                period_end=period.end,
                covers_from=period.starts_at,
                due_at=period.due_at,
                subject=update.subject,
                body_markdown=update.body,
                is_no_change=no_change,
                has_problems=update.is_problem,
                state=ReportState.SENT,
                sent_at=update.occurred_at,
                send_attempts=1,
                message_id=update.message_id,
                interaction=update,
                created_by=update.logged_by,
                reviewed_by=None if no_change else update.logged_by,
                created_at=update.occurred_at - dt.timedelta(hours=1),
            )
        )
    StatusReport.objects.bulk_create(reports)


def _castle_job_report(workspace: Workspace, clock: Clock, castle: Client, maya: User) -> None:
    """Maya's report on fixing Castle Plumbing's booking form, before the line went quiet."""
    day = clock.day(-JOB_REPORT_DAYS_AGO)
    at = clock.at(day, "11:30")
    due_on = clock.day(20)
    what = "Move the Castle Plumbing website to the new version"
    recommendations: list[dict[str, Any]] = [
        {"what": what, "due_on": due_on.isoformat(), "commitment_id": None}
    ]
    body = drafts.job_body(
        greeting_line=drafts.greeting(drafts.recipients_of(castle)),
        sign_off_lines=drafts.sign_off(workspace, maya),
        wrong=CASTLE_WRONG,
        did=CASTLE_DID,
        needed=CASTLE_NEEDED,
        recommendations=recommendations,
    )
    subject = drafts.job_subject(workspace, day)
    interaction = Interaction.objects.create(
        workspace=workspace,
        client=castle,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        occurred_at=at,
        subject=subject,
        body=markdown_to_text(body),
        is_job_report=True,
        message_id=f"<{at:%Y%m%d%H%M}.job.castle@{STUDIO_DOMAIN}>",
        logged_by=maya,
        created_at=at,
    )
    interaction.contacts.set(drafts.recipients_of(castle))
    promise = Commitment.objects.create(
        workspace=workspace,
        client=castle,
        what=what,
        owner=maya,
        due_on=due_on,
        source_interaction=interaction,
        created_at=at,
    )
    recommendations[0]["commitment_id"] = promise.pk
    StatusReport.objects.create(
        workspace=workspace,
        client=castle,
        kind=ReportKind.JOB,
        subject=subject,
        wrong_md=CASTLE_WRONG,
        did_md=CASTLE_DID,
        needed_md=CASTLE_NEEDED,
        recommendations=recommendations,
        body_markdown=body,
        state=ReportState.SENT,
        sent_at=at,
        send_attempts=1,
        message_id=interaction.message_id,
        interaction=interaction,
        created_by=maya,
        reviewed_by=maya,
        created_at=at - dt.timedelta(minutes=20),
    )


def _jargon_draft(northgate: Client, tom: User, now: dt.datetime) -> None:
    """Tom's draft for Northgate, heavy with jargon: the plain-language check has work to do."""
    settings = report_settings_or_defaults(northgate.workspace_id)
    schedule = schedule_for(northgate, settings, has_recipients=True)
    assert schedule is not None
    owed = period_due_by(schedule, now)
    sent = StatusReport.objects.filter(
        client=northgate, kind=ReportKind.STATUS, period_start=owed.start, state=ReportState.SENT
    ).exists()
    period = period_containing(schedule, now) if sent else owed
    report, _ = report_draft_for_period(
        client=northgate, period=period, schedule=schedule, created_by=tom, now=now
    )
    report.body_markdown = f"{JARGON_DRAFT}\n{drafts.sign_off(northgate.workspace, tom)}\n"
    report.created_by = tom
    report.is_no_change = False
    report.subject = drafts.status_subject(
        northgate.workspace, schedule.cadence, period.end, no_change=False
    )
    report.save(
        update_fields=["body_markdown", "created_by", "is_no_change", "subject", "updated_at"]
    )
    audit_record(
        workspace=northgate.workspace,
        actor=tom,
        action="report.update",
        obj=report,
        changes={"body_markdown": ["…", "…"]},
    )
