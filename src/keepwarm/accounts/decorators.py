"""View decorators: signed in, and a member of the current workspace."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from keepwarm.accounts.models import Membership, User

    class MemberRequest(HttpRequest):
        user: User
        membership: Membership
        htmx: HtmxDetails
else:
    MemberRequest = HttpRequest


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Require a signed-in user with a membership in the current workspace."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "membership", None) is None:
            return redirect("no_workspace")
        return view(request, *args, **kwargs)

    return wrapper
