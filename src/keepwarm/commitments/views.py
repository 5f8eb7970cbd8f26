"""The promise ledger on the client page: add, keep, break, renegotiate and reopen promises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods, require_POST

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.accounts.models import User
from keepwarm.accounts.selectors import member_zone, team_members
from keepwarm.clients.access import get_client_for_member
from keepwarm.clients.models import Client, Goal, GoalStatus
from keepwarm.commitments import services
from keepwarm.commitments.access import get_commitment_for_member
from keepwarm.commitments.forms import MARKS, PromiseForm, RenegotiateForm
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.forms import add_service_errors
from keepwarm.interactions.views import (
    client_contacts,
    client_page_url,
    toast_response,
)

RECENTLY_CLOSED = 10

STATUS_BADGES: dict[str, str] = {
    CommitmentStatus.KEPT: "badge-ok",
    CommitmentStatus.LATE: "badge-due",
    CommitmentStatus.BROKEN: "badge-overdue",
    CommitmentStatus.RENEGOTIATED: "",
}


@dataclass
class PromiseRow:
    """One promise as the ledger shows it: its state in words and the badge that goes with it."""

    commitment: Commitment
    state: str
    badge: str
    due_label: str
    renegotiate_form: RenegotiateForm | None = None
    renegotiate_open: bool = False


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def due_words(due_on: dt.date, today: dt.date) -> tuple[str, str]:
    """Return an open promise's due state in words and its badge class."""
    days = (due_on - today).days
    if days < 0:
        return f"overdue {_days(-days)}", "badge-overdue"
    if days == 0:
        return "due today", "badge-due"
    if days == 1:
        return "due tomorrow", "badge-due"
    return f"due in {days} days", ""


def day_label(day: dt.date, today: dt.date) -> str:
    """Return a short date ("Tue 3 Jun"), with the year when it is not this year's."""
    return dateformat.format(day, "D j M" if day.year == today.year else "D j M Y")


def closed_words(commitment: Commitment, zone: dt.tzinfo) -> str:
    """Return how a closed promise ended, with the day when we know it."""
    label = commitment.get_status_display()
    when = commitment.done_at or commitment.updated_at
    if when is None:
        return label
    day = timezone.localtime(when, zone).date()
    return f"{label} on {dateformat.format(day, 'j M Y')}"


def _row(
    request: MemberRequest, commitment: Commitment, today: dt.date, zone: dt.tzinfo
) -> PromiseRow:
    due_label = day_label(commitment.due_on, today)
    if commitment.status != CommitmentStatus.OPEN:
        badge = STATUS_BADGES.get(commitment.status, "")
        return PromiseRow(commitment, closed_words(commitment, zone), badge, due_label)
    state, badge = due_words(commitment.due_on, today)
    form = None
    if request.membership.can_write:
        form = RenegotiateForm(
            commitment=commitment, initial={"due_on": max(today, commitment.due_on)}
        )
    return PromiseRow(commitment, state, badge, due_label, renegotiate_form=form)


def _writers(request: MemberRequest) -> list[User]:
    return [m.user for m in team_members(request.membership.workspace) if m.can_write]


def _goals(client: Client, keep: Goal | None = None) -> list[Goal]:
    # client.goals.all() reuses the client page's prefetch when there is one.
    return [g for g in client.goals.all() if g.status == GoalStatus.ACTIVE or g == keep]


def _promise_form(
    request: MemberRequest, client: Client, data: QueryDict | None = None
) -> PromiseForm:
    return PromiseForm(
        data,
        contacts=client_contacts(client),
        members=_writers(request),
        goals=_goals(client),
        me=request.user,
    )


def promises_context(
    request: MemberRequest,
    client: Client,
    *,
    form: PromiseForm | None = None,
    renegotiating: tuple[int, RenegotiateForm] | None = None,
) -> dict[str, Any]:
    """Return what `commitments/_promises.html` needs, in a fixed number of queries."""
    zone = member_zone(request.user, request.membership.workspace)
    today = timezone.localdate(timezone=zone)
    rows = Commitment.objects.filter(client=client).select_related(
        "owner", "promised_to", "goal", "renegotiated_from"
    )
    open_rows = [
        _row(request, c, today, zone)
        for c in rows.filter(status=CommitmentStatus.OPEN).order_by("due_on", "pk")
    ]
    closed_rows = [
        _row(request, c, today, zone)
        for c in rows.exclude(status=CommitmentStatus.OPEN).order_by("-updated_at", "-pk")[
            :RECENTLY_CLOSED
        ]
    ]
    if renegotiating is not None:
        for row in open_rows:
            if row.commitment.pk == renegotiating[0]:
                row.renegotiate_form = renegotiating[1]
                row.renegotiate_open = True
    can_write = request.membership.can_write
    if can_write and form is None:
        form = _promise_form(request, client)
    return {
        "promises_client": client,
        "promises_open": open_rows,
        "promises_closed": closed_rows,
        "promises_overdue": sum(1 for r in open_rows if r.badge == "badge-overdue"),
        "promises_can_write": can_write,
        "promise_form": form if can_write else None,
    }


def _render_promises(request: MemberRequest, client: Client, **kwargs: Any) -> HttpResponse:
    # htmx swaps the inside of #promises, so the section (and its heading) stays where it is.
    return render(
        request, "commitments/_promises_inner.html", promises_context(request, client, **kwargs)
    )


def _done(request: MemberRequest, client: Client, message: str) -> HttpResponse:
    if request.htmx:
        return toast_response(_render_promises(request, client), message)
    messages.success(request, message)
    return HttpResponseRedirect(client_page_url(client, "promises"))


def _refused(request: MemberRequest, client: Client, error: ValidationError) -> HttpResponse:
    text = " ".join(error.messages)
    if request.htmx:
        return toast_response(_render_promises(request, client), text)
    messages.error(request, text)
    return HttpResponseRedirect(client_page_url(client, "promises"))


@require_http_methods(["GET", "POST"])
@member_required
def commitment_create(request: MemberRequest, client_id: int) -> HttpResponse:
    """Record a promise made to a client."""
    client = get_client_for_member(request.membership, client_id, write=True)
    if request.method == "POST":
        form = _promise_form(request, client, request.POST)
        if form.is_valid():
            try:
                services.commitment_create(
                    membership=request.membership, client=client, **form.service_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _done(request, client, "Promise added.")
        if request.htmx:
            return _render_promises(request, client, form=form)
    else:
        form = _promise_form(request, client)
    return render(
        request,
        "commitments/commitment_new.html",
        {"client": client, "promise_form": form, "nav": "clients"},
    )


@require_http_methods(["GET", "POST"])
@member_required
def commitment_edit(request: MemberRequest, commitment_id: int) -> HttpResponse:
    """Change what was promised, to whom, or by when."""
    commitment = get_commitment_for_member(request.membership, commitment_id, write=True)
    client = commitment.client
    choices: dict[str, Any] = {
        "contacts": client_contacts(client),
        "members": _writers(request),
        "goals": _goals(client, keep=commitment.goal),
        "me": request.user,
    }
    if commitment.owner is not None and commitment.owner not in choices["members"]:
        choices["members"].append(commitment.owner)
    if request.method == "POST":
        form = PromiseForm(request.POST, auto_id="edit-%s", **choices)
        if form.is_valid():
            try:
                services.commitment_update(
                    membership=request.membership, commitment=commitment, **form.service_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Promise updated.")
                return HttpResponseRedirect(client_page_url(client, "promises"))
    else:
        form = PromiseForm.for_commitment(commitment, **choices)
    return render(
        request,
        "commitments/commitment_edit.html",
        {"client": client, "commitment": commitment, "form": form, "nav": "clients"},
    )


@require_http_methods(["GET", "POST"])
@member_required
def commitment_delete(request: MemberRequest, commitment_id: int) -> HttpResponse:
    """Confirm, then delete a promise recorded by mistake."""
    commitment = get_commitment_for_member(request.membership, commitment_id, write=True)
    client = commitment.client
    if request.method == "POST":
        services.commitment_delete(membership=request.membership, commitment=commitment)
        return _done(request, client, "Promise deleted.")
    return render(
        request,
        "commitments/commitment_delete.html",
        {"client": client, "commitment": commitment, "nav": "clients"},
    )


@require_POST
@member_required
def commitment_mark(request: MemberRequest, commitment_id: int) -> HttpResponse:
    """Close a promise as kept, kept late or broken, in one click."""
    commitment = get_commitment_for_member(request.membership, commitment_id, write=True)
    client = commitment.client
    status = request.POST.get("status", "")
    try:
        services.commitment_mark(
            membership=request.membership, commitment=commitment, status=status
        )
    except ValidationError as error:
        return _refused(request, client, error)
    return _done(request, client, MARKS[status])


@require_POST
@member_required
def commitment_reopen(request: MemberRequest, commitment_id: int) -> HttpResponse:
    """Undo a kept, late or broken mark."""
    commitment = get_commitment_for_member(request.membership, commitment_id, write=True)
    client = commitment.client
    try:
        services.commitment_reopen(membership=request.membership, commitment=commitment)
    except ValidationError as error:
        return _refused(request, client, error)
    return _done(request, client, "Promise reopened.")


@require_http_methods(["GET", "POST"])
@member_required
def commitment_renegotiate(request: MemberRequest, commitment_id: int) -> HttpResponse:
    """Agree a new date for an open promise."""
    commitment = get_commitment_for_member(request.membership, commitment_id, write=True)
    client = commitment.client
    if request.method == "POST":
        form = RenegotiateForm(request.POST, commitment=commitment)
        if form.is_valid():
            try:
                replacement = services.commitment_renegotiate(
                    membership=request.membership,
                    commitment=commitment,
                    due_on=form.cleaned_data["due_on"],
                    what=form.cleaned_data["what"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                day = dateformat.format(replacement.due_on, "j M Y")
                return _done(request, client, f"New date agreed: due {day}.")
        if request.htmx:
            return _render_promises(request, client, renegotiating=(commitment.pk, form))
    else:
        today = timezone.localdate()
        form = RenegotiateForm(
            commitment=commitment, initial={"due_on": max(today, commitment.due_on)}
        )
    return render(
        request,
        "commitments/commitment_renegotiate.html",
        {"client": client, "commitment": commitment, "form": form, "nav": "clients"},
    )
