"""Reads of the outbox."""

from __future__ import annotations

from django.db.models import QuerySet

from keepwarm.messaging.models import MessageState, OutboundMessage

# The filter that shows what needs a person: emails Keepwarm will not resolve by itself.
ATTENTION = "attention"
ATTENTION_STATES = (MessageState.FAILED, MessageState.UNCERTAIN)


def outbox_messages(*, workspace_id: int, state: str = "") -> QuerySet[OutboundMessage]:
    """Return the workspace's emails, newest first, in one state, needing attention, or all."""
    messages = OutboundMessage.objects.filter(workspace_id=workspace_id)
    if state == ATTENTION:
        messages = messages.filter(state__in=ATTENTION_STATES)
    elif state:
        messages = messages.filter(state=state)
    # Lists never show the bodies, which may be long.
    return messages.defer("body_text", "body_html").order_by("-created_at", "-pk")


def outbox_attention_count(*, workspace_id: int) -> int:
    """Return how many of the workspace's emails failed or may not have been delivered."""
    return OutboundMessage.objects.filter(
        workspace_id=workspace_id, state__in=ATTENTION_STATES
    ).count()
