"""JSON API for reports: list, read, draft, edit, schedule and send them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from keepwarm.clients.access import get_client_for_member
from keepwarm.lib.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    AwareDateTime,
    Id,
    InSchema,
    IsoDate,
    PageIn,
    PageOut,
    PatchSchema,
    Text,
    member,
    paginate,
    unset,
)
from keepwarm.messaging.models import MessageState
from keepwarm.reports import sending, services
from keepwarm.reports.access import get_report_for_member
from keepwarm.reports.models import ReportKind, ReportState, StatusReport
from keepwarm.reports.selectors import report_is_failed
from keepwarm.web.api import PlainLanguageOut

router = Router(tags=["reports"])

Markdown = Annotated[Text, Field(max_length=50_000)]


class RecommendationOut(Schema):
    what: str
    due_on: dt.date
    commitment_id: int | None = Field(
        None, description="The promise it became when the report was sent."
    )


class ReportOut(Schema):
    id: int
    client_id: int
    kind: ReportKind
    cadence: str = Field(
        description="daily, weekly, fortnightly or monthly; empty for job reports."
    )
    period_start: dt.date | None = Field(description="First day the report covers (status only).")
    period_end: dt.date | None = Field(description="The day it falls due (status only).")
    due_at: dt.datetime | None
    subject: str
    body_markdown: str = Field(description="The whole email as the client reads it, Markdown.")
    done_md: str
    problems_md: str
    next_md: str
    questions_md: str
    wrong_md: str
    did_md: str
    needed_md: str
    recommendations: list[RecommendationOut]
    is_no_change: bool
    has_problems: bool
    state: ReportState = Field(
        description="failed as soon as the outbox gives up on the email, even before the "
        "report's own record catches up."
    )
    failure: str = Field(description="Why the email could not be delivered, when it failed.")
    scheduled_for: dt.datetime | None
    sent_at: dt.datetime | None
    message_id: str = Field(description="The email's Message-ID; replies thread back to it.")
    interaction_id: int | None = Field(description="Its entry on the client's timeline.")
    reading_ease: float | None = Field(description="Reading ease when it was sent.")
    sent_below_target: bool
    created_by_id: int | None
    reviewed_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_state(obj: StatusReport) -> str:
        if report_is_failed(obj):
            return ReportState.FAILED
        outbound = obj.outbound if obj.outbound_id else None
        if obj.state == ReportState.SENDING and outbound and outbound.state == MessageState.SENT:
            return ReportState.SENT
        return obj.state

    @staticmethod
    def resolve_failure(obj: StatusReport) -> str:
        if not report_is_failed(obj):
            return ""
        outbound = obj.outbound if obj.outbound_id else None
        return (outbound.last_error if outbound else "") or "The email could not be delivered."


class ReportDetailOut(ReportOut):
    plain_language: PlainLanguageOut = Field(
        description="How plainly the body reads against the client's target."
    )


class ReportPageOut(PageOut):
    results: list[ReportOut]


class RecommendationIn(InSchema):
    what: Text = Field(min_length=1, max_length=300)
    due_on: IsoDate


class ReportIn(InSchema):
    client_id: Id
    kind: ReportKind = Field(
        ReportKind.STATUS,
        description="status: the report owed now, or the one under way (returns the existing "
        "draft if there is one). job: a job report from the three parts.",
    )
    wrong_md: Markdown = Field("", description="Job report: what was wrong.")
    did_md: Markdown = Field("", description="Job report: what we did.")
    needed_md: Markdown = Field("", description="Job report: what is needed next.")
    recommendations: list[RecommendationIn] = Field(
        default_factory=list,
        max_length=10,
        description="Job report: dates we recommend; each becomes a promise when it is sent.",
    )


class ReportPatch(PatchSchema):
    subject: Annotated[Text, Field(min_length=1, max_length=300)] = unset()
    body_markdown: Annotated[Markdown, Field(min_length=1)] = unset()
    done_md: Markdown = unset()
    problems_md: Markdown = unset()
    next_md: Markdown = unset()
    questions_md: Markdown = unset()
    wrong_md: Markdown = unset()
    did_md: Markdown = unset()
    needed_md: Markdown = unset()
    recommendations: Annotated[list[RecommendationIn], Field(max_length=10)] = unset()


class SendIn(InSchema):
    confirm_below_target: StrictBool = Field(
        False,
        description="Send even though it reads below the client's plain-language target "
        "(recorded on the report).",
    )


class ScheduleIn(SendIn):
    at: AwareDateTime = Field(description="When to send it, with a time zone offset.")


class ReportFilters(PageIn):
    client_id: int | None = None
    state: ReportState | None = None
    kind: ReportKind | None = None


def _detail(report: StatusReport) -> StatusReport:
    report.plain_language = services.report_check(report)  # type: ignore[attr-defined]
    return report


def _fresh(report: StatusReport) -> StatusReport:
    return StatusReport.objects.select_related("client", "workspace", "outbound").get(pk=report.pk)


@router.get("", response={200: ReportPageOut, **READ_ERRORS})
def report_list(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    """List reports, newest first."""
    membership = member(request)
    queryset = StatusReport.objects.filter(workspace_id=membership.workspace_id).select_related(
        "outbound"
    )
    if filters.client_id is not None:
        queryset = queryset.filter(client=get_client_for_member(membership, filters.client_id))
    if filters.kind is not None:
        queryset = queryset.filter(kind=filters.kind)
    if filters.state is not None:
        failed = Q(state=ReportState.SENDING, outbound__state=MessageState.FAILED)
        if filters.state == ReportState.FAILED:
            queryset = queryset.filter(Q(state=ReportState.FAILED) | failed)
        else:
            queryset = queryset.filter(state=filters.state).exclude(failed)
    return paginate(request, queryset.order_by("-created_at", "-pk"), filters)


@router.post("", response={201: ReportDetailOut, **WRITE_ERRORS})
def report_create(request: HttpRequest, payload: ReportIn) -> Status[StatusReport]:
    """Draft a report: a client's status report for now, or a job report."""
    membership = member(request)
    client = get_client_for_member(membership, payload.client_id, write=True)
    if payload.kind == ReportKind.JOB:
        report = services.job_report_create(
            membership=membership,
            client=client,
            wrong=payload.wrong_md,
            did=payload.did_md,
            needed=payload.needed_md,
            recommendations=[item.model_dump() for item in payload.recommendations],
        )
    else:
        if payload.wrong_md or payload.did_md or payload.needed_md or payload.recommendations:
            raise ValidationError({"kind": "Only a job report has these parts."})
        report = services.report_start(membership=membership, client=client)
    return Status(201, _detail(_fresh(report)))


@router.get("/{report_id}", response={200: ReportDetailOut, **READ_ERRORS})
def report_read(request: HttpRequest, report_id: int) -> StatusReport:
    """Return one report, with the plain-language check of its text."""
    return _detail(get_report_for_member(member(request), report_id))


@router.patch("/{report_id}", response={200: ReportDetailOut, **WRITE_ERRORS})
def report_update(request: HttpRequest, report_id: int, payload: ReportPatch) -> StatusReport:
    """Change a report's text before it is sent (a section rebuilds the body from sections)."""
    membership = member(request)
    report = get_report_for_member(membership, report_id, write=True)
    data = payload.model_dump(exclude_unset=True)
    report = services.report_update(membership=membership, report=report, **data)
    return _detail(_fresh(report))


@router.post("/{report_id}/send", response={200: ReportDetailOut, **WRITE_ERRORS})
def report_send(request: HttpRequest, report_id: int, payload: SendIn) -> StatusReport:
    """Send a report now, once. Below the client's target it needs `confirm_below_target`."""
    membership = member(request)
    report = sending.report_refresh_delivery(
        get_report_for_member(membership, report_id, write=True)
    )
    report = sending.report_send(
        membership=membership, report=report, confirm_below_target=payload.confirm_below_target
    )
    return _detail(_fresh(report))


@router.post("/{report_id}/schedule", response={200: ReportDetailOut, **WRITE_ERRORS})
def report_schedule(request: HttpRequest, report_id: int, payload: ScheduleIn) -> StatusReport:
    """Schedule a report to be sent at a given moment (checked now, as it will go)."""
    membership = member(request)
    report = get_report_for_member(membership, report_id, write=True)
    report = sending.report_schedule(
        membership=membership,
        report=report,
        at=payload.at,
        confirm_below_target=payload.confirm_below_target,
    )
    return _detail(_fresh(report))
