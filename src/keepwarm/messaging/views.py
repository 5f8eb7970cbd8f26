"""The outbox pages: every email Keepwarm sent or will send, and what to do when one is stuck."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keepwarm.accounts.access import require_manage
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.lib.http import render_page_or_fragment
from keepwarm.messaging import services
from keepwarm.messaging.access import get_message_for_member
from keepwarm.messaging.forms import OutboxFilterForm
from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.selectors import ATTENTION, outbox_attention_count, outbox_messages

PAGE_SIZE = 50

STATE_BADGES: dict[str, str] = {
    MessageState.SENT: "badge-ok",
    MessageState.RETRYING: "badge-due",
    MessageState.UNCERTAIN: "badge-due",
    MessageState.FAILED: "badge-overdue",
}


def state_badge(message: OutboundMessage) -> str:
    """Return the badge class that goes with an email's state (its word is always shown)."""
    return STATE_BADGES.get(message.state, "")


@require_GET
@member_required
def outbox(request: MemberRequest) -> HttpResponse:
    """List the workspace's emails, newest first, with what to do about stuck ones."""
    membership = request.membership
    require_manage(membership)
    form = OutboxFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page = Paginator(
        outbox_messages(workspace_id=membership.workspace_id, state=state), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for message in page.object_list:
        message.badge = state_badge(message)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page": page,
        "state": state,
        "attention": outbox_attention_count(workspace_id=membership.workspace_id),
        "attention_filter": ATTENTION,
        "nav": "outbox",
    }
    return render_page_or_fragment(
        request, "messaging/outbox.html", "messaging/_outbox_results.html", context
    )


@require_GET
@member_required
def outbox_message(request: MemberRequest, message_id: int) -> HttpResponse:
    """Show one email as it was (or will be) sent, and its delivery history."""
    message = get_message_for_member(request.membership, message_id)
    message.badge = state_badge(message)  # type: ignore[attr-defined]
    return render(request, "messaging/outbox_message.html", {"message": message, "nav": "outbox"})


def _act(
    request: MemberRequest,
    message_id: int,
    *,
    action: str,
    template: str,
    done: str,
) -> HttpResponse:
    message = get_message_for_member(request.membership, message_id)
    if request.method == "POST":
        service = (
            services.message_send_again if action == "send_again" else services.message_mark_sent
        )
        try:
            service(membership=request.membership, message=message)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done.format(subject=message.subject))
        return HttpResponseRedirect(reverse("outbox_message", args=[message.pk]))
    context: dict[str, Any] = {"message": message, "nav": "outbox"}
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@member_required
def outbox_send_again(request: MemberRequest, message_id: int) -> HttpResponse:
    """Confirm, then queue a failed or uncertain email to be sent once more."""
    return _act(
        request,
        message_id,
        action="send_again",
        template="messaging/outbox_send_again.html",
        done="“{subject}” will be sent again in a moment.",
    )


@require_http_methods(["GET", "POST"])
@member_required
def outbox_mark_sent(request: MemberRequest, message_id: int) -> HttpResponse:
    """Confirm, then record that a failed or uncertain email did reach its reader."""
    return _act(
        request,
        message_id,
        action="mark_sent",
        template="messaging/outbox_mark_sent.html",
        done="“{subject}” is marked as sent.",
    )
