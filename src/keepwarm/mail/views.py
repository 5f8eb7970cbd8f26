"""Inbox pages: what waits for a reply, a message's thread, unmatched mail, business hours."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from keepwarm.accounts.access import require_manage
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients.models import Client
from keepwarm.interactions.access import get_interaction_for_member
from keepwarm.interactions.forms import add_service_errors
from keepwarm.interactions.models import Direction
from keepwarm.interactions.services import interaction_mark_replied, interaction_update
from keepwarm.interactions.views import toast_response
from keepwarm.mail import selectors, services
from keepwarm.mail.access import get_unmatched_for_member
from keepwarm.mail.forms import AssignForm, BusinessHoursForm
from keepwarm.mail.models import UnmatchedMessage

INBOX_PER_PAGE = 50
UNMATCHED_PER_PAGE = 25


def _unmatched_waiting(request: MemberRequest) -> int:
    return UnmatchedMessage.objects.filter(
        workspace_id=request.membership.workspace_id, assigned_at__isnull=True
    ).count()


@member_required
def inbox(request: MemberRequest) -> HttpResponse:
    """List the messages waiting for our reply, the most overdue first."""
    page = Paginator(selectors.waiting_for_reply(request.membership), INBOX_PER_PAGE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [selectors.inbox_row(i, now) for i in selectors.load_inbox(list(page.object_list))]
    context = {
        "nav": "inbox",
        "page_obj": page,
        "rows": rows,
        "unmatched_count": _unmatched_waiting(request),
        "can_write": request.membership.can_write,
    }
    template = "mail/_inbox_rows.html" if request.htmx else "mail/inbox.html"
    return render(request, template, context)


@member_required
def inbox_thread(request: MemberRequest, interaction_id: int) -> HttpResponse:
    """Show one message with the rest of its conversation."""
    interaction = get_interaction_for_member(request.membership, interaction_id)
    thread = selectors.thread_of(interaction)
    row = None
    if interaction.needs_reply and interaction.direction == Direction.INBOUND:
        row = selectors.inbox_row(interaction, timezone.now())
    return render(
        request,
        "mail/thread.html",
        {
            "nav": "inbox",
            "interaction": interaction,
            "thread": thread,
            "row": row,
            "can_write": request.membership.can_write,
        },
    )


def _after_action(request: MemberRequest, message: str) -> HttpResponse:
    if request.htmx:
        return toast_response(HttpResponse(""), message)
    messages.success(request, message)
    return HttpResponseRedirect(reverse("inbox"))


@require_POST
@member_required
def inbox_mark_replied(request: MemberRequest, interaction_id: int) -> HttpResponse:
    """Record that we answered this message (outside Keepwarm, say by phone)."""
    interaction = get_interaction_for_member(request.membership, interaction_id, write=True)
    interaction_mark_replied(membership=request.membership, interaction=interaction)
    return _after_action(request, "Marked replied.")


@require_POST
@member_required
def inbox_no_reply_needed(request: MemberRequest, interaction_id: int) -> HttpResponse:
    """Take a message off the Inbox: it needs no answer."""
    interaction = get_interaction_for_member(request.membership, interaction_id, write=True)
    interaction_update(membership=request.membership, interaction=interaction, needs_reply=False)
    return _after_action(request, "Marked as needing no reply.")


@member_required
def unmatched_list(request: MemberRequest) -> HttpResponse:
    """List emails that match no client yet, newest first, each with a way to assign it."""
    queryset = UnmatchedMessage.objects.filter(
        workspace_id=request.membership.workspace_id, assigned_at__isnull=True
    ).order_by("-occurred_at", "-pk")
    page = Paginator(queryset, UNMATCHED_PER_PAGE).get_page(request.GET.get("page"))
    # One client list for every row's form, not one query per row.
    choices = [("", "Choose a client")] + [
        (str(pk), name)
        for pk, name in Client.objects.filter(workspace_id=request.membership.workspace_id)
        .order_by("name")
        .values_list("pk", "name")
    ]
    return render(
        request,
        "mail/unmatched.html",
        {
            "nav": "inbox",
            "page_obj": page,
            "client_choices": choices,
            "rows": [(m, services.suggested_client_name(m)) for m in page.object_list],
            "can_write": request.membership.can_write,
        },
    )


@require_POST
@member_required
def unmatched_assign(request: MemberRequest, unmatched_id: int) -> HttpResponse:
    """File an unmatched email under the chosen client."""
    membership = request.membership
    unmatched = get_unmatched_for_member(membership, unmatched_id, write=True)
    form = AssignForm(request.POST, workspace_id=membership.workspace_id)
    if form.is_valid():
        try:
            done = services.unmatched_assign(
                membership=membership, unmatched=unmatched, client=form.cleaned_data["client"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            client = done.interaction.client
            text = f"Filed under {client.name}; {unmatched.address} will go there from now on."
            if done.others:
                text += f" {done.others} more from this address went too."
            messages.success(request, text)
            return HttpResponseRedirect(reverse("unmatched_list"))
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return HttpResponseRedirect(reverse("unmatched_list") + f"#unmatched-{unmatched.pk}")


@require_POST
@member_required
def unmatched_new_client(request: MemberRequest, unmatched_id: int) -> HttpResponse:
    """File an unmatched email under a new prospect client."""
    membership = request.membership
    unmatched = get_unmatched_for_member(membership, unmatched_id, write=True)
    try:
        done = services.unmatched_assign_new_client(
            membership=membership, unmatched=unmatched, name=request.POST.get("name", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("unmatched_list") + f"#unmatched-{unmatched.pk}")
    client = done.interaction.client
    messages.success(
        request, f"Added {client.name} as a prospect, with {done.contact.name} and this email."
    )
    return HttpResponseRedirect(reverse("client_detail", args=[client.pk]))


@require_POST
@member_required
def unmatched_set_aside(request: MemberRequest, unmatched_id: int) -> HttpResponse:
    """Drop an email that belongs to no client, such as a newsletter."""
    membership = request.membership
    unmatched = get_unmatched_for_member(membership, unmatched_id, write=True)
    try:
        services.unmatched_set_aside(membership=membership, unmatched=unmatched)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Set aside “{unmatched.subject or unmatched.address}”.")
    return HttpResponseRedirect(reverse("unmatched_list"))


@require_http_methods(["GET", "POST"])
@member_required
def mail_settings(request: MemberRequest) -> HttpResponse:
    """Set the business hours response times are counted in."""
    membership = request.membership
    require_manage(membership)
    current = services.mail_settings_for(membership.workspace_id)
    form = BusinessHoursForm.for_settings(current)
    if request.method == "POST":
        form = BusinessHoursForm(request.POST)
        if form.is_valid():
            try:
                services.mail_settings_update(membership=membership, **form.service_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Business hours saved.")
                return HttpResponseRedirect(reverse("mail_settings"))
    return render(
        request,
        "mail/settings.html",
        {"form": form, "time_zone": membership.workspace.time_zone},
    )
