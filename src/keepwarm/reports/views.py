"""Reports pages: the list of what is due, the review screen, job reports and report settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keepwarm.accounts.access import require_manage, require_write
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.accounts.selectors import member_zone
from keepwarm.clients.access import get_client_for_member
from keepwarm.clients.models import Client
from keepwarm.interactions.forms import add_service_errors
from keepwarm.lib.plain import PlainCheck
from keepwarm.messaging.models import MessageState
from keepwarm.reports import sending, services
from keepwarm.reports.access import get_report_for_member
from keepwarm.reports.drafts import day_words, recipients_of
from keepwarm.reports.forms import (
    JobReportForm,
    ReportEditForm,
    ReportFilterForm,
    ReportSettingsForm,
    ScheduleForm,
)
from keepwarm.reports.models import ReportKind, ReportState, StatusReport
from keepwarm.reports.periods import period_containing
from keepwarm.reports.rendering import markdown_to_html
from keepwarm.reports.selectors import (
    DueReport,
    report_is_failed,
    report_settings_or_defaults,
    reports_due,
)

REPORTS_PER_PAGE = 25
RECENTLY_SENT = 20
OPEN_LIMIT = 100

STATE_BADGES: dict[str, str] = {
    ReportState.DRAFT: "",
    ReportState.SCHEDULED: "badge-due",
    ReportState.SENDING: "badge-due",
    ReportState.SENT: "badge-ok",
    ReportState.FAILED: "badge-overdue",
}


@dataclass
class ReportRow:
    """One report as the lists show it: its state in words, and why it failed if it did."""

    report: StatusReport
    state: str
    label: str
    badge: str
    failure: str


def report_row(report: StatusReport) -> ReportRow:
    """Return a report with its state as shown: "failed" as soon as the outbox gave up."""
    outbound = report.outbound if report.outbound_id else None
    state = report.state
    if report_is_failed(report):
        state = ReportState.FAILED
    elif state == ReportState.SENDING and outbound and outbound.state == MessageState.SENT:
        state = ReportState.SENT
    label = ReportState(state).label
    if state == ReportState.SENDING and outbound and outbound.state == MessageState.UNCERTAIN:
        label = "Delivery uncertain"
    failure = ""
    if state == ReportState.FAILED:
        failure = (outbound.last_error if outbound else "") or "The email could not be delivered."
    return ReportRow(report, state, label, STATE_BADGES.get(state, ""), failure)


def period_words(report: StatusReport) -> str:
    """Return "Saturday 14 November to Friday 20 November" (or the job report's day)."""
    if report.period_start is None or report.period_end is None:
        return ""
    if report.period_start == report.period_end:
        return day_words(report.period_end)
    return f"{day_words(report.period_start)} to {day_words(report.period_end)}"


def _due_sentence(item: DueReport) -> str:
    span = f"{day_words(item.period_start)} to {day_words(item.period_end)}"
    if item.period_start == item.period_end:
        span = day_words(item.period_end)
    return f"{item.client_name}: the report for {span}"


# The list --------------------------------------------------------------------------------------


def _filtered(reports: QuerySet[StatusReport], q: str, kind: str) -> QuerySet[StatusReport]:
    if q:
        reports = reports.filter(client__name__icontains=q)
    if kind:
        reports = reports.filter(kind=kind)
    return reports


def _in_state(reports: QuerySet[StatusReport], state: str) -> QuerySet[StatusReport]:
    outbox_failed = Q(state=ReportState.SENDING, outbound__state=MessageState.FAILED)
    if state == ReportState.FAILED:
        return reports.filter(Q(state=ReportState.FAILED) | outbox_failed)
    if state == ReportState.SENDING:
        return reports.filter(state=ReportState.SENDING).exclude(outbox_failed)
    return reports.filter(state=state)


@member_required
@require_GET
def report_list(request: MemberRequest) -> HttpResponse:
    """List reports: due and overdue first, then failed, drafts, scheduled and recently sent."""
    membership = request.membership
    form = ReportFilterForm(request.GET)
    form.is_valid()
    q = form.chosen("q").strip()
    state = form.chosen("state")
    kind = form.chosen("kind")
    now = timezone.now()
    reports = _filtered(
        StatusReport.objects.filter(workspace_id=membership.workspace_id).select_related(
            "client", "outbound", "created_by", "reviewed_by"
        ),
        q,
        kind,
    )
    context: dict[str, Any] = {
        "nav": "reports",
        "form": form,
        "filtered": bool(q or state or kind),
        "state": state,
        "state_label": ReportState(state).label if state else "",
        "page_obj": None,
    }
    if state:
        page = Paginator(
            _in_state(reports, state).order_by("-updated_at", "-pk"), REPORTS_PER_PAGE
        ).get_page(request.GET.get("page"))
        context.update(page_obj=page, rows=[report_row(r) for r in page.object_list])
    else:
        client_ids = None
        if q:
            client_ids = list(
                Client.objects.filter(
                    workspace_id=membership.workspace_id, name__icontains=q
                ).values_list("pk", flat=True)
            )
        due = (
            reports_due(workspace_id=membership.workspace_id, now=now, client_ids=client_ids)
            if kind in ("", ReportKind.STATUS)
            else []
        )
        due.sort(key=lambda item: (not item.overdue, item.due_at, item.client_name.lower()))
        due_ids = {item.report_id for item in due if item.report_id}
        open_rows = [
            report_row(r)
            for r in reports.filter(
                state__in=(
                    ReportState.DRAFT,
                    ReportState.SCHEDULED,
                    ReportState.FAILED,
                    ReportState.SENDING,
                )
            ).order_by("scheduled_for", "-created_at", "-pk")[:OPEN_LIMIT]
        ]
        sent_rows = [
            report_row(r)
            for r in reports.filter(state=ReportState.SENT).order_by("-sent_at", "-pk")[
                :RECENTLY_SENT
            ]
        ]
        sending = [row for row in open_rows if row.state in (ReportState.SENDING, ReportState.SENT)]
        context.update(
            due=[{"item": item, "sentence": _due_sentence(item)} for item in due],
            failed=[row for row in open_rows if row.state == ReportState.FAILED],
            drafts=[
                row
                for row in open_rows
                if row.state == ReportState.DRAFT and row.report.pk not in due_ids
            ],
            scheduled=[row for row in open_rows if row.state == ReportState.SCHEDULED],
            sent=sending + sent_rows,
        )
        context["nothing"] = not any(
            context[key] for key in ("due", "failed", "drafts", "scheduled", "sent")
        )
    template = "reports/_report_results.html" if request.htmx else "reports/report_list.html"
    return render(request, template, context)


# The review screen -----------------------------------------------------------------------------


def _review_context(
    request: MemberRequest,
    report: StatusReport,
    *,
    form: ReportEditForm | None = None,
    schedule_form: ScheduleForm | None = None,
    check: PlainCheck | None = None,
    confirm: bool = False,
) -> dict[str, Any]:
    membership = request.membership
    body = form.data.get("body_markdown", report.body_markdown) if form and form.is_bound else None
    text = report.body_markdown if body is None else str(body)
    if form is None:
        form = ReportEditForm(
            initial={"subject": report.subject, "body_markdown": report.body_markdown}
        )
    if schedule_form is None:
        zone = member_zone(membership.user, membership.workspace)
        tomorrow = timezone.localtime(timezone.now(), zone) + dt.timedelta(days=1)
        schedule_form = ScheduleForm(
            initial={"scheduled_for": tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)}
        )
    row = report_row(report)
    return {
        "nav": "reports",
        "report": report,
        "row": row,
        "client": report.client,
        "form": form,
        "schedule_form": schedule_form,
        "check": check or services.report_check(report, text),
        "highlighted": text,
        "preview_html": markdown_to_html(text),
        "recipients": recipients_of(report.client),
        "period": period_words(report),
        "editable": report.is_editable and membership.can_write,
        "confirm": confirm,
        "glossary_url": reverse("plain_language_settings") if membership.can_manage else "",
    }


def _review(
    request: MemberRequest, report: StatusReport, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "reports/report_review.html",
        _review_context(request, report, **extra),
        status=status,
    )


def _apply_edits(
    request: MemberRequest, report: StatusReport
) -> tuple[StatusReport, ReportEditForm]:
    """Save what the review form posted (if it changed); errors stay on the form."""
    form = ReportEditForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_update(
                membership=request.membership,
                report=report,
                subject=form.cleaned_data["subject"],
                body_markdown=form.cleaned_data["body_markdown"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    return report, form


@member_required
@require_http_methods(["GET", "POST"])
def report_review(request: MemberRequest, report_id: int) -> HttpResponse:
    """Show a report to review: its text with the plain-language check; save edits on POST."""
    membership = request.membership
    report = get_report_for_member(membership, report_id, write=request.method == "POST")
    report = sending.report_refresh_delivery(report)
    if request.method == "GET":
        return _review(request, report)
    report, form = _apply_edits(request, report)
    if form.errors:
        return _review(request, report, status=400, form=form)
    messages.success(request, "Draft saved.")
    return redirect("report_review", report.pk)


@member_required
@require_POST
def report_preview(request: MemberRequest, report_id: int) -> HttpResponse:
    """Show the email as the client will read it, from the text in the review form."""
    report = get_report_for_member(request.membership, report_id)
    text = request.POST.get("body_markdown", report.body_markdown)
    context = {"report": report, "preview_html": markdown_to_html(text)}
    if request.htmx:
        return render(request, "reports/_preview.html", context)
    return redirect("report_review", report.pk)


@member_required
@require_POST
def report_send(request: MemberRequest, report_id: int) -> HttpResponse:
    """Send a report now (saving the text on screen first); below target, ask to confirm."""
    membership = request.membership
    report = sending.report_refresh_delivery(
        get_report_for_member(membership, report_id, write=True)
    )
    if "body_markdown" in request.POST:
        report, form = _apply_edits(request, report)
        if form.errors:
            return _review(request, report, status=400, form=form)
    else:
        form = None
    confirm = request.POST.get("confirm_below_target") in ("1", "true", "on")
    try:
        report = sending.report_send(
            membership=membership, report=report, confirm_below_target=confirm
        )
    except ValidationError as error:
        return _refused(request, report, form, error)
    sent_to = ", ".join(p.name for p in recipients_of(report.client))
    note = (
        " It was below the plain-language target; that is recorded."
        if report.sent_below_target
        else ""
    )
    messages.success(request, f"Report sent to {sent_to}.{note}")
    return redirect("report_review", report.pk)


def _refused(
    request: MemberRequest,
    report: StatusReport,
    form: ReportEditForm | None,
    error: ValidationError,
    schedule_form: ScheduleForm | None = None,
) -> HttpResponse:
    """Show the review page again with the reason; below target, with the confirmation step."""
    report.refresh_from_db()
    below = hasattr(error, "error_dict") and "confirm_below_target" in error.error_dict
    if form is None or not form.is_bound:
        form = ReportEditForm({"subject": report.subject, "body_markdown": report.body_markdown})
        form.is_valid()
    if not below:
        add_service_errors(form, error)
    return _review(
        request, report, status=400, form=form, schedule_form=schedule_form, confirm=below
    )


@member_required
@require_POST
def report_schedule(request: MemberRequest, report_id: int) -> HttpResponse:
    """Schedule a reviewed report for later (saving the text on screen first)."""
    membership = request.membership
    report = get_report_for_member(membership, report_id, write=True)
    form = None
    if "body_markdown" in request.POST:
        report, form = _apply_edits(request, report)
        if form.errors:
            return _review(request, report, status=400, form=form)
    schedule_form = ScheduleForm(request.POST)
    if not schedule_form.is_valid():
        return _review(request, report, status=400, form=form, schedule_form=schedule_form)
    confirm = request.POST.get("confirm_below_target") in ("1", "true", "on")
    at = schedule_form.cleaned_data["scheduled_for"]
    try:
        report = sending.report_schedule(
            membership=membership, report=report, at=at, confirm_below_target=confirm
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "scheduled_for" in error.error_dict:
            add_service_errors(schedule_form, error)
            return _review(request, report, status=400, form=form, schedule_form=schedule_form)
        return _refused(request, report, form, error, schedule_form)
    zone = member_zone(membership.user, membership.workspace)
    when = timezone.localtime(at, zone)
    messages.success(request, f"Scheduled for {day_words(when.date())} at {when:%H:%M}.")
    return redirect("report_review", report.pk)


def _act(request: MemberRequest, report_id: int, action: Any, done: str) -> HttpResponse:
    membership = request.membership
    report = get_report_for_member(membership, report_id, write=True)
    try:
        action(membership=membership, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("report_review", report.pk)


@member_required
@require_POST
def report_unschedule(request: MemberRequest, report_id: int) -> HttpResponse:
    """Take a report off the schedule."""
    return _act(
        request,
        report_id,
        sending.report_unschedule,
        "Taken off the schedule; it is a draft again.",
    )


@member_required
@require_POST
def report_rebuild(request: MemberRequest, report_id: int) -> HttpResponse:
    """Assemble a status report's draft afresh from the period's records."""
    return _act(
        request, report_id, services.report_rebuild, "Draft rebuilt from the latest records."
    )


@member_required
@require_POST
def report_discard(request: MemberRequest, report_id: int) -> HttpResponse:
    """Throw away an unsent job report."""
    membership = request.membership
    report = get_report_for_member(membership, report_id, write=True)
    client = report.client
    try:
        services.report_discard(membership=membership, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("report_review", report.pk)
    messages.success(request, "Job report thrown away.")
    return redirect(reverse("client_detail", args=[client.pk]) + "#reports")


# Starting reports from the client page ---------------------------------------------------------


@member_required
@require_POST
def report_start(request: MemberRequest, client_id: int) -> HttpResponse:
    """Open the draft of the client's owed (or current) status report, drafting it if needed."""
    membership = request.membership
    client = get_client_for_member(membership, client_id, write=True)
    try:
        report = services.report_start(membership=membership, client=client)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("client_detail", args=[client.pk]) + "#reports")
    return redirect("report_review", report.pk)


@member_required
@require_http_methods(["GET", "POST"])
def job_report_new(request: MemberRequest, client_id: int) -> HttpResponse:
    """Write a job report: what was wrong, what we did, what is needed next."""
    membership = request.membership
    client = get_client_for_member(membership, client_id)
    require_write(membership)
    form = JobReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.job_report_create(
                membership=membership,
                client=client,
                wrong=form.cleaned_data["wrong_md"],
                did=form.cleaned_data["did_md"],
                needed=form.cleaned_data["needed_md"],
                recommendations=form.recommendations(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Job report drafted. Read it through, then send it.")
            return redirect("report_review", report.pk)
    return render(
        request,
        "reports/job_report_form.html",
        {"nav": "clients", "client": client, "form": form},
        status=400 if form.errors else 200,
    )


def reports_context(request: MemberRequest, client: Client) -> dict[str, Any]:
    """Return what the client page's Reports panel needs, in a fixed number of queries."""
    membership = request.membership
    now = timezone.now()
    schedule = services.client_schedule(client)
    due = reports_due(workspace_id=membership.workspace_id, now=now, client_ids=[client.pk])
    recent = list(
        StatusReport.objects.filter(client=client)
        .select_related("outbound")
        .order_by("-created_at", "-pk")[:20]
    )
    rows = [report_row(r) for r in recent]
    last_sent = next((row for row in rows if row.state == ReportState.SENT), None)
    open_rows = [
        row
        for row in rows
        if row.state in (ReportState.DRAFT, ReportState.SCHEDULED, ReportState.FAILED)
    ]
    next_due = None
    if schedule is not None:
        next_due = timezone.localtime(period_containing(schedule, now).due_at, schedule.zone)
    return {
        "reports_client": client,
        "reports_schedule": schedule,
        "reports_due": due[0] if due else None,
        "reports_next_due": next_due,
        "reports_last_sent": last_sent,
        "reports_open": open_rows[:5],
        "reports_recipients": recipients_of(client),
        "reports_can_write": membership.can_write,
    }


# Settings --------------------------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def report_settings(request: MemberRequest) -> HttpResponse:
    """Let owners and managers set the workspace's report defaults and grace period."""
    membership = request.membership
    require_manage(membership)
    current = report_settings_or_defaults(membership.workspace)
    form = ReportSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=ReportSettingsForm.initial_from(current),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_settings_update(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Report settings saved.")
            return redirect("report_settings")
    return render(
        request,
        "reports/report_settings.html",
        {"nav": "reports", "form": form},
        status=400 if form.errors else 200,
    )
