"""What one client may see on their portal, and nothing of anyone else's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import dateformat, timezone

from keepwarm.clients.models import Client, Goal, GoalStatus
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.feedback.selectors import token_hash
from keepwarm.portal.models import Concern, GoalComment, PortalToken, ReportRead
from keepwarm.reports.models import ReportState, StatusReport


def portal_link_by_secret(secret: str, now: dt.datetime | None = None) -> PortalToken | None:
    """Return the usable portal link with this secret, or None (wrong, revoked or expired)."""
    if not secret or len(secret) > 100:
        return None
    link = (
        PortalToken.objects.select_related("client", "workspace")
        .filter(token_hash=token_hash(secret))
        .first()
    )
    return link if link is not None and link.is_usable(now) else None


def portal_link_by_id(link_id: object, now: dt.datetime | None = None) -> PortalToken | None:
    """Return the usable portal link with this id (from the signed cookie), or None."""
    try:
        pk = int(str(link_id))
    except ValueError:
        return None
    link = PortalToken.objects.select_related("client", "workspace").filter(pk=pk).first()
    return link if link is not None and link.is_usable(now) else None


def active_link(client: Client) -> PortalToken | None:
    """Return the client's current portal link (not revoked), if any."""
    return (
        PortalToken.objects.filter(client=client, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def sent_reports(client: Client) -> list[StatusReport]:
    """Return the reports sent to the client, newest first, each with `read_at` (or None)."""
    reports = list(
        StatusReport.objects.filter(client=client, state=ReportState.SENT)
        .select_related("portal_read")
        .order_by("-sent_at", "-pk")
    )
    for report in reports:
        read = getattr(report, "portal_read", None)
        report.read_at = read.read_at if read else None  # type: ignore[attr-defined]
    return reports


def sent_report(client: Client, report_id: int) -> StatusReport | None:
    """Return one report sent to this client, or None for anything else."""
    return StatusReport.objects.filter(client=client, pk=report_id, state=ReportState.SENT).first()


def reads_by_report(report_ids: list[int]) -> dict[int, dt.datetime]:
    """Return when the client first read each of these reports on the portal."""
    return dict(
        ReportRead.objects.filter(report_id__in=report_ids).values_list("report_id", "read_at")
    )


@dataclass
class PortalPromise:
    what: str
    due_on: dt.date
    state: str
    overdue_days: int


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def client_promises(client: Client, today: dt.date) -> list[PortalPromise]:
    """Return the promises made to the client, in plain words: open first by due date."""
    rows = Commitment.objects.filter(client=client).exclude(status=CommitmentStatus.RENEGOTIATED)
    open_rows: list[PortalPromise] = []
    closed: list[tuple[dt.datetime | None, PortalPromise]] = []
    for c in rows.order_by("due_on", "pk"):
        if c.status == CommitmentStatus.OPEN:
            late = (today - c.due_on).days
            state = (
                f"Late: it was due {_days(late)} ago and is not done yet"
                if late > 0
                else "Due today"
                if late == 0
                else "Open"
            )
            open_rows.append(PortalPromise(c.what, c.due_on, state, max(0, late)))
        else:
            done = c.done_at and timezone.localtime(c.done_at).date()
            if c.status == CommitmentStatus.KEPT:
                state = "Kept" + (f" on {dateformat.format(done, 'j F Y')}" if done else "")
            elif c.status == CommitmentStatus.LATE:
                state = "Kept late" + (f", on {dateformat.format(done, 'j F Y')}" if done else "")
            else:
                state = "Not kept"
            closed.append((c.done_at, PortalPromise(c.what, c.due_on, state, 0)))
    closed.sort(key=lambda pair: (pair[1].due_on,), reverse=True)
    return open_rows + [p for _, p in closed]


@dataclass
class PortalGoal:
    goal: Goal
    comments: list[GoalComment] = field(default_factory=list)


def client_goals(client: Client) -> list[PortalGoal]:
    """Return the client's active goals with what they said about each, in two queries."""
    goals = [
        PortalGoal(g)
        for g in Goal.objects.filter(client=client, status=GoalStatus.ACTIVE).order_by(
            "priority", "created_at"
        )
    ]
    by_goal = {g.goal.pk: g for g in goals}
    for comment in (
        GoalComment.objects.filter(client=client, goal_id__in=by_goal)
        .select_related("interaction")
        .order_by("created_at")
    ):
        by_goal[comment.goal_id].comments.append(comment)
    return goals


def client_concerns(client: Client) -> list[Concern]:
    """Return the concerns the client raised, newest first, with their reply state."""
    return list(
        Concern.objects.filter(client=client).select_related("interaction").order_by("-created_at")
    )
