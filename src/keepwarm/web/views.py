"""The frame's own pages: the front door and the health check."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from keepwarm.accounts.models import User


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send a visitor to first-run setup, the login page, or their Today page."""
    if not User.objects.exists():
        return redirect("first_run")
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("today")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer "ok" when the app is up and its database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
