"""Template tags that put recovery on other apps' pages without changing their views."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from keepwarm.recovery.forms import RaisedForm, TopicForm
from keepwarm.recovery.models import Outcome, RecoveryCase, TopicKind, ToughTopic
from keepwarm.recovery.selectors import (
    case_summary,
    recovery_insights,
    recovery_suggestions,
)

register = template.Library()

PAST_CASES = 5
RECENTLY_RAISED = 5


@register.inclusion_tag("recovery/_client_panels_inner.html", takes_context=True)
def recovery_client_panels(context: template.Context) -> dict[str, Any]:
    """Return the client page's recovery, tough-topics and admitted-mistakes panels."""
    request = context["request"]
    client = context["client"]
    membership = request.membership
    today = timezone.localdate()
    cases = list(
        RecoveryCase.objects.filter(client=client)
        .select_related("client")
        .prefetch_related("steps")
        .order_by("-opened_at", "-pk")
    )
    open_case = next((c for c in cases if c.outcome == Outcome.OPEN), None)
    topics = list(
        ToughTopic.objects.filter(client=client)
        .select_related("raised_by")
        .order_by("raise_by", "pk")
    )
    unraised = []
    for topic in topics:
        if topic.raised_at is None:
            days = (topic.raise_by - today).days
            topic.days_left = days  # type: ignore[attr-defined]
            topic.overdue_days = max(0, -days)  # type: ignore[attr-defined]
            topic.raised_form = RaisedForm(auto_id=f"raised-{topic.pk}-%s")  # type: ignore[attr-defined]
            unraised.append(topic)
    raised = sorted(
        (t for t in topics if t.raised_at is not None),
        key=lambda t: t.raised_at or timezone.now(),
        reverse=True,
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "client": client,
        "can_write": membership.can_write,
        "open_case": open_case,
        "open_summary": case_summary(open_case) if open_case else None,
        "past_cases": [c for c in cases if c.outcome != Outcome.OPEN][:PAST_CASES],
        "suggestions": []
        if open_case
        else recovery_suggestions(
            workspace_id=membership.workspace_id, now=timezone.now(), client_ids=[client.pk]
        ),
        "unraised": unraised,
        "raised": raised[:RECENTLY_RAISED],
        "mistakes": [t for t in topics if t.kind == TopicKind.MISTAKE],
        "topic_form": TopicForm(auto_id="topic-new-%s") if membership.can_write else None,
        "today": today,
    }


@register.inclusion_tag("recovery/_insights_inner.html", takes_context=True)
def recovery_insights_section(context: template.Context) -> dict[str, Any]:
    """Return the Insights page's section on recovery cases."""
    membership = context["request"].membership
    return {"recovery": recovery_insights(membership.workspace_id)}
