"""People pages: a contact, their personal facts and important dates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients import services
from keepwarm.clients.access import (
    get_client_for_member,
    get_contact_for_member,
    get_date_for_member,
    get_fact_for_member,
)
from keepwarm.clients.forms import ContactForm, DateForm, FactForm, apply_service_errors
from keepwarm.clients.models import Contact, ImportantDate
from keepwarm.clients.views import count_noun, finish, render_section, upcoming_dates

RECENT_INTERACTIONS = 20


def _data(request: MemberRequest) -> Any:
    return request.POST if request.method == "POST" else None


def contact_url(contact: Contact, anchor: str = "") -> str:
    """Return the contact page URL, optionally scrolled to a section."""
    url = reverse("contact_detail", args=[contact.pk])
    return f"{url}#{anchor}" if anchor else url


def facts_context(contact: Contact, form: FactForm | None = None) -> dict[str, Any]:
    """Return what the personal facts section of the contact page needs."""
    return {
        "contact": contact,
        "facts": list(contact.facts.order_by("-created_at", "-pk")),
        "fact_form": form or FactForm(prefix="fact"),
    }


def dates_context(contact: Contact, form: DateForm | None = None) -> dict[str, Any]:
    """Return what the important dates section needs: coming dates first, then past ones."""
    days = list(contact.dates.order_by("date", "pk"))
    upcoming = upcoming_dates(days, timezone.localdate())
    return {
        "contact": contact,
        "dates": upcoming + [d for d in days if d not in upcoming],
        "date_form": form or DateForm(prefix="date"),
    }


@member_required
@require_GET
def contact_detail(request: MemberRequest, contact_id: int) -> HttpResponse:
    """Show a person: details, personal facts, important dates and recent interactions."""
    contact = get_contact_for_member(request.membership, contact_id)
    interactions = list(
        contact.interactions.select_related("client").order_by("-occurred_at", "-pk")[
            :RECENT_INTERACTIONS
        ]
    )
    context = {
        **facts_context(contact),
        **dates_context(contact),
        "nav": "clients",
        "contact": contact,
        "client": contact.client,
        "interactions": interactions,
        "other_phones": [p.strip() for p in contact.other_phones.splitlines() if p.strip()],
    }
    return render(request, "clients/contact_detail.html", context)


def _contact_form_page(
    request: MemberRequest, form: ContactForm, client: Any, contact: Contact | None, title: str
) -> HttpResponse:
    context = {"nav": "clients", "form": form, "client": client, "contact": contact}
    return render(request, "clients/contact_form.html", {**context, "title": title})


@member_required
@require_http_methods(["GET", "POST"])
def contact_create(request: MemberRequest, client_id: int) -> HttpResponse:
    """Add a person to a client."""
    membership = request.membership
    client = get_client_for_member(membership, client_id, write=True)
    form = ContactForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(
                membership=membership, client=client, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return finish(request, contact_url(contact), f"Added {contact.name} to {client.name}.")
    return _contact_form_page(request, form, client, None, f"Add a person at {client.name}")


@member_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: MemberRequest, contact_id: int) -> HttpResponse:
    """Change a person's details."""
    membership = request.membership
    contact = get_contact_for_member(membership, contact_id, write=True)
    title = f"Edit {contact.name}"
    form = ContactForm(_data(request), contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(membership=membership, contact=contact, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            contact.refresh_from_db()
        else:
            return finish(request, contact_url(contact), f"Saved {contact.name}.")
    return _contact_form_page(request, form, contact.client, contact, title)


@member_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: MemberRequest, contact_id: int) -> HttpResponse:
    """Confirm, then delete a person with their personal facts and dates."""
    membership = request.membership
    contact = get_contact_for_member(membership, contact_id, write=True)
    client = contact.client
    if request.method == "POST":
        name = contact.name
        services.contact_delete(membership=membership, contact=contact)
        url = reverse("client_detail", args=[client.pk]) + "#people"
        return finish(request, url, f"Deleted {name}.")
    return _confirm_delete_page(
        request,
        title=f"Delete {contact.name}?",
        what=f"{contact.name} at {client.name}",
        lost_items=[
            count_noun(contact.facts.count(), "personal fact", "personal facts"),
            count_noun(contact.dates.count(), "important date", "important dates"),
        ],
        lost=(
            "Their personal facts and important dates are deleted with them. Interactions and "
            f"promises stay on {client.name}'s record. This cannot be undone."
        ),
        contact=contact,
        client=client,
        action=reverse("contact_delete", args=[contact.pk]),
        cancel_url=contact_url(contact),
        submit="Delete person",
    )


def _item_form_page(request: MemberRequest, **context: Any) -> HttpResponse:
    return render(request, "clients/item_form.html", {"nav": "clients", **context})


def _confirm_delete_page(request: MemberRequest, **context: Any) -> HttpResponse:
    return render(request, "clients/confirm_delete.html", {"nav": "clients", **context})


def _facts_saved(request: MemberRequest, contact: Contact, message: str) -> HttpResponse:
    if request.htmx:
        response = render_section(request, "clients/_facts.html", facts_context(contact), message)
        return retarget(reswap(response, "outerHTML"), "#facts")
    return finish(request, contact_url(contact, "facts"), f"{message}.")


def _dates_saved(request: MemberRequest, contact: Contact, message: str) -> HttpResponse:
    if request.htmx:
        response = render_section(request, "clients/_dates.html", dates_context(contact), message)
        return retarget(reswap(response, "outerHTML"), "#dates")
    return finish(request, contact_url(contact, "dates"), f"{message}.")


@member_required
@require_http_methods(["GET", "POST"])
def fact_create(request: MemberRequest, contact_id: int) -> HttpResponse:
    """Remember something about a person."""
    membership = request.membership
    contact = get_contact_for_member(membership, contact_id, write=True)
    form = FactForm(_data(request), prefix="fact")
    if request.method == "POST" and form.is_valid():
        try:
            services.fact_create(membership=membership, contact=contact, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _facts_saved(request, contact, "Saved")
    if request.htmx:
        return render_section(request, "clients/_facts.html", facts_context(contact, form))
    return _item_form_page(
        request,
        form=form,
        title=f"Remember something about {contact.name}",
        contact=contact,
        client=contact.client,
        action=reverse("fact_create", args=[contact.pk]),
        cancel_url=contact_url(contact, "facts"),
        submit="Save fact",
    )


@member_required
@require_http_methods(["GET", "POST"])
def fact_edit(request: MemberRequest, fact_id: int) -> HttpResponse:
    """Change a personal fact."""
    membership = request.membership
    fact = get_fact_for_member(membership, fact_id, write=True)
    contact = fact.contact
    form = FactForm(_data(request), prefix=f"fact-{fact.pk}", fact=fact)
    if request.method == "POST" and form.is_valid():
        try:
            services.fact_update(membership=membership, fact=fact, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _facts_saved(request, contact, "Saved")
    if request.htmx:
        return render(
            request, "clients/_fact_edit.html", {"fact": fact, "form": form, "contact": contact}
        )
    return _item_form_page(
        request,
        form=form,
        title=f"Edit a fact about {contact.name}",
        contact=contact,
        client=contact.client,
        action=reverse("fact_edit", args=[fact.pk]),
        cancel_url=contact_url(contact, "facts"),
        submit="Save fact",
    )


@member_required
@require_http_methods(["GET", "POST"])
def fact_delete(request: MemberRequest, fact_id: int) -> HttpResponse:
    """Confirm, then forget a personal fact."""
    membership = request.membership
    fact = get_fact_for_member(membership, fact_id, write=True)
    contact = fact.contact
    if request.method == "POST":
        services.fact_delete(membership=membership, fact=fact)
        return _facts_saved(request, contact, "Deleted")
    return _confirm_delete_page(
        request,
        title=f"Forget this fact about {contact.name}?",
        what=f"“{fact.text}”",
        lost="This fact and its follow-up reminder will be deleted. This cannot be undone.",
        contact=contact,
        client=contact.client,
        action=reverse("fact_delete", args=[fact.pk]),
        cancel_url=contact_url(contact, "facts"),
        submit="Delete fact",
    )


@member_required
@require_http_methods(["GET", "POST"])
def date_create(request: MemberRequest, contact_id: int) -> HttpResponse:
    """Add an important date for a person."""
    membership = request.membership
    contact = get_contact_for_member(membership, contact_id, write=True)
    form = DateForm(_data(request), prefix="date")
    if request.method == "POST" and form.is_valid():
        try:
            services.date_create(membership=membership, contact=contact, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _dates_saved(request, contact, "Saved")
    if request.htmx:
        return render_section(request, "clients/_dates.html", dates_context(contact, form))
    return _item_form_page(
        request,
        form=form,
        title=f"Add an important date for {contact.name}",
        contact=contact,
        client=contact.client,
        action=reverse("date_create", args=[contact.pk]),
        cancel_url=contact_url(contact, "dates"),
        submit="Save date",
    )


@member_required
@require_http_methods(["GET", "POST"])
def date_edit(request: MemberRequest, date_id: int) -> HttpResponse:
    """Change an important date."""
    membership = request.membership
    day = get_date_for_member(membership, date_id, write=True)
    contact = day.contact
    form = DateForm(_data(request), prefix=f"date-{day.pk}", day=day)
    if request.method == "POST" and form.is_valid():
        try:
            services.date_update(membership=membership, day=day, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _dates_saved(request, contact, "Saved")
    if request.htmx:
        return render(
            request, "clients/_date_edit.html", {"day": day, "form": form, "contact": contact}
        )
    return _item_form_page(
        request,
        form=form,
        title=f"Edit an important date for {contact.name}",
        contact=contact,
        client=contact.client,
        action=reverse("date_edit", args=[day.pk]),
        cancel_url=contact_url(contact, "dates"),
        submit="Save date",
    )


@member_required
@require_http_methods(["GET", "POST"])
def date_delete(request: MemberRequest, date_id: int) -> HttpResponse:
    """Confirm, then delete an important date."""
    membership = request.membership
    day: ImportantDate = get_date_for_member(membership, date_id, write=True)
    contact = day.contact
    if request.method == "POST":
        services.date_delete(membership=membership, day=day)
        return _dates_saved(request, contact, "Deleted")
    return _confirm_delete_page(
        request,
        title=f"Delete this date for {contact.name}?",
        what=f"{day} ({dateformat.format(day.date, 'j F Y')})",
        lost="The date and its reminders will be deleted. This cannot be undone.",
        contact=contact,
        client=contact.client,
        action=reverse("date_delete", args=[day.pk]),
        cancel_url=contact_url(contact, "dates"),
        submit="Delete date",
    )
