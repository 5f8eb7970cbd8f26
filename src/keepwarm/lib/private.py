"""Headers for pages a client opens without an account: never cached, indexed or referred."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP, build_policy

# Used when the site sets no Content-Security-Policy of its own (SECURE_CSP): these pages
# load only our own stylesheet and images, run no script and may not be framed.
PRIVATE_PAGE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}


def private_headers(response: HttpResponse) -> HttpResponse:
    """Mark a response as private to one client: no store, no referrer, no index, a strict CSP."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    policy = getattr(settings, "SECURE_CSP", None) or PRIVATE_PAGE_CSP
    response[str(CSP.HEADER_ENFORCE)] = build_policy(policy)
    return response


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send every response of this view, errors included, with `private_headers`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            # The same plain page for a wrong, revoked or expired link: nothing to tell apart.
            response = render(request, "private/404.html", status=404)
        return private_headers(response)

    return wrapper


def client_ip(request: HttpRequest) -> str:
    """Return the address the request came from (the proxy's, unless Django is told otherwise)."""
    return str(request.META.get("REMOTE_ADDR", ""))
