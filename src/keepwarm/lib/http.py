"""Small helpers shared by views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page_or_fragment(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render the whole page, or only its fragment for an htmx request."""
    template = fragment if getattr(request, "htmx", False) else page
    return render(request, template, context, status=status)
