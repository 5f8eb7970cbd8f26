"""The goals section of the client page: add, change and delete goals in place."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients import services
from keepwarm.clients.access import get_client_for_member, get_goal_for_member
from keepwarm.clients.forms import GoalForm, apply_service_errors
from keepwarm.clients.models import Client
from keepwarm.clients.views import finish, goals_context, render_section


def _goals_url(client: Client) -> str:
    return reverse("client_detail", args=[client.pk]) + "#goals"


def _goals_saved(request: MemberRequest, client: Client, message: str) -> HttpResponse:
    if request.htmx:
        response = render_section(request, "clients/_goals.html", goals_context(client), message)
        return retarget(reswap(response, "outerHTML"), "#goals")
    return finish(request, _goals_url(client), f"{message}.")


@member_required
@require_http_methods(["GET", "POST"])
def goal_create(request: MemberRequest, client_id: int) -> HttpResponse:
    """Record one of the client's goals."""
    membership = request.membership
    client = get_client_for_member(membership, client_id, write=True)
    form = GoalForm(request.POST if request.method == "POST" else None, prefix="goal")
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_create(membership=membership, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _goals_saved(request, client, "Saved")
    if request.htmx:
        return render_section(request, "clients/_goals.html", goals_context(client, form))
    return render(
        request,
        "clients/item_form.html",
        {
            "nav": "clients",
            "form": form,
            "title": f"Add a goal for {client.name}",
            "client": client,
            "action": reverse("goal_create", args=[client.pk]),
            "cancel_url": _goals_url(client),
            "submit": "Save goal",
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: MemberRequest, goal_id: int) -> HttpResponse:
    """Change a goal's text, priority or status."""
    membership = request.membership
    goal = get_goal_for_member(membership, goal_id, write=True)
    client = goal.client
    form = GoalForm(
        request.POST if request.method == "POST" else None, prefix=f"goal-{goal.pk}", goal=goal
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(membership=membership, goal=goal, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _goals_saved(request, client, "Saved")
    if request.htmx:
        return render(
            request, "clients/_goal_edit.html", {"goal": goal, "form": form, "client": client}
        )
    return render(
        request,
        "clients/item_form.html",
        {
            "nav": "clients",
            "form": form,
            "title": f"Edit a goal of {client.name}",
            "client": client,
            "action": reverse("goal_edit", args=[goal.pk]),
            "cancel_url": _goals_url(client),
            "submit": "Save goal",
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def goal_delete(request: MemberRequest, goal_id: int) -> HttpResponse:
    """Confirm, then delete a goal."""
    membership = request.membership
    goal = get_goal_for_member(membership, goal_id, write=True)
    client = goal.client
    if request.method == "POST":
        services.goal_delete(membership=membership, goal=goal)
        return _goals_saved(request, client, "Deleted")
    promises = goal.commitments.count()
    lost = "The goal will be deleted. This cannot be undone."
    if promises:
        noun = "promise" if promises == 1 else "promises"
        lost += f" {promises} {noun} linked to it will stay, no longer linked to a goal."
    return render(
        request,
        "clients/confirm_delete.html",
        {
            "nav": "clients",
            "title": f"Delete this goal of {client.name}?",
            "what": f"“{goal.text}”",
            "lost": lost,
            "client": client,
            "action": reverse("goal_delete", args=[goal.pk]),
            "cancel_url": _goals_url(client),
            "submit": "Delete goal",
        },
    )
