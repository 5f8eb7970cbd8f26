"""Client pages: the list, the client page, the client form and deleting a client."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from keepwarm.accounts.access import require_write
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients import services
from keepwarm.clients.access import get_client_for_member
from keepwarm.clients.forms import ClientFilterForm, ClientForm, GoalForm, apply_service_errors
from keepwarm.clients.models import Client, Contact, ImportantDate, PersonalFact
from keepwarm.clients.selectors import client_search
from keepwarm.commitments.views import promises_context
from keepwarm.interactions.models import Direction
from keepwarm.interactions.views import timeline_context
from keepwarm.reports.views import reports_context
from keepwarm.trust.selectors import SCORE_SORTS, filter_band, with_today_score
from keepwarm.trust.services import snapshots_refresh_stale, workspace_today
from keepwarm.trust.views import trust_context

CLIENTS_PER_PAGE = 25

# Which way each sortable column points, and where its header link goes next.
SORT_COLUMNS = {
    "name": {"name": ("ascending", "-name"), "-name": ("descending", "name")},
    # "-quiet" puts the longest silence first: the days column reads high to low.
    "quiet": {"-quiet": ("descending", "quiet"), "quiet": ("ascending", "-quiet")},
    # Lowest score first: the clients who need attention come to the top.
    "score": {"score": ("ascending", "-score"), "-score": ("descending", "score")},
}
SORT_DEFAULT_LINK = {"name": "name", "quiet": "-quiet", "score": "score"}


def toast(response: HttpResponse, message: str = "Saved") -> HttpResponse:
    """Ask the page to show a short confirmation after an htmx write."""
    response["HX-Trigger"] = json.dumps({"toast": message})
    return response


def finish(request: MemberRequest, url: str, message: str) -> HttpResponse:
    """End a full-page write: flash the message and go to `url` (htmx follows along)."""
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def count_noun(count: int, singular: str, plural: str) -> str:
    """Return "1 promise" or "3 promises"."""
    return f"{count} {singular if count == 1 else plural}"


def days_quiet(last: dt.datetime | None, today: dt.date) -> int | None:
    """Return whole days since `last` (0 for today), or None when we never spoke."""
    if last is None:
        return None
    return max(0, (today - timezone.localtime(last).date()).days)


def quiet_label(days: int | None) -> str:
    """Return "never", "today", "1 day" or "12 days"."""
    if days is None:
        return "never"
    if days == 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


def _with_people_count(clients: QuerySet[Client]) -> QuerySet[Client]:
    # A subquery, not Count("contacts"): joining contacts beside the interactions that
    # the last-contact Max already joins would multiply rows.
    people = (
        Contact.objects.filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return clients.annotate(people_count=Coalesce(Subquery(people, output_field=IntegerField()), 0))


def _sort_headers(request: MemberRequest, sort: str) -> dict[str, dict[str, str]]:
    headers = {}
    for column, states in SORT_COLUMNS.items():
        aria, target = states.get(sort, ("", SORT_DEFAULT_LINK[column]))
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = target
        headers[column] = {"aria_sort": aria, "href": f"?{params.urlencode()}"}
    return headers


@member_required
@require_GET
def client_list(request: MemberRequest) -> HttpResponse:
    """List the workspace's clients with search, filters, sort and pages."""
    membership = request.membership
    form = ClientFilterForm(request.GET, membership=membership)
    form.is_valid()
    q = (form.chosen("q") or "").strip()
    status = form.chosen("status") or ""
    owner = form.chosen("owner")
    band = form.chosen("band") or ""
    sort = form.chosen("sort") or "name"
    clients = client_search(
        membership, q=q, status=status, owner_id=owner.pk if owner else None, sort=sort
    )
    # Scores come from today's snapshots, so sorting and filtering by them stay in SQL.
    snapshots_refresh_stale(workspace=membership.workspace)
    clients = with_today_score(clients, workspace_today(membership.workspace))
    if band:
        clients = filter_band(clients, band)
    if sort in SCORE_SORTS:
        clients = clients.order_by(*SCORE_SORTS[sort])
    page = Paginator(_with_people_count(clients), CLIENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = rows = list(page.object_list)
    today = timezone.localdate()
    for client in rows:
        client.days_quiet = days_quiet(client.last_contact_at, today)  # type: ignore[attr-defined]
        client.quiet_label = quiet_label(client.days_quiet)  # type: ignore[attr-defined]
    filtered = bool(q or status or owner or band)
    context = {
        "nav": "clients",
        "form": form,
        "page_obj": page,
        "clients": rows,
        "q": q,
        "status_label": dict(form.fields["status"].choices).get(status, ""),  # type: ignore[attr-defined]
        "owner": owner,
        "band_label": dict(form.fields["band"].choices).get(band, "") if band else "",  # type: ignore[attr-defined]
        "sort": sort,
        "sort_headers": _sort_headers(request, sort),
        "filtered": filtered,
        "no_clients_yet": not filtered and page.paginator.count == 0,
    }
    template = "clients/_client_results.html" if request.htmx else "clients/client_list.html"
    return render(request, template, context)


def _prefetch_client_page(client: Client) -> None:
    # The timeline's contact choices read client.contacts.all(), so it shares this prefetch.
    contacts = Contact.objects.order_by("name", "pk").prefetch_related(
        Prefetch("facts", queryset=PersonalFact.objects.order_by("-created_at", "-pk")),
        Prefetch("dates", queryset=ImportantDate.objects.order_by("date", "pk")),
    )
    prefetch_related_objects([client], Prefetch("contacts", queryset=contacts), "goals")


def upcoming_dates(days: list[ImportantDate], today: dt.date) -> list[ImportantDate]:
    """Return the dates still to come, soonest first, with `next_on` and `days_away` set."""
    upcoming = []
    for day in days:
        next_on = day.next_on = day.next_occurrence(today)  # type: ignore[attr-defined]
        if next_on is not None:
            day.days_away = (next_on - today).days  # type: ignore[attr-defined]
            upcoming.append(day)
    return sorted(upcoming, key=lambda d: (d.next_on, d.pk))  # type: ignore[attr-defined]


def goals_context(client: Client, form: GoalForm | None = None) -> dict[str, Any]:
    """Return what the goals section of the client page needs."""
    return {
        "client": client,
        "goals": list(client.goals.all()),
        "goal_form": form or GoalForm(prefix="goal"),
    }


@member_required
@require_GET
def client_detail(request: MemberRequest, client_id: int) -> HttpResponse:
    """Show a client: header, timeline, people, goals and promises."""
    membership = request.membership
    client = get_client_for_member(membership, client_id)
    _prefetch_client_page(client)
    today = timezone.localdate()
    people = list(client.contacts.all())
    for person in people:
        person.upcoming = upcoming_dates(list(person.dates.all()), today)  # type: ignore[attr-defined]
    last_spoke = client.interactions.exclude(direction=Direction.INTERNAL).aggregate(
        last=Max("occurred_at")
    )["last"]
    quiet = days_quiet(last_spoke, today)
    context = {
        **timeline_context(request, client),
        **promises_context(request, client),
        **goals_context(client),
        **trust_context(request, client),
        **reports_context(request, client),
        "nav": "clients",
        "client": client,
        "people": people,
        "last_spoke": last_spoke,
        "days_quiet": quiet,
        "overdue_by": max(0, quiet - client.check_in_every_days) if quiet is not None else 0,
    }
    return render(request, "clients/client_detail.html", context)


def _client_form_page(
    request: MemberRequest, form: ClientForm, client: Client | None, title: str
) -> HttpResponse:
    return render(
        request,
        "clients/client_form.html",
        {"nav": "clients", "form": form, "client": client, "title": title},
    )


@member_required
@require_http_methods(["GET", "POST"])
def client_create(request: MemberRequest) -> HttpResponse:
    """Add a client."""
    membership = request.membership
    require_write(membership)
    form = ClientForm(request.POST if request.method == "POST" else None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            url = reverse("client_detail", args=[client.pk])
            return finish(request, url, f"Added {client.name}.")
    return _client_form_page(request, form, None, "Add a client")


@member_required
@require_http_methods(["GET", "POST"])
def client_edit(request: MemberRequest, client_id: int) -> HttpResponse:
    """Change a client's details."""
    membership = request.membership
    client = get_client_for_member(membership, client_id, write=True)
    title = f"Edit {client.name}"
    form = ClientForm(
        request.POST if request.method == "POST" else None, membership=membership, client=client
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(membership=membership, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            # The service applied the typed values to this instance before refusing them.
            client.refresh_from_db()
        else:
            url = reverse("client_detail", args=[client.pk])
            return finish(request, url, f"Saved {client.name}.")
    return _client_form_page(request, form, client, title)


@member_required
@require_http_methods(["GET", "POST"])
def client_delete(request: MemberRequest, client_id: int) -> HttpResponse:
    """Confirm, then delete a client with everything recorded about them."""
    membership = request.membership
    client = get_client_for_member(membership, client_id, write=True)
    if request.method == "POST":
        name = client.name
        services.client_delete(membership=membership, client=client)
        return finish(request, reverse("client_list"), f"Deleted {name}.")
    lost = [
        count_noun(client.contacts.count(), "person", "people") + " with their facts and dates",
        count_noun(client.interactions.count(), "interaction", "interactions"),
        count_noun(client.commitments.count(), "promise", "promises"),
        count_noun(client.goals.count(), "goal", "goals"),
    ]
    return render(
        request,
        "clients/confirm_delete.html",
        {
            "nav": "clients",
            "client": client,
            "title": f"Delete {client.name}?",
            "what": client.name,
            "lost_items": lost,
            "lost": "This cannot be undone.",
            "action": reverse("client_delete", args=[client.pk]),
            "cancel_url": reverse("client_detail", args=[client.pk]),
            "submit": "Delete client",
        },
    )


def render_section(
    request: MemberRequest, template: str, context: dict[str, Any], message: str = ""
) -> HttpResponse:
    """Render one in-place section for htmx, with a confirmation toast after a write."""
    response = HttpResponse(render_to_string(template, context, request=request))
    return toast(response, message) if message else response
