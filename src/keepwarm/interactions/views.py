"""The client timeline: log, edit, delete and answer interactions."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.accounts.selectors import member_zone
from keepwarm.clients.access import get_client_for_member
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions import services
from keepwarm.interactions.access import get_interaction_for_member
from keepwarm.interactions.forms import (
    SERVICE_FIELD_ALIASES,
    InteractionForm,
    add_service_errors,
)
from keepwarm.interactions.models import Channel, Direction, Interaction

TIMELINE_PAGE_SIZE = 20

CHANNEL_ICONS: dict[str, str] = {
    Channel.EMAIL: "envelope",
    Channel.CALL: "phone",
    Channel.MEETING: "users",
    Channel.VISIT: "map-pin",
    Channel.MESSAGE: "chat-bubble-left-right",
    Channel.PORTAL: "globe-alt",
}


@dataclass
class TimelineEntry:
    """One interaction as the timeline shows it."""

    interaction: Interaction
    icon: str
    waiting: str
    late: bool
    answered_in: str


def toast_response(response: HttpResponse, message: str) -> HttpResponse:
    """Ask the page to show a short confirmation once htmx has swapped the response in."""
    response["HX-Trigger"] = json.dumps({"toast": message})
    return response


def client_page_url(client: Client, anchor: str = "timeline") -> str:
    """Return the client page URL, scrolled to one of its sections."""
    return reverse("client_detail", args=[client.pk]) + f"#{anchor}"


def client_contacts(client: Client) -> list[Contact]:
    """Return a client's people by name."""
    # client.contacts.all() reuses the client page's prefetch when there is one.
    return sorted(client.contacts.all(), key=lambda c: (c.name.lower(), c.pk))


def _entry(interaction: Interaction, client: Client, now: dt.datetime) -> TimelineEntry:
    waiting = ""
    late = False
    if interaction.needs_reply and interaction.direction == Direction.INBOUND:
        waited = now - interaction.occurred_at
        waiting = (
            timesince(interaction.occurred_at, now, depth=1)
            if waited >= dt.timedelta(minutes=1)
            else "less than a minute"
        )
        target = dt.timedelta(hours=client.response_target_hours)
        late = now - interaction.occurred_at > target
    answered_in = ""
    if interaction.first_response_seconds is not None:
        start = interaction.occurred_at
        answered_in = timesince(
            start, start + dt.timedelta(seconds=interaction.first_response_seconds), depth=1
        )
    return TimelineEntry(
        interaction=interaction,
        icon=CHANNEL_ICONS.get(interaction.channel, "chat-bubble-left"),
        waiting=waiting,
        late=late,
        answered_in=answered_in,
    )


def _cursor(interaction: Interaction) -> str:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    micros = (interaction.occurred_at - epoch) // dt.timedelta(microseconds=1)
    return f"{micros}.{interaction.pk}"


def _parse_cursor(value: str) -> tuple[dt.datetime, int] | None:
    try:
        micros, pk = (int(part) for part in value.split("."))
        moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros)
    except (ValueError, OverflowError):
        return None
    return moment, pk


def timeline_page(client: Client, *, before: str = "") -> tuple[list[TimelineEntry], str]:
    """Return up to a page of the client's interactions, newest first, and the next cursor."""
    rows = (
        Interaction.objects.filter(client=client)
        .select_related("logged_by")
        .prefetch_related("contacts")
        .order_by("-occurred_at", "-pk")
    )
    cursor = _parse_cursor(before) if before else None
    if cursor is not None:
        moment, pk = cursor
        rows = rows.filter(Q(occurred_at__lt=moment) | Q(occurred_at=moment, pk__lt=pk))
    found = list(rows[: TIMELINE_PAGE_SIZE + 1])
    more = len(found) > TIMELINE_PAGE_SIZE
    found = found[:TIMELINE_PAGE_SIZE]
    now = timezone.now()
    entries = [_entry(i, client, now) for i in found]
    return entries, (_cursor(found[-1]) if more else "")


def _older_url(client: Client, cursor: str) -> str:
    if not cursor:
        return ""
    return reverse("interaction_list", args=[client.pk]) + "?" + urlencode({"before": cursor})


def _form(request: MemberRequest, client: Client, data: QueryDict | None = None) -> InteractionForm:
    zone = member_zone(request.user, request.membership.workspace)
    return InteractionForm(data, contacts=client_contacts(client), zone=zone)


def timeline_context(
    request: MemberRequest, client: Client, *, form: InteractionForm | None = None
) -> dict[str, Any]:
    """Return what `interactions/_timeline.html` needs, in a fixed number of queries."""
    entries, cursor = timeline_page(client)
    can_write = request.membership.can_write
    if can_write and form is None:
        form = _form(request, client)
    return {
        "timeline_client": client,
        "timeline_items": entries,
        "timeline_older_url": _older_url(client, cursor),
        "timeline_can_write": can_write,
        "timeline_form": form if can_write else None,
    }


def _render_timeline(
    request: MemberRequest, client: Client, *, form: InteractionForm | None = None
) -> HttpResponse:
    return render(
        request, "interactions/_timeline.html", timeline_context(request, client, form=form)
    )


@require_GET
@member_required
def interaction_list(request: MemberRequest, client_id: int) -> HttpResponse:
    """Show a client's older interactions: a page of them, or more rows for "Show older"."""
    client = get_client_for_member(request.membership, client_id)
    entries, cursor = timeline_page(client, before=request.GET.get("before", ""))
    context = {
        "client": client,
        "timeline_client": client,
        "timeline_items": entries,
        "timeline_older_url": _older_url(client, cursor),
        "timeline_can_write": request.membership.can_write,
        "timeline_more_oob": True,
        "nav": "clients",
    }
    template = "interactions/_timeline_rows.html" if request.htmx else "interactions/timeline.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@member_required
def interaction_create(request: MemberRequest, client_id: int) -> HttpResponse:
    """Log an interaction with a client from the timeline form."""
    client = get_client_for_member(request.membership, client_id, write=True)
    if request.method == "POST":
        form = _form(request, client, request.POST)
        if form.is_valid():
            try:
                services.interaction_log(
                    membership=request.membership,
                    client=client,
                    contacts=form.chosen_contacts(),
                    **form.service_data(),
                )
            except ValidationError as error:
                add_service_errors(form, error, SERVICE_FIELD_ALIASES)
            else:
                message = "Interaction logged."
                if request.htmx:
                    return toast_response(_render_timeline(request, client), message)
                messages.success(request, message)
                return HttpResponseRedirect(client_page_url(client))
        if request.htmx:
            # Only the form goes back, so rows loaded with "Show older" stay on the page.
            response = render(
                request,
                "interactions/_log_form_inner.html",
                {"timeline_client": client, "timeline_form": form},
            )
            response["HX-Retarget"] = "#timeline-log"
            response["HX-Reswap"] = "innerHTML"
            return response
    else:
        form = _form(request, client)
    return render(
        request,
        "interactions/interaction_new.html",
        {"client": client, "timeline_client": client, "timeline_form": form, "nav": "clients"},
    )


@require_http_methods(["GET", "POST"])
@member_required
def interaction_edit(request: MemberRequest, interaction_id: int) -> HttpResponse:
    """Change what was logged about an interaction."""
    interaction = get_interaction_for_member(request.membership, interaction_id, write=True)
    client = interaction.client
    zone = member_zone(request.user, request.membership.workspace)
    contacts = client_contacts(client)
    if request.method == "POST":
        form = InteractionForm(request.POST, contacts=contacts, zone=zone, auto_id="edit-%s")
        if form.is_valid():
            try:
                services.interaction_update(
                    membership=request.membership,
                    interaction=interaction,
                    contacts=form.chosen_contacts(),
                    **form.service_data(),
                )
            except ValidationError as error:
                add_service_errors(form, error, SERVICE_FIELD_ALIASES)
            else:
                messages.success(request, "Interaction updated.")
                return HttpResponseRedirect(client_page_url(client))
    else:
        form = InteractionForm.for_interaction(interaction, contacts=contacts, zone=zone)
    return render(
        request,
        "interactions/interaction_edit.html",
        {"client": client, "interaction": interaction, "form": form, "nav": "clients"},
    )


@require_http_methods(["GET", "POST"])
@member_required
def interaction_delete(request: MemberRequest, interaction_id: int) -> HttpResponse:
    """Confirm, then delete an interaction from the log."""
    interaction = get_interaction_for_member(request.membership, interaction_id, write=True)
    client = interaction.client
    if request.method == "POST":
        services.interaction_delete(membership=request.membership, interaction=interaction)
        message = "Interaction deleted."
        if request.htmx:
            return toast_response(_render_timeline(request, client), message)
        messages.success(request, message)
        return HttpResponseRedirect(client_page_url(client))
    return render(
        request,
        "interactions/interaction_delete.html",
        {
            "client": client,
            "interaction": interaction,
            "people": list(interaction.contacts.all()),
            "nav": "clients",
        },
    )


def _our_first_reply(interaction: Interaction) -> Interaction | None:
    # A message from us logged after theirs is the best evidence of when it was answered.
    return (
        Interaction.objects.filter(
            client_id=interaction.client_id,
            direction=Direction.OUTBOUND,
            occurred_at__gte=interaction.occurred_at,
        )
        .order_by("occurred_at", "pk")
        .first()
    )


@require_POST
@member_required
def interaction_mark_replied(request: MemberRequest, interaction_id: int) -> HttpResponse:
    """Mark an inbound message as answered."""
    interaction = get_interaction_for_member(request.membership, interaction_id, write=True)
    client = interaction.client
    try:
        services.interaction_mark_replied(
            membership=request.membership,
            interaction=interaction,
            reply=_our_first_reply(interaction),
        )
    except ValidationError as error:
        text = " ".join(error.messages)
        if request.htmx:
            return toast_response(HttpResponse(status=204), text)
        messages.error(request, text)
        return HttpResponseRedirect(client_page_url(client))
    message = "Marked as answered."
    if request.htmx:
        html = render_to_string(
            "interactions/_item.html",
            {
                "entry": _entry(interaction, client, timezone.now()),
                "timeline_can_write": request.membership.can_write,
            },
            request=request,
        )
        return toast_response(HttpResponse(html), message)
    messages.success(request, message)
    return HttpResponseRedirect(client_page_url(client))
