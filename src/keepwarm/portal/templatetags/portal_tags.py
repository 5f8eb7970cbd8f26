"""Template tags for the team's side: the client's portal link, and "read by the client"."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import dateformat, timezone

from keepwarm.portal.views import portal_link_context

register = template.Library()


@register.inclusion_tag("portal/_link_panel.html", takes_context=True)
def portal_link_panel(context: template.Context, client: Any) -> dict[str, Any]:
    """Render the "Client portal" panel of a client page."""
    return portal_link_context(context["request"], client)


@register.simple_tag
def report_read_note(report: Any) -> str:
    """Return "Read by the client on 3 Dec 2026" for a report opened on the portal, else ""."""
    read = getattr(report, "portal_read", None) if report is not None else None
    if read is None:
        return ""
    day = timezone.localtime(read.read_at)
    return f"Read by the client on {dateformat.format(day, 'j M Y')}"
