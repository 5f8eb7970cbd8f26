"""Feedback pages: the client's one-click answer page, asking a client, the quiet period."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from keepwarm.accounts.access import require_manage
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients.access import get_client_for_member
from keepwarm.clients.models import Client
from keepwarm.feedback import selectors, services
from keepwarm.feedback.forms import AnswerForm, AskForm, FeedbackSettingsForm
from keepwarm.feedback.models import (
    SCORE_RANGE,
    FeedbackKind,
    FeedbackRequest,
    FeedbackSettings,
    FeedbackSource,
)
from keepwarm.interactions.forms import add_service_errors
from keepwarm.interactions.views import client_contacts
from keepwarm.lib.private import client_ip, private_page
from keepwarm.portal.selectors import active_link
from keepwarm.recovery.models import Outcome, RecoveryCase
from keepwarm.trust.charts import sparkline

# Answers allowed per request and address within the window.
ANSWERS_PER_WINDOW = 10
ANSWER_WINDOW = dt.timedelta(hours=1)


# The client's answer page (no account; the link's token is the key) -----------------------


def _answer_page(
    request: HttpRequest, feedback_request: FeedbackRequest, form: AnswerForm | None, **extra: Any
) -> HttpResponse:
    context = {
        "workspace_name": feedback_request.workspace.name,
        "feedback_request": feedback_request,
        "form": form,
        **extra,
    }
    return render(request, "feedback/answer.html", context, status=extra.pop("status", 200))


@csrf_exempt
@private_page
@require_http_methods(["GET", "POST"])
def feedback_answer(request: HttpRequest, token: str, score: int) -> HttpResponse:
    """Show the chosen score ready to send; only the POST of that page records it.

    Link scanners open every link in an email; since a GET records nothing, they cannot
    answer for the client. No CSRF check: the secret in the address is what authorises the
    post (and with `Referrer-Policy: no-referrer` browsers send `Origin: null`).
    """
    feedback_request = selectors.feedback_request_by_token(token)
    if feedback_request is None:
        raise Http404("Not found")
    kind = feedback_request.kind
    low, high = SCORE_RANGE[kind]
    if not low <= score <= high:
        raise Http404("Not found")
    question = services.question(kind, feedback_request.workspace.name)
    if feedback_request.answered:
        return _answer_page(request, feedback_request, None, state="answered")
    if not feedback_request.is_open():
        return _answer_page(request, feedback_request, None, state="closed")
    if request.method == "POST":
        key = f"answer:{feedback_request.pk}:{client_ip(request)}"
        if not services.throttle_allow(key=key, limit=ANSWERS_PER_WINDOW, window=ANSWER_WINDOW):
            return render(
                request,
                "private/429.html",
                {"workspace_name": feedback_request.workspace.name},
                status=429,
            )
        form = AnswerForm(request.POST, kind=kind, question=question)
        if form.is_valid():
            try:
                services.feedback_answer(
                    request=feedback_request,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _answer_page(request, feedback_request, None, state="thanks")
        return _answer_page(request, feedback_request, form, status=400)
    form = AnswerForm(kind=kind, question=question, initial={"score": score})
    return _answer_page(request, feedback_request, form)


# The team's side -----------------------------------------------------------------------------


def _has_usable_link(client: Client) -> bool:
    link = active_link(client)
    return link is not None and link.is_usable()


def _askable(client: Client) -> list[Any]:
    return [c for c in client_contacts(client) if c.email]


@require_http_methods(["GET", "POST"])
@member_required
def feedback_request_create(request: MemberRequest, client_id: int) -> HttpResponse:
    """Ask someone at a client for a score, by email."""
    client = get_client_for_member(request.membership, client_id, write=True)
    contacts = _askable(client)
    if request.method == "POST":
        form = AskForm(request.POST, contacts=contacts)
        if form.is_valid():
            try:
                asked = services.feedback_request_create(
                    membership=request.membership,
                    client=client,
                    contact=form.cleaned_data["contact"],
                    kind=form.cleaned_data["kind"],
                    via=form.cleaned_data["via"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if asked.via == FeedbackSource.PORTAL:
                    done = f"The question waits on {client.name}'s portal."
                else:
                    done = f"Feedback request on its way to {asked.contact}."
                messages.success(request, done)
                return HttpResponseRedirect(
                    reverse("client_detail", args=[client.pk]) + "#feedback"
                )
    else:
        form = AskForm(contacts=contacts, initial={"kind": FeedbackKind.NPS, "via": "email"})
    return render(
        request,
        "feedback/ask.html",
        {
            "client": client,
            "form": form,
            "contacts": contacts,
            "has_portal_link": _has_usable_link(client),
            "nav": "clients",
        },
    )


@require_http_methods(["GET", "POST"])
@member_required
def feedback_settings(request: MemberRequest) -> HttpResponse:
    """Set the quiet period: how long to wait after asking a client before asking again."""
    require_manage(request.membership)
    current = FeedbackSettings(
        workspace=request.membership.workspace,
        quiet_days=selectors.quiet_days(request.membership.workspace_id),
    )
    if request.method == "POST":
        form = FeedbackSettingsForm(request.POST, instance=current)
        if form.is_valid():
            try:
                services.feedback_settings_update(
                    membership=request.membership, quiet_days=form.cleaned_data["quiet_days"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Feedback settings saved.")
                return HttpResponseRedirect(reverse("feedback_settings"))
    else:
        form = FeedbackSettingsForm(instance=current)
    return render(request, "feedback/settings.html", {"form": form, "nav": "insights"})


def feedback_panel_context(client: Client, can_write: bool) -> dict[str, Any]:
    """Return what `feedback/_client_panel.html` needs, in a fixed number of queries."""
    responses = selectors.client_responses(client.pk)
    today = timezone.localdate()
    history = [(timezone.localtime(r.created_at).date(), r.normalised) for r in reversed(responses)]
    spark = sparkline(history, today=today, days=365) if len(history) > 1 else None
    if spark is not None:
        scores = ", ".join(f"{r.score}" for r in reversed(responses))
        spark = type(spark)(
            points=spark.points,
            last_x=spark.last_x,
            last_y=spark.last_y,
            title=f"Feedback over the last year, oldest first: {scores}",
        )
    recovery_url = ""
    latest = responses[0] if responses else None
    if (
        can_write
        and latest is not None
        and latest.unhappy
        and not RecoveryCase.objects.filter(client=client, outcome=Outcome.OPEN).exists()
    ):
        said = f": “{latest.comment[:300]}”" if latest.comment else "."
        query = urlencode(
            {
                "signal": "low_feedback",
                "what_happened": f"{latest.contact or client.name} gave us "
                f"{latest.score} of {SCORE_RANGE[latest.kind][1]} on "
                f"{timezone.localtime(latest.created_at):%d %b %Y}{said}",
            }
        )
        recovery_url = reverse("recovery_case_create", args=[client.pk]) + "?" + query
    return {
        "feedback_client": client,
        "feedback_recovery_url": recovery_url,
        "feedback_responses": responses[:5],
        "feedback_spark": spark,
        "feedback_waiting": selectors.open_requests(client.pk),
        "feedback_can_write": can_write,
    }
