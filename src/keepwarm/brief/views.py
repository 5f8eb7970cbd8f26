"""The meeting-prep brief page: one client, or one planned meeting with them."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.brief.selectors import brief_for
from keepwarm.clients.access import get_client_for_member
from keepwarm.interactions.access import get_interaction_for_member
from keepwarm.interactions.models import Channel


@member_required
@require_GET
def client_brief(request: MemberRequest, client_id: int) -> HttpResponse:
    """Show a client's brief, with the next meeting planned if there is one."""
    client = get_client_for_member(request.membership, client_id)
    brief = brief_for(client)
    return render(request, "brief/brief.html", {"nav": "clients", "brief": brief})


@member_required
@require_GET
def meeting_brief(request: MemberRequest, interaction_id: int) -> HttpResponse:
    """Show the brief for one meeting with a client."""
    meeting = get_interaction_for_member(request.membership, interaction_id)
    if meeting.channel != Channel.MEETING:
        raise Http404("Not a meeting")
    brief = brief_for(meeting.client, meeting=meeting)
    return render(request, "brief/brief.html", {"nav": "clients", "brief": brief})
