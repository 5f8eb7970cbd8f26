"""Digest pages: calendar and digest settings, the calendar feed itself, and unsubscribing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.accounts.forms import add_service_errors
from keepwarm.accounts.selectors import member_zone
from keepwarm.digest.calendar import build_feed
from keepwarm.digest.forms import DigestForm
from keepwarm.digest.links import feed_url, membership_for_unsubscribe
from keepwarm.digest.models import CalendarFeed
from keepwarm.digest.services import (
    calendar_feed_create,
    calendar_feed_for_token,
    calendar_feed_revoke,
    calendar_feed_rotate,
    digest_settings_update,
    digest_time_of,
    digest_unsubscribe,
)


def _active_feed(request: MemberRequest) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        membership=request.membership, revoked_at__isnull=True
    ).first()


def _settings_page(
    request: MemberRequest,
    *,
    digest_form: DigestForm | None = None,
    new_url: str = "",
    feed_error: str = "",
    status: int = 200,
) -> HttpResponse:
    membership = request.membership
    initial = {"enabled": membership.digest_enabled, "send_at": digest_time_of(membership)}
    zone = str(member_zone(request.user, membership.workspace))
    context: dict[str, Any] = {
        "feed": _active_feed(request),
        "new_url": new_url,
        "feed_error": feed_error,
        "digest_form": digest_form or DigestForm(initial=initial, zone=zone),
        "is_demo": membership.workspace.is_demo,
    }
    return render(request, "digest/calendar_settings.html", context, status=status)


@member_required
@require_GET
def calendar_settings(request: MemberRequest) -> HttpResponse:
    """Show the member's calendar link and daily digest settings."""
    return _settings_page(request)


@member_required
@require_http_methods(["GET", "POST"])
def calendar_feed_new(request: MemberRequest) -> HttpResponse:
    """Create the member's calendar link, or confirm and then replace the one they have."""
    replacing = request.POST.get("replace") == "1"
    if request.method == "GET":
        if _active_feed(request) is None:
            return redirect("calendar_settings")
        return render(request, "digest/calendar_feed_new.html")
    try:
        if replacing:
            _, raw = calendar_feed_rotate(membership=request.membership)
        else:
            _, raw = calendar_feed_create(membership=request.membership)
    except ValidationError as error:
        return _settings_page(request, feed_error=" ".join(error.messages), status=400)
    # Rendered, not redirected: the secret is never stored, so it can be shown only now.
    return _settings_page(request, new_url=feed_url(raw))


@member_required
@require_http_methods(["GET", "POST"])
def calendar_feed_revoke_view(request: MemberRequest) -> HttpResponse:
    """Confirm, then turn off the member's calendar link."""
    if request.method == "GET":
        if _active_feed(request) is None:
            return redirect("calendar_settings")
        return render(request, "digest/calendar_feed_revoke.html")
    if calendar_feed_revoke(membership=request.membership) is not None:
        messages.success(
            request, "Your calendar link is turned off. Calendars using it stop updating."
        )
    return redirect("calendar_settings")


@member_required
@require_http_methods(["GET", "POST"])
def digest_settings(request: MemberRequest) -> HttpResponse:
    """Save whether the member gets the daily digest, and when."""
    if request.method == "GET":
        return redirect(reverse("calendar_settings") + "#digest")
    zone = str(member_zone(request.user, request.membership.workspace))
    form = DigestForm(request.POST, zone=zone)
    if form.is_valid():
        try:
            digest_settings_update(
                membership=request.membership,
                enabled=form.cleaned_data["enabled"],
                send_at=form.cleaned_data["send_at"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            when = form.cleaned_data["send_at"].strftime("%H:%M")
            messages.success(
                request,
                f"Saved. Your digest comes each day at {when}."
                if form.cleaned_data["enabled"]
                else "Saved. You will not get the daily digest.",
            )
            return redirect(reverse("calendar_settings") + "#digest")
    return _settings_page(request, digest_form=form, status=400)


# Public pages: the secret in the address is the key ----------------------------------------


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve a member's calendar to any calendar app that has the secret link."""
    feed = calendar_feed_for_token(token)
    if feed is None:
        raise Http404("Not found")
    calendar = build_feed(feed.membership, now=timezone.now())
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="keepwarm.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


# One-click unsubscribing (RFC 8058) posts with no page and no cookie: the signed token is the
# proof, so a CSRF token would add nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def digest_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm (GET), then turn off (POST) a member's daily digest from the email's link."""
    membership = membership_for_unsubscribe(token)
    if membership is None:
        raise Http404("Not found")
    done = False
    if request.method == "POST":
        digest_unsubscribe(membership=membership)
        done = True
    context = {
        "target": membership,
        "done": done,
        "enabled": membership.digest_enabled,
    }
    response = render(request, "digest/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
