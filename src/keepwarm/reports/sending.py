"""Sending reports: now, on schedule, or by the worker without review; and their delivery."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership, User, Workspace
from keepwarm.accounts.records import check_same_workspace
from keepwarm.accounts.services import audit_record
from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment
from keepwarm.commitments.services import commitment_create
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.messaging.models import MessageState
from keepwarm.messaging.services import message_enqueue
from keepwarm.reports import drafts, rendering
from keepwarm.reports.models import (
    SENDABLE_STATES,
    ReportKind,
    ReportSettings,
    ReportState,
    StatusReport,
)
from keepwarm.reports.periods import period_due_by
from keepwarm.reports.selectors import (
    recipients_exist,
    report_settings_or_defaults,
    reports_due,
    schedule_for,
)
from keepwarm.reports.services import (
    ALREADY_SENT,
    check_ready,
    report_draft_for_period,
    report_recipients,
)

logger = logging.getLogger("keepwarm.reports")


# Sending ----------------------------------------------------------------------------------


def _claim(report: StatusReport, states: tuple[str, ...], now: dt.datetime) -> StatusReport:
    """Move a report to "sending" if it is still in one of `states`; refuse if another did."""
    claimed = StatusReport.objects.filter(pk=report.pk, state__in=states).update(
        state=ReportState.SENDING, updated_at=now
    )
    if not claimed:
        raise ValidationError(ALREADY_SENT)
    return StatusReport.objects.select_related("client", "workspace", "created_by").get(
        pk=report.pk
    )


def _message_key(report: StatusReport) -> str:
    attempt = report.send_attempts
    return f"report:{report.pk}" if attempt <= 1 else f"report:{report.pk}:{attempt}"


def _create_promises(
    report: StatusReport,
    interaction: Interaction,
    membership: Membership | None,
    owner: User | None,
) -> None:
    """Turn a job report's recommended dates into promises (each once, ever)."""
    items = []
    for item in report.recommendations:
        if item.get("commitment_id"):
            items.append(item)
            continue
        due_on = dt.date.fromisoformat(item["due_on"])
        if membership is not None and membership.can_write:
            promise = commitment_create(
                membership=membership,
                client=report.client,
                what=item["what"],
                due_on=due_on,
                source_interaction=interaction,
            )
        else:
            promise = Commitment.objects.create(
                workspace=report.workspace,
                client=report.client,
                what=item["what"],
                due_on=due_on,
                owner=owner,
                source_interaction=interaction,
            )
            audit_record(
                workspace=report.workspace, actor=None, action="commitment.create", obj=promise
            )
        items.append({**item, "commitment_id": promise.pk})
    report.recommendations = items


def _deliver(
    report: StatusReport,
    *,
    actor: User | None,
    membership: Membership | None,
    confirm_below_target: bool,
    now: dt.datetime,
    from_states: tuple[str, ...] = SENDABLE_STATES,
) -> StatusReport:
    """Send a report now: the outbox message, the timeline entry and the bookkeeping."""
    before = report.state
    report = _claim(report, from_states, now)
    check = check_ready(report, confirm_below_target)
    to = report_recipients(report)
    report.send_attempts += 1
    sender = report.workspace.name
    replier = actor or report.client.owner
    reply_to = replier.email if replier is not None else ""
    message = message_enqueue(
        workspace=report.workspace,
        key=_message_key(report),
        kind="report",
        to=to,
        subject=report.subject,
        text=rendering.email_text(markdown=report.body_markdown, sender=sender),
        html=rendering.email_html(
            subject=report.subject, markdown=report.body_markdown, sender=sender
        ),
        reply_to=reply_to,
    )
    interaction = Interaction.objects.create(
        workspace=report.workspace,
        client=report.client,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        occurred_at=now,
        subject=report.subject[:300],
        body=rendering.markdown_to_text(report.body_markdown),
        is_progress=not report.is_job,
        is_job_report=report.is_job,
        message_id=message.message_id,
        reading_ease=check.reading_ease,
        logged_by=actor,
        created_at=now,
    )
    interaction.contacts.set(drafts.recipients_of(report.client))
    # When the email goes out inline (no worker), the report is marked sent right after;
    # otherwise the worker's reports.track_delivery job does it.
    pk = report.pk
    transaction.on_commit(
        lambda: deliveries_reconcile(now=timezone.now(), report_ids=[pk]), robust=True
    )
    if report.is_job:
        _create_promises(report, interaction, membership, actor or report.client.owner)
    report.outbound = message
    report.message_id = message.message_id
    report.interaction = interaction
    report.sent_at = now
    report.reading_ease = check.reading_ease
    report.sent_below_target = not check.meets_target
    report.reviewed_by = actor or report.reviewed_by
    report.scheduled_for = None
    report.save(
        update_fields=[
            "send_attempts",
            "outbound",
            "message_id",
            "interaction",
            "sent_at",
            "reading_ease",
            "sent_below_target",
            "reviewed_by",
            "scheduled_for",
            "recommendations",
            "updated_at",
        ]
    )
    changes: dict[str, Any] = {
        "state": [before, ReportState.SENDING],
        "to": to,
        "reading_ease": check.reading_ease,
    }
    if not check.meets_target:
        changes["sent_below_target"] = True
    audit_record(
        workspace=report.workspace, actor=actor, action="report.send", obj=report, changes=changes
    )
    return report


@transaction.atomic
def report_send(
    *,
    membership: Membership,
    report: StatusReport,
    confirm_below_target: bool = False,
    at: dt.datetime | None = None,
) -> StatusReport:
    """Send a report now, once: it becomes an outbound email on the client's timeline.

    A report that reads below the client's plain-language target is refused unless the
    sender confirms; the confirmation is recorded on the report and in the audit log.
    """
    require_write(membership)
    check_same_workspace(membership.workspace, client=report.client)
    return _deliver(
        report,
        actor=membership.user,
        membership=membership,
        confirm_below_target=confirm_below_target,
        now=at or timezone.now(),
    )


@transaction.atomic
def report_schedule(
    *,
    membership: Membership,
    report: StatusReport,
    at: dt.datetime,
    confirm_below_target: bool = False,
    now: dt.datetime | None = None,
) -> StatusReport:
    """Schedule a reviewed report to go out at `at` (checked now, as it will be sent)."""
    require_write(membership)
    now = now or timezone.now()
    report = (
        StatusReport.objects.select_for_update()
        .select_related("client", "workspace")
        .get(pk=report.pk)
    )
    if report.state not in SENDABLE_STATES:
        raise ValidationError(ALREADY_SENT)
    if at.tzinfo is None:
        raise ValidationError({"scheduled_for": "Give the time with its time zone."})
    if at <= now:
        raise ValidationError({"scheduled_for": "Choose a time in the future, or send it now."})
    if at > now + dt.timedelta(days=366):
        raise ValidationError({"scheduled_for": "Choose a time within the next year."})
    check = check_ready(report, confirm_below_target)
    before = report.state
    report.state = ReportState.SCHEDULED
    report.scheduled_for = at
    report.reviewed_by = membership.user
    report.sent_below_target = not check.meets_target
    report.save(
        update_fields=["state", "scheduled_for", "reviewed_by", "sent_below_target", "updated_at"]
    )
    changes: dict[str, Any] = {
        "state": [before, ReportState.SCHEDULED],
        "scheduled_for": at.isoformat(),
    }
    if not check.meets_target:
        changes["sent_below_target"] = True
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="report.schedule",
        obj=report,
        changes=changes,
    )
    return report


@transaction.atomic
def report_unschedule(*, membership: Membership, report: StatusReport) -> StatusReport:
    """Take a scheduled report off the schedule; it goes back to being a draft."""
    require_write(membership)
    claimed = StatusReport.objects.filter(pk=report.pk, state=ReportState.SCHEDULED).update(
        state=ReportState.DRAFT, scheduled_for=None, updated_at=timezone.now()
    )
    if not claimed:
        raise ValidationError("This report is not scheduled.")
    report.refresh_from_db()
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="report.unschedule",
        obj=report,
        changes={"state": [ReportState.SCHEDULED, ReportState.DRAFT]},
    )
    return report


# What the worker does -------------------------------------------------------------------------


def drafts_generate_due(*, now: dt.datetime, workspace_ids: Iterable[int] | None = None) -> int:
    """Draft every status report that is due and has no draft yet; return how many."""
    made = 0
    workspaces = Workspace.objects.order_by("pk")
    if workspace_ids is not None:
        workspaces = workspaces.filter(pk__in=list(workspace_ids))
    for workspace in workspaces:
        due = [
            item for item in reports_due(workspace_id=workspace.pk, now=now) if not item.report_id
        ]
        if not due:
            continue
        settings = report_settings_or_defaults(workspace)
        clients = {
            client.pk: client
            for client in Client.objects.filter(pk__in=[item.client_id for item in due])
            .annotate(has_recipients=recipients_exist())
            .select_related("workspace", "owner")
        }
        for item in due:
            client = clients[item.client_id]
            schedule = schedule_for(client, settings, has_recipients=client.has_recipients)  # type: ignore[attr-defined]
            if schedule is None:
                continue
            with transaction.atomic():
                _, created = report_draft_for_period(
                    client=client,
                    period=period_due_by(schedule, now),
                    schedule=schedule,
                    now=now,
                )
            made += created
    return made


def auto_sendable(now: dt.datetime) -> list[StatusReport]:
    """Return the reports that may go out now without anyone looking at them again.

    Scheduled reports whose time has come, and "no change" status reports that are due,
    with no problems listed, for clients that allow those without review — as the worker
    drafted them: a draft a person started or changed waits for that person.
    """
    scheduled = list(
        StatusReport.objects.filter(state=ReportState.SCHEDULED, scheduled_for__lte=now)
        .select_related("client", "workspace", "reviewed_by")
        .order_by("scheduled_for", "pk")
    )
    no_change = []
    candidates = StatusReport.objects.filter(
        kind=ReportKind.STATUS,
        state=ReportState.DRAFT,
        is_no_change=True,
        has_problems=False,
        created_by__isnull=True,
        reviewed_by__isnull=True,
        due_at__lte=now,
        # Older than any period: not the one owed now, whatever the cadence.
        due_at__gte=now - dt.timedelta(days=40),
    ).select_related("client", "workspace")
    settings_by_ws: dict[int, ReportSettings] = {}
    for report in candidates.order_by("due_at", "pk"):
        settings = settings_by_ws.setdefault(
            report.workspace_id, report_settings_or_defaults(report.workspace_id)
        )
        schedule = schedule_for(report.client, settings, has_recipients=True)
        if schedule is None or not schedule.auto_send_no_change:
            continue
        # Only the period owed now: an old unsent draft waits for a person.
        if period_due_by(schedule, now).start == report.period_start:
            no_change.append(report)
    return [*scheduled, *no_change]


def report_send_unreviewed(report: StatusReport, *, now: dt.datetime) -> bool:
    """Send one report that may go without review; return whether it went.

    A report that cannot go (nobody to send to, below target without confirmation, sent
    meanwhile) stays as it is for a person to see; the reason is logged.
    """
    scheduled = report.state == ReportState.SCHEDULED
    actor = report.reviewed_by if scheduled else None
    membership = None
    if actor is not None:
        membership = Membership.objects.filter(user=actor, workspace=report.workspace).first()
    try:
        with transaction.atomic():
            _deliver(
                report,
                actor=actor,
                membership=membership,
                # The person who scheduled it confirmed (or did not need to) when scheduling.
                confirm_below_target=scheduled and report.sent_below_target,
                now=now,
                from_states=(ReportState.SCHEDULED,) if scheduled else (ReportState.DRAFT,),
            )
    except ValidationError as error:
        logger.info("Report %s not sent without review: %s", report.pk, "; ".join(error.messages))
        if scheduled:
            # Back to a draft with the reason on the page, rather than retried every minute.
            StatusReport.objects.filter(pk=report.pk, state=ReportState.SCHEDULED).update(
                state=ReportState.DRAFT, scheduled_for=None, updated_at=now
            )
            audit_record(
                workspace=report.workspace,
                actor=None,
                action="report.unschedule",
                obj=report,
                changes={"reason": "; ".join(error.messages)},
            )
        return False
    return True


def reports_send_due(*, now: dt.datetime) -> int:
    """Send every report that may go without review now; return how many went."""
    return sum(report_send_unreviewed(report, now=now) for report in auto_sendable(now))


def deliveries_reconcile(*, now: dt.datetime, report_ids: Iterable[int] | None = None) -> int:
    """Bring sent reports' states in line with their emails; return how many changed.

    A report whose email went out is "sent". One the outbox gave up on is "failed", and its
    timeline entry becomes an internal note saying so: it no longer counts as getting in touch.
    """
    changed = 0
    reports = StatusReport.objects.filter(
        Q(state=ReportState.SENDING, outbound__state__in=[MessageState.SENT, MessageState.FAILED])
        | Q(state=ReportState.FAILED, outbound__state=MessageState.SENT)
    ).select_related("outbound", "interaction", "workspace")
    if report_ids is not None:
        reports = reports.filter(pk__in=list(report_ids))
    for report in reports:
        assert report.outbound is not None
        with transaction.atomic():
            if report.outbound.state == MessageState.SENT:
                state, action = ReportState.SENT, "report.delivered"
            else:
                state, action = ReportState.FAILED, "report.failed"
            updated = StatusReport.objects.filter(pk=report.pk, state=report.state).update(
                state=state, updated_at=now
            )
            if not updated:
                continue
            if report.interaction is not None:
                _mark_interaction(report, report.interaction, delivered=state == ReportState.SENT)
            audit_record(
                workspace=report.workspace,
                actor=None,
                action=action,
                obj=report,
                changes={"state": [report.state, state], "error": report.outbound.last_error},
            )
            changed += 1
    return changed


def report_refresh_delivery(report: StatusReport) -> StatusReport:
    """Return the report, first catching its state up with its email if the outbox moved on."""
    outbound = report.outbound if report.outbound_id else None
    if outbound is None or report.state not in (ReportState.SENDING, ReportState.FAILED):
        return report
    behind = (report.state == ReportState.SENDING and outbound.state == MessageState.FAILED) or (
        outbound.state == MessageState.SENT
    )
    if behind and deliveries_reconcile(now=timezone.now(), report_ids=[report.pk]):
        report.refresh_from_db()
    return report


NOT_DELIVERED = "Not delivered: "


def _mark_interaction(report: StatusReport, interaction: Interaction, *, delivered: bool) -> None:
    if delivered:
        interaction.direction = Direction.OUTBOUND
        interaction.subject = interaction.subject.removeprefix(NOT_DELIVERED)
        interaction.is_progress = not report.is_job
        interaction.is_job_report = report.is_job
    else:
        interaction.direction = Direction.INTERNAL
        if not interaction.subject.startswith(NOT_DELIVERED):
            interaction.subject = (NOT_DELIVERED + interaction.subject)[:300]
        interaction.is_progress = False
        interaction.is_job_report = False
    interaction.save(
        update_fields=["direction", "subject", "is_progress", "is_job_report", "updated_at"]
    )
