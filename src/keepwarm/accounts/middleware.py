"""Attach the signed-in user's current workspace membership to each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from keepwarm.accounts.models import Membership
from keepwarm.accounts.selectors import member_zone

SESSION_KEY = "workspace_id"


class CurrentWorkspaceMiddleware:
    """Set `request.membership` (or None) from the session, and show times in the user's zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = Membership.objects.select_related("workspace").filter(user=user)
            chosen = request.session.get(SESSION_KEY)
            membership = None
            if chosen is not None:
                membership = memberships.filter(workspace_id=chosen).first()
            if membership is None:
                membership = memberships.order_by("created_at", "pk").first()
                if membership is not None:
                    request.session[SESSION_KEY] = membership.workspace_id
            request.membership = membership  # type: ignore[attr-defined]
            if membership is not None:
                timezone.activate(member_zone(user, membership.workspace))
            else:
                try:
                    timezone.activate(user.time_zone)
                except (ValueError, KeyError):
                    # An unknown zone name (say, removed from tzdata) falls back to the default.
                    timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
