"""Today: the member's agenda, and the one-click actions on its items."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from keepwarm.accounts.access import require_write
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.accounts.selectors import member_zone
from keepwarm.agenda import services
from keepwarm.agenda.forms import MINE, TEAM, AgendaFilterForm, SnoozeForm
from keepwarm.agenda.forms import snooze_choices as quick_snoozes
from keepwarm.agenda.selectors import agenda_for, find_item, key_client_id
from keepwarm.agenda.types import KINDS
from keepwarm.agenda.words import day_words
from keepwarm.clients.models import Client
from keepwarm.commitments import services as promises
from keepwarm.commitments.access import get_commitment_for_member
from keepwarm.commitments.forms import MARKS, RenegotiateForm
from keepwarm.interactions.views import toast_response

ITEMS_PER_PAGE = 50
# The filters every action carries back, so the list it answers with is the one on screen.
FILTER_FIELDS = ("who", "kind", "client", "page")

DONE_MESSAGES = {
    "reply": "Marked answered.",
    "check_in": "Check-in marked done. Log the call or email on their timeline so their "
    "trust score counts it too.",
}


def _filters_of(data: QueryDict) -> dict[str, str]:
    return {name: str(data[name]) for name in FILTER_FIELDS if data.get(name)}


def _today_url(filters: dict[str, str]) -> str:
    query = urlencode(filters)
    return reverse("today") + (f"?{query}" if query else "")


def _agenda_context(request: MemberRequest, data: QueryDict) -> dict[str, Any]:
    """Return what the Today page and its list fragment need, for the filters in `data`."""
    membership = request.membership
    zone = member_zone(request.user, membership.workspace)
    today = timezone.localdate(timezone=zone)
    filters = AgendaFilterForm(data)
    mine, kind, client_id = filters.chosen()
    # One computation serves the list, the counts per kind and the client choices.
    everything = agenda_for(membership=membership, mine=mine)
    counts = Counter(item.kind for item in everything)
    clients = sorted(
        {(item.client_id, item.client_name) for item in everything},
        key=lambda pair: (pair[1].lower(), pair[0]),
    )
    if client_id is not None and all(pk != client_id for pk, _ in clients):
        client_id = None
    shown = [
        item
        for item in everything
        if (not kind or item.kind == kind) and (client_id is None or item.client_id == client_id)
    ]
    page = Paginator(shown, ITEMS_PER_PAGE).get_page(data.get("page"))
    form = AgendaFilterForm(
        initial={
            "who": MINE if mine else TEAM,
            "kind": kind,
            "client": str(client_id) if client_id else "",
        },
        counts=counts,
        clients=clients,
    )
    carried = {"who": MINE if mine else TEAM, "kind": kind, "client": str(client_id or "")}
    if page.number > 1:
        carried["page"] = str(page.number)
    return {
        "nav": "today",
        "today": today,
        "filter_form": form,
        "mine": mine,
        "kind_label": KINDS.get(kind, ""),
        "client_label": dict(clients).get(client_id, "") if client_id else "",
        "filtered": bool(kind or client_id),
        "page_obj": page,
        "items": list(page.object_list),
        "total": len(everything),
        # A workspace without clients gets a first step rather than "nothing needs you".
        "no_clients": not everything
        and not Client.objects.filter(workspace_id=membership.workspace_id).exists(),
        "shown": len(shown),
        "carried": {k: v for k, v in carried.items() if v},
        "snooze_choices": [(label, day, day.isoformat()) for label, day in quick_snoozes(today)],
        "min_snooze": (today + dt.timedelta(days=1)).isoformat(),
        "can_write": membership.can_write,
    }


def _render_list(request: MemberRequest, data: QueryDict) -> HttpResponse:
    return render(request, "agenda/_agenda.html", _agenda_context(request, data))


@require_GET
@member_required
def today(request: MemberRequest) -> HttpResponse:
    """Show what needs the member today, most urgent first, with why.

    Read-only: bands come from the trust snapshots the worker stores every hour
    (`trust.jobs.store_snapshots`), never recomputed here.
    """
    if request.htmx:
        return _render_list(request, request.GET)
    return render(request, "agenda/today.html", _agenda_context(request, request.GET))


def _answer(request: MemberRequest, message: str, *, error: bool = False) -> HttpResponse:
    """Answer an action: the list again with a toast (htmx), or back to Today with a flash."""
    if request.htmx:
        return toast_response(_render_list(request, request.POST), message)
    (messages.error if error else messages.success)(request, message)
    return HttpResponseRedirect(_today_url(_filters_of(request.POST)))


def _act(request: MemberRequest, item_key: str, action: Callable[[], str]) -> HttpResponse:
    """Run an action on an item: 404 for a key naming nothing here, 403 for a viewer, first."""
    key_client_id(request.membership, item_key)
    require_write(request.membership)
    try:
        message = action()
    except ValidationError as exc:
        return _answer(request, " ".join(exc.messages), error=True)
    return _answer(request, message)


@require_POST
@member_required
def agenda_item_done(request: MemberRequest, item_key: str) -> HttpResponse:
    """Mark an item done (a promise kept, a message answered, a check-in made)."""
    membership = request.membership

    def done() -> str:
        item = find_item(membership=membership, key=item_key)
        services.agenda_item_done(membership=membership, key=item_key)
        if item.kind == "promise":
            return "Promise marked kept late." if item.overdue else "Promise marked kept."
        return DONE_MESSAGES.get(item.kind, "Done.")

    return _act(request, item_key, done)


@require_POST
@member_required
def agenda_item_snooze(request: MemberRequest, item_key: str) -> HttpResponse:
    """Hide an item until a day."""
    membership = request.membership

    def snooze() -> str:
        form = SnoozeForm(request.POST)
        if not form.is_valid():
            raise ValidationError("Choose the day it should come back, such as tomorrow.")
        action = services.agenda_item_snooze(
            membership=membership,
            key=item_key,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
        )
        assert action.snooze_until is not None
        today = timezone.localdate()
        return f"Snoozed until {day_words(action.snooze_until, today)}."

    return _act(request, item_key, snooze)


@require_POST
@member_required
def agenda_item_dismiss(request: MemberRequest, item_key: str) -> HttpResponse:
    """Dismiss an item with a reason; it comes back only if its cause changes."""
    membership = request.membership

    def dismiss() -> str:
        reason = str(request.POST.get("reason", ""))
        services.agenda_item_dismiss(membership=membership, key=item_key, reason=reason)
        return "Dismissed. It comes back only if something changes."

    return _act(request, item_key, dismiss)


def _promise_of(request: MemberRequest, item_key: str) -> Any:
    """Return the open promise an item key names, or the same 404 as a missing one."""
    kind, _, pk = item_key.partition(":")
    if kind != "promise":
        pk = ""
    return get_commitment_for_member(request.membership, pk, write=True)


@require_POST
@member_required
def agenda_promise_mark(request: MemberRequest, item_key: str) -> HttpResponse:
    """Close a promise from Today as kept, kept late or broken, in one click."""
    commitment = _promise_of(request, item_key)
    status = request.POST.get("status", "")

    def mark() -> str:
        promises.commitment_mark(
            membership=request.membership, commitment=commitment, status=status
        )
        return MARKS[status]

    return _act(request, item_key, mark)


@require_POST
@member_required
def agenda_promise_renegotiate(request: MemberRequest, item_key: str) -> HttpResponse:
    """Agree a new date for a promise from Today."""
    commitment = _promise_of(request, item_key)

    def renegotiate() -> str:
        form = RenegotiateForm(request.POST, commitment=commitment)
        if not form.is_valid():
            raise ValidationError("Choose the new date you agreed with them.")
        replacement = promises.commitment_renegotiate(
            membership=request.membership,
            commitment=commitment,
            due_on=form.cleaned_data["due_on"],
            what=form.cleaned_data["what"],
        )
        return f"New date agreed: due {day_words(replacement.due_on, timezone.localdate())}."

    return _act(request, item_key, renegotiate)
