"""Writes for reports: drafts, edits, the plain-language gate, sending and scheduling."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from keepwarm.accounts.access import require_manage, require_write
from keepwarm.accounts.models import Membership, User, Workspace
from keepwarm.accounts.records import check_fields, check_same_workspace
from keepwarm.accounts.services import audit_record, changed_fields
from keepwarm.clients.models import Client, ReportCadence
from keepwarm.lib.plain import PlainCheck, check_text, parse_glossary
from keepwarm.reports import drafts
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
    period_after,
    period_containing,
    period_due_by,
    zone_named,
)
from keepwarm.reports.selectors import (
    recipients_exist,
    report_settings_or_defaults,
    schedule_for,
)

logger = logging.getLogger("keepwarm.reports")

REPORT_SETTINGS_FIELDS = (
    "default_cadence",
    "default_weekday",
    "default_time",
    "default_auto_send_no_change",
    "grace_hours",
)
STATUS_SECTIONS = ("done_md", "problems_md", "next_md", "questions_md")
JOB_SECTIONS = ("wrong_md", "did_md", "needed_md")
MAX_RECOMMENDATIONS = 10
NOT_EDITABLE = "This report has been sent; it can no longer be changed."
ALREADY_SENT = "This report has already been sent."


# Settings ---------------------------------------------------------------------------------


def report_settings_for(workspace: Workspace) -> ReportSettings:
    """Return the workspace's report settings, creating the defaults on first use."""
    found, _ = ReportSettings.objects.get_or_create(workspace=workspace)
    return found


@transaction.atomic
def report_settings_update(*, membership: Membership, **fields: Any) -> ReportSettings:
    """Change the workspace's report defaults and grace period (owners and managers)."""
    require_manage(membership)
    check_fields(fields, REPORT_SETTINGS_FIELDS)
    settings = report_settings_for(membership.workspace)
    settings = ReportSettings.objects.select_for_update().get(pk=settings.pk)
    changes = changed_fields(settings, fields)
    if not changes:
        return settings
    settings.full_clean(exclude=["workspace"])
    settings.save(update_fields=[*changes, "updated_at"])
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="report_settings.update",
        obj=settings,
        changes=changes,
    )
    return settings


# Schedules and drafts -----------------------------------------------------------------------


def client_schedule(client: Client) -> Schedule | None:
    """Return when a client's status reports fall due, or None when it gets none."""
    settings = report_settings_or_defaults(client.workspace_id)
    has_recipients = (
        settings.default_cadence != ReportCadence.NONE
        and Client.objects.filter(pk=client.pk).filter(recipients_exist()).exists()
    )
    return schedule_for(client, settings, has_recipients=has_recipients)


def _author(client: Client, created_by: User | None) -> User | None:
    return created_by if created_by is not None else client.owner


def status_draft_fields(
    *,
    client: Client,
    period: Period,
    schedule: Schedule,
    now: dt.datetime,
    author: User | None,
) -> dict[str, Any]:
    """Return a status report's assembled subject, sections and body for a period."""
    window = drafts.DraftWindow(
        client=client,
        covers_from=period.starts_at,
        covers_to=period.due_at,
        zone=schedule.zone,
        today=max(now, period.due_at).astimezone(schedule.zone).date(),
        next_period=period_after(schedule, period),
    )
    sections = drafts.assemble_sections(window)
    no_change = not sections.happened
    next_lines = drafts.next_lines(sections, window.next_period, no_change=no_change)
    fields: dict[str, Any] = {
        "done_md": drafts.bullets(sections.done),
        "problems_md": drafts.bullets(sections.problems),
        "next_md": drafts.bullets(next_lines),
        "questions_md": drafts.bullets(sections.questions),
        "is_no_change": no_change,
        "has_problems": bool(sections.problems),
        "subject": drafts.status_subject(client.workspace, schedule.cadence, period.end, no_change),
        "cadence": schedule.cadence,
    }
    fields["body_markdown"] = drafts.status_body(
        cadence=schedule.cadence,
        period=period,
        greeting_line=drafts.greeting(drafts.recipients_of(client)),
        sign_off_lines=drafts.sign_off(client.workspace, author),
        done=fields["done_md"],
        problems=fields["problems_md"],
        next_steps=fields["next_md"],
        questions=fields["questions_md"],
        no_change=no_change,
    )
    return fields


def report_draft_for_period(
    *,
    client: Client,
    period: Period,
    schedule: Schedule,
    created_by: User | None = None,
    now: dt.datetime | None = None,
) -> tuple[StatusReport, bool]:
    """Return the client's status report for a period, drafting it if there is none yet.

    Safe under races: the database allows one report per client and period, so two clicks
    or two workers asking at once get the same report; only one of them drafts it.
    """
    now = now or timezone.now()
    lookup = {"client": client, "kind": ReportKind.STATUS, "period_start": period.start}
    existing = StatusReport.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    fields = status_draft_fields(
        client=client, period=period, schedule=schedule, now=now, author=_author(client, created_by)
    )
    try:
        with transaction.atomic():
            report = StatusReport.objects.create(
                workspace_id=client.workspace_id,
                period_end=period.end,
                covers_from=period.starts_at,
                due_at=period.due_at,
                created_by=created_by,
                created_at=now,
                **lookup,
                **fields,
            )
    except IntegrityError:
        return StatusReport.objects.get(**lookup), False
    audit_record(
        workspace=client.workspace,
        actor=created_by,
        action="report.draft",
        obj=report,
        changes={"period": [str(period.start), str(period.end)]},
    )
    return report, True


def period_to_report(client: Client, schedule: Schedule, now: dt.datetime) -> Period:
    """Return the period a new status report is for: the one owed, else the one under way."""
    owed = period_due_by(schedule, now)
    if owed.due_at >= client.created_at:
        handled = StatusReport.objects.filter(
            client=client,
            kind=ReportKind.STATUS,
            period_start=owed.start,
            state__in=HANDLED_STATES,
        ).exists()
        if not handled:
            return owed
    return period_containing(schedule, now)


@transaction.atomic
def report_start(
    *, membership: Membership, client: Client, now: dt.datetime | None = None
) -> StatusReport:
    """Return the draft of the client's owed (or current) status report, drafting it if needed."""
    require_write(membership)
    check_same_workspace(membership.workspace, client=client)
    now = now or timezone.now()
    schedule = client_schedule(client)
    if schedule is None:
        raise ValidationError(
            {
                "client": f"{client.name} gets no scheduled reports. Choose how often on the "
                "client's details first, or send a job report."
            }
        )
    period = period_to_report(client, schedule, now)
    report, _ = report_draft_for_period(
        client=client, period=period, schedule=schedule, created_by=membership.user, now=now
    )
    return report


def _clean_recommendations(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for index, item in enumerate(items):
        what = " ".join(str(item.get("what", "")).split())
        due_on = item.get("due_on")
        if not what and not due_on:
            continue
        if not what:
            raise ValidationError({"recommendations": f"Say what is needed for date {index + 1}."})
        if len(what) > 300:
            raise ValidationError(
                {"recommendations": "Keep each recommendation under 300 letters."}
            )
        if isinstance(due_on, str):
            try:
                due_on = dt.date.fromisoformat(due_on)
            except ValueError:
                raise ValidationError(
                    {"recommendations": f"Give a date for “{what}”, such as 2026-12-01."}
                ) from None
        if not isinstance(due_on, dt.date):
            raise ValidationError({"recommendations": f"Give a recommended date for “{what}”."})
        cleaned.append(
            {
                "what": what,
                "due_on": due_on.isoformat(),
                "commitment_id": item.get("commitment_id"),
            }
        )
    if len(cleaned) > MAX_RECOMMENDATIONS:
        raise ValidationError(
            {"recommendations": f"Give at most {MAX_RECOMMENDATIONS} recommended dates."}
        )
    return cleaned


def _job_fields(
    client: Client,
    author: User | None,
    wrong: str,
    did: str,
    needed: str,
    recommendations: list[dict[str, Any]],
) -> dict[str, Any]:
    errors = {}
    if not wrong.strip():
        errors["wrong_md"] = "Say what was wrong."
    if not did.strip():
        errors["did_md"] = "Say what you did."
    if errors:
        raise ValidationError(errors)
    return {
        "wrong_md": wrong.strip(),
        "did_md": did.strip(),
        "needed_md": needed.strip(),
        "recommendations": recommendations,
        "body_markdown": drafts.job_body(
            greeting_line=drafts.greeting(drafts.recipients_of(client)),
            sign_off_lines=drafts.sign_off(client.workspace, author),
            wrong=wrong,
            did=did,
            needed=needed,
            recommendations=recommendations,
        ),
    }


@transaction.atomic
def job_report_create(
    *,
    membership: Membership,
    client: Client,
    wrong: str,
    did: str,
    needed: str = "",
    recommendations: list[dict[str, Any]] | None = None,
    at: dt.datetime | None = None,
) -> StatusReport:
    """Draft a job report: what was wrong, what we did, what is needed next."""
    require_write(membership)
    check_same_workspace(membership.workspace, client=client)
    now = at or timezone.now()
    items = _clean_recommendations(recommendations or [])
    fields = _job_fields(client, membership.user, wrong, did, needed, items)
    zone = zone_named(membership.workspace.time_zone)
    report = StatusReport.objects.create(
        workspace=membership.workspace,
        client=client,
        kind=ReportKind.JOB,
        subject=drafts.job_subject(membership.workspace, now.astimezone(zone).date()),
        created_by=membership.user,
        created_at=now,
        **fields,
    )
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="report.create",
        obj=report,
        changes={"kind": ReportKind.JOB},
    )
    return report


def _require_editable(report: StatusReport) -> None:
    if not report.is_editable:
        raise ValidationError(NOT_EDITABLE)


@transaction.atomic
def report_update(*, membership: Membership, report: StatusReport, **data: Any) -> StatusReport:
    """Change a report's text before it is sent.

    Changing a section rebuilds the body from the sections, unless a body is given too.
    Changing a scheduled report takes it off the schedule: it was checked as it was.
    """
    require_write(membership)
    allowed = ("subject", "body_markdown", "recommendations", *STATUS_SECTIONS, *JOB_SECTIONS)
    check_fields(data, allowed)
    report = (
        StatusReport.objects.select_for_update()
        .select_related("client", "workspace")
        .get(pk=report.pk)
    )
    _require_editable(report)
    if "subject" in data:
        data["subject"] = " ".join(str(data["subject"]).split())
        if not data["subject"]:
            raise ValidationError({"subject": "Give the email a subject."})
    if "recommendations" in data:
        if not report.is_job:
            raise ValidationError({"recommendations": "Only a job report has recommended dates."})
        data["recommendations"] = _clean_recommendations(data["recommendations"])
    sections = set(data) & {*STATUS_SECTIONS, *JOB_SECTIONS, "recommendations"}
    wrong_kind = sections & set(JOB_SECTIONS if not report.is_job else STATUS_SECTIONS)
    if wrong_kind:
        raise ValidationError(
            {name: "This kind of report has no such part." for name in wrong_kind}
        )
    if not report.is_job and sections:
        # Work done means it is no longer a "no change" report; say so in the subject too.
        if report.is_no_change and str(data.get("done_md", report.done_md)).strip():
            data["is_no_change"] = False
            assembled = _status_subject(report, no_change=True)
            if data.get("subject", report.subject) == assembled:
                data["subject"] = _status_subject(report, no_change=False)
        if "problems_md" in data:
            data["has_problems"] = bool(str(data["problems_md"]).strip())
    if sections and "body_markdown" not in data:
        merged = {name: data.get(name, getattr(report, name)) for name in sections}
        data["body_markdown"] = _rebuilt_body(
            report, merged, no_change=data.get("is_no_change", report.is_no_change)
        )
    if "body_markdown" in data and not str(data["body_markdown"]).strip():
        raise ValidationError({"body_markdown": "Write the report before saving it."})
    changes = changed_fields(report, data)
    if not changes:
        return report
    fields = [*changes, "updated_at"]
    if report.reviewed_by_id != membership.user_id:
        # Whoever changes a draft has reviewed it: it no longer goes out without them.
        report.reviewed_by = membership.user
        fields.append("reviewed_by")
    if report.state == ReportState.SCHEDULED:
        report.state = ReportState.DRAFT
        report.scheduled_for = None
        fields += ["state", "scheduled_for"]
        changes["state"] = [ReportState.SCHEDULED, ReportState.DRAFT]
    report.save(update_fields=fields)
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="report.update",
        obj=report,
        changes={k: v if k not in ("body_markdown",) else ["…", "…"] for k, v in changes.items()},
    )
    return report


def _status_subject(report: StatusReport, *, no_change: bool) -> str:
    assert report.period_end is not None
    return drafts.status_subject(report.workspace, report.cadence, report.period_end, no_change)


def _rebuilt_body(report: StatusReport, merged: dict[str, Any], *, no_change: bool) -> str:
    client = report.client
    author = _author(client, report.created_by)
    value = {name: merged.get(name, getattr(report, name)) for name in merged}
    if report.is_job:
        return drafts.job_body(
            greeting_line=drafts.greeting(drafts.recipients_of(client)),
            sign_off_lines=drafts.sign_off(client.workspace, author),
            wrong=value.get("wrong_md", report.wrong_md),
            did=value.get("did_md", report.did_md),
            needed=value.get("needed_md", report.needed_md),
            recommendations=value.get("recommendations", report.recommendations),
        )
    return drafts.status_body(
        cadence=report.cadence,
        period=_stored_period(report),
        greeting_line=drafts.greeting(drafts.recipients_of(client)),
        sign_off_lines=drafts.sign_off(client.workspace, author),
        done=value.get("done_md", report.done_md),
        problems=value.get("problems_md", report.problems_md),
        next_steps=value.get("next_md", report.next_md),
        questions=value.get("questions_md", report.questions_md),
        no_change=no_change,
    )


def _stored_period(report: StatusReport) -> Period:
    assert report.period_start and report.period_end and report.covers_from and report.due_at
    return Period(
        start=report.period_start,
        end=report.period_end,
        starts_at=report.covers_from,
        due_at=report.due_at,
    )


@transaction.atomic
def report_rebuild(
    *, membership: Membership, report: StatusReport, now: dt.datetime | None = None
) -> StatusReport:
    """Assemble a status report's draft afresh from the period's records (edits are lost)."""
    require_write(membership)
    report = StatusReport.objects.select_for_update().select_related("client").get(pk=report.pk)
    _require_editable(report)
    if report.is_job:
        raise ValidationError("A job report is written by hand; there is nothing to rebuild.")
    schedule = client_schedule(report.client)
    if schedule is None:
        raise ValidationError(f"{report.client.name} gets no scheduled reports any more.")
    fields = status_draft_fields(
        client=report.client,
        period=_stored_period(report),
        schedule=schedule,
        now=now or timezone.now(),
        author=_author(report.client, report.created_by),
    )
    for name, value in fields.items():
        setattr(report, name, value)
    report.state = ReportState.DRAFT
    report.scheduled_for = None
    report.reviewed_by = membership.user
    report.save(update_fields=[*fields, "state", "scheduled_for", "reviewed_by", "updated_at"])
    audit_record(
        workspace=membership.workspace, actor=membership.user, action="report.rebuild", obj=report
    )
    return report


@transaction.atomic
def report_discard(*, membership: Membership, report: StatusReport) -> None:
    """Throw away a job report that has not been sent."""
    require_write(membership)
    if not report.is_job:
        raise ValidationError(
            "A status report cannot be thrown away: rebuild it, or send it as it is."
        )
    if report.state not in (ReportState.DRAFT, ReportState.SCHEDULED):
        raise ValidationError("Only a job report that has not been sent can be thrown away.")
    audit_record(
        workspace=membership.workspace, actor=membership.user, action="report.discard", obj=report
    )
    report.delete()


# The plain-language gate ------------------------------------------------------------------


def report_check(report: StatusReport, text: str | None = None) -> PlainCheck:
    """Return the plain-language check of a report's text against its client's target."""
    return check_text(
        report.body_markdown if text is None else text,
        target=float(report.client.plain_language_target),
        glossary=parse_glossary(report.workspace.plain_language_glossary),
    )


def below_target_error(report: StatusReport, check: PlainCheck) -> ValidationError:
    """Return the error that asks a person to confirm sending a report below its target."""
    return ValidationError(
        {
            "confirm_below_target": (
                f"This report scores {check.reading_ease_label} for reading ease; "
                f"{report.client.name}'s target is {check.target_label}. Make it plainer, or "
                "confirm that you want to send it as it is."
            )
        }
    )


def report_recipients(report: StatusReport) -> list[str]:
    people = drafts.recipients_of(report.client)
    if not people:
        raise ValidationError(
            {
                "recipients": f"Nobody at {report.client.name} receives reports yet. Tick "
                "“Receives reports” on the person's details, then send it."
            }
        )
    return [person.email for person in people]


def check_ready(report: StatusReport, confirm_below_target: bool) -> PlainCheck:
    if not report.body_markdown.strip():
        raise ValidationError({"body_markdown": "Write the report before sending it."})
    if not report.subject.strip():
        raise ValidationError({"subject": "Give the email a subject."})
    report_recipients(report)
    check = report_check(report)
    if not check.meets_target and not confirm_below_target:
        raise below_target_error(report, check)
    return check
