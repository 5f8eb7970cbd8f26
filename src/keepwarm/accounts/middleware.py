"""Attach the signed-in user's current workspace membership to each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from keepwarm.accounts.models import Membership

SESSION_KEY = "workspace_id"


class CurrentWorkspaceMiddleware:
    """Set `request.membership` (or None) from the workspace chosen in the session."""

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
        return self.get_response(request)
