"""The client portal pages, and the portal link on the team's client page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import nh3
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from markdown_it import MarkdownIt

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients.access import get_client_for_member
from keepwarm.feedback import services as feedback
from keepwarm.feedback.forms import AnswerForm
from keepwarm.feedback.models import FeedbackKind
from keepwarm.feedback.selectors import open_requests
from keepwarm.interactions.forms import add_service_errors
from keepwarm.lib.access import get_in_workspace_or_404
from keepwarm.lib.private import client_ip, private_page
from keepwarm.portal import selectors, services
from keepwarm.portal.forms import ConcernForm, GoalCommentForm
from keepwarm.portal.models import PortalToken

COOKIE = "kw_portal"
COOKIE_SALT = "keepwarm.portal"
COOKIE_PATH = "/portal/"
COOKIE_DAYS = 30
# Posts allowed per portal link and address within the window.
POSTS_PER_WINDOW = 10
POST_WINDOW = dt.timedelta(hours=1)
# The portal's forms are exempt from Django's CSRF check: with `Referrer-Policy: no-referrer`
# browsers post them with `Origin: null`, which that check refuses. They stay safe from
# cross-site posts because they act only through the portal cookie, which is SameSite=Lax
# (never sent on another site's POST), and answer 404 without it.

THANKS = {
    "feedback": "Thank you for your answer. It helps us do better.",
    "concern": "Thank you for telling us. We will get back to you soon.",
    "goal": "Thank you. We will read it and get back to you.",
}

_markdown = MarkdownIt("commonmark", {"html": False})


def report_html(text: str) -> str:
    """Return a report's Markdown as safe HTML (no raw HTML, links kept as text and href)."""
    return nh3.clean(_markdown.render(text or ""), link_rel="noopener noreferrer nofollow")


# Client-facing pages ----------------------------------------------------------------------


def _link(request: HttpRequest) -> PortalToken:
    """Return the portal link this browser was let in with, or 404."""
    link_id = request.get_signed_cookie(
        COOKIE, default=None, salt=COOKIE_SALT, max_age=dt.timedelta(days=COOKIE_DAYS)
    )
    link = selectors.portal_link_by_id(link_id) if link_id else None
    if link is None:
        raise Http404("Not found")
    return link


@private_page
@require_GET
def portal_open(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange a portal link's secret for a cookie, then drop the secret from the address."""
    link = selectors.portal_link_by_secret(token)
    if link is None:
        raise Http404("Not found")
    response = HttpResponseRedirect(reverse("portal_home"))
    age = dt.timedelta(days=COOKIE_DAYS)
    if link.expires_at is not None:
        age = min(age, link.expires_at - timezone.now())
    response.set_signed_cookie(
        COOKIE,
        str(link.pk),
        salt=COOKIE_SALT,
        max_age=int(age.total_seconds()),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _feedback_kind(link: PortalToken) -> str:
    """Return the question to ask: that of the oldest open request, else NPS."""
    waiting = open_requests(link.client_id)
    return waiting[0].kind if waiting else FeedbackKind.NPS


def _home(request: HttpRequest, link: PortalToken, status: int = 200, **forms: Any) -> HttpResponse:
    client = link.client
    waiting = open_requests(client.pk)
    kind = forms.get("feedback_kind") or (waiting[0].kind if waiting else FeedbackKind.NPS)
    question = feedback.question(kind, link.workspace.name)
    done = request.GET.get("done", "")
    context = {
        "workspace_name": link.workspace.name,
        "client": client,
        "reports": selectors.sent_reports(client),
        "promises": selectors.client_promises(client, timezone.localdate()),
        "goals": selectors.client_goals(client),
        "concerns": selectors.client_concerns(client),
        "feedback_kind": kind,
        "feedback_asked": next((r for r in waiting if r.kind == kind), None),
        "feedback_form": forms.get("feedback_form") or AnswerForm(kind=kind, question=question),
        "concern_form": forms.get("concern_form") or ConcernForm(),
        "goal_form": forms.get("goal_form"),
        "goal_form_for": forms.get("goal_form_for"),
        "thanks": THANKS.get(done, ""),
    }
    return render(request, "portal/home.html", context, status=status)


@private_page
@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    """Show the client what we have sent them, promised them, and how to talk to us."""
    link = _link(request)
    services.portal_visit_record(link=link)
    return _home(request, link)


@private_page
@require_GET
def portal_report(request: HttpRequest, report_id: int) -> HttpResponse:
    """Show one report sent to the client; the first visit marks it read."""
    link = _link(request)
    report = selectors.sent_report(link.client, report_id)
    if report is None:
        raise Http404("Not found")
    services.portal_visit_record(link=link)
    services.report_read_record(report=report)
    return render(
        request,
        "portal/report.html",
        {
            "workspace_name": link.workspace.name,
            "report": report,
            "body": report_html(report.body_markdown),
        },
    )


def _throttled(request: HttpRequest, link: PortalToken) -> HttpResponse | None:
    key = f"portal:{link.pk}:{client_ip(request)}"
    if feedback.throttle_allow(key=key, limit=POSTS_PER_WINDOW, window=POST_WINDOW):
        return None
    return render(request, "private/429.html", {"workspace_name": link.workspace.name}, status=429)


def _thanks(what: str, anchor: str) -> HttpResponse:
    return HttpResponseRedirect(f"{reverse('portal_home')}?done={what}#{anchor}")


@csrf_exempt
@private_page
@require_POST
def portal_feedback(request: HttpRequest) -> HttpResponse:
    """Record the client's score and comment."""
    link = _link(request)
    if (refused := _throttled(request, link)) is not None:
        return refused
    kind = _feedback_kind(link)
    form = AnswerForm(
        request.POST, kind=kind, question=feedback.question(kind, link.workspace.name)
    )
    if form.is_valid():
        try:
            feedback.feedback_submit(
                client=link.client,
                kind=kind,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _thanks("feedback", "feedback")
    return _home(request, link, status=400, feedback_form=form, feedback_kind=kind)


@csrf_exempt
@private_page
@require_POST
def portal_concern(request: HttpRequest) -> HttpResponse:
    """Record a concern the client raised."""
    link = _link(request)
    if (refused := _throttled(request, link)) is not None:
        return refused
    form = ConcernForm(request.POST)
    if form.is_valid():
        try:
            services.concern_raise(client=link.client, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _thanks("concern", "concerns")
    return _home(request, link, status=400, concern_form=form)


@csrf_exempt
@private_page
@require_POST
def portal_goal_comment(request: HttpRequest) -> HttpResponse:
    """Record what the client said about one of their goals."""
    link = _link(request)
    if (refused := _throttled(request, link)) is not None:
        return refused
    form = GoalCommentForm(request.POST)
    goal = None
    if form.is_valid():
        goal = link.client.goals.filter(pk=form.cleaned_data["goal"]).first()
        if goal is None:
            raise Http404("Not found")
        try:
            services.goal_comment_add(client=link.client, goal=goal, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _thanks("goal", "goals")
    return _home(request, link, status=400, goal_form=form, goal_form_for=goal.pk if goal else None)


# The team's side: the client's portal link -------------------------------------------------


def portal_link_context(request: MemberRequest, client: Any) -> dict[str, Any]:
    """Return what `portal/_link_panel.html` needs."""
    return {
        "portal_client": client,
        "portal_link": selectors.active_link(client),
        "portal_may_manage": services.may_manage_links(request.membership, client),
        "portal_today": timezone.localdate(),
    }


@require_http_methods(["GET", "POST"])
@member_required
def portal_link_manage(request: MemberRequest, client_id: int) -> HttpResponse:
    """Create or replace a client's portal link; its address is shown once, here."""
    client = get_client_for_member(request.membership, client_id, write=True)
    url = ""
    error = ""
    if request.method == "POST":
        expires_on = None
        raw = request.POST.get("expires_on", "").strip()
        try:
            if raw:
                expires_on = dt.date.fromisoformat(raw)
            _, secret = services.portal_link_create(
                membership=request.membership, client=client, expires_on=expires_on
            )
        except ValueError:
            error = "Give the date as day, month and year, or leave it empty."
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            url = services.portal_url(secret)
    context = {
        "client": client,
        "nav": "clients",
        "url": url,
        "error": error,
        **portal_link_context(request, client),
    }
    response = render(request, "portal/link_manage.html", context)
    # The new address is a secret: never keep it in a cache.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@member_required
def portal_link_revoke(request: MemberRequest, link_id: int) -> HttpResponse:
    """Stop a client's portal link from working."""
    link = get_in_workspace_or_404(
        PortalToken.objects.select_related("client"), request.membership.workspace_id, link_id
    )
    services.portal_link_revoke(membership=request.membership, link=link)
    messages.success(request, "Portal link turned off. Nobody can open it any more.")
    return HttpResponseRedirect(reverse("client_detail", args=[link.client_id]) + "#portal-link")
