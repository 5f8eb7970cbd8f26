"""Template tags that put the brief, resources and referrals on the client page."""

from __future__ import annotations

from typing import Any

from django import template

from keepwarm.clients.models import Client
from keepwarm.clients.selectors import referral_sources, resource_suggestions

register = template.Library()


@register.inclusion_tag("brief/_client_panels.html", takes_context=True)
def brief_client_panels(context: template.Context) -> dict[str, Any]:
    """Return the client page's "worth sharing" and referrals panels (three queries)."""
    request = context["request"]
    client: Client = context["client"]
    referrals = list(
        Client.objects.filter(referred_by=client)
        .select_related("referred_by_contact")
        .order_by("-created_at", "-pk")
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "client": client,
        "can_write": request.membership.can_write,
        "suggestions": resource_suggestions(client, list(client.goals.all())),
        "referrals": referrals,
    }


@register.inclusion_tag("brief/_referral_sources.html", takes_context=True)
def referral_sources_section(context: template.Context) -> dict[str, Any]:
    """Return the Insights page's section on where referrals come from (one query)."""
    sources = referral_sources(context["request"].membership.workspace_id)
    return {"sources": sources, "total": sum(s.referred for s in sources)}
