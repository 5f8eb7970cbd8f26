"""Agenda items from recovery: suggested recovery cases and tough topics due (issue 8).

Two builders in the shape of those in `agenda/kinds.py`, for `_agenda` to call when their
kinds are wanted: `suggest_recovery` (a signal that a client may be losing trust; the item
opens the new-case form filled in, and never opens a case by itself) and `tough_topic`
(a hard conversation due within a week, or past its date unraised).
"""

from __future__ import annotations

from django.db.models import QuerySet

from keepwarm.agenda.kinds import Run
from keepwarm.agenda.types import DUE, OVERDUE, UPCOMING
from keepwarm.agenda.words import when_words
from keepwarm.clients.models import Client
from keepwarm.lib.words import plural
from keepwarm.recovery.selectors import recovery_suggestions, tough_topics_due

KINDS = {
    "suggest_recovery": "Trust at risk",
    "tough_topic": "Tough topics to raise",
}

SIGNAL_REASONS = {
    "negative_message": "a clearly upset message",
    "slow_reply": "a reply over three times the target",
    "broken_promise": "a broken promise",
    "missed_reports": "two status reports missed",
    "low_feedback": "a low feedback score",
}


def suggested_recoveries(run: Run, workspace_id: int, covered: QuerySet[Client]) -> None:
    """Add one item per client and signal that suggests opening a recovery case."""
    for suggestion in recovery_suggestions(
        workspace_id=workspace_id, now=run.now, client_ids=covered.values_list("pk", flat=True)
    ):
        client = run.clients.get(suggestion.client_id)
        # A low score already has its own item on top ("… is unhappy"), which offers the case.
        if client is None or suggestion.signal == "low_feedback":
            continue
        day = run.local_date(suggestion.happened_at)
        reason = f"{SIGNAL_REASONS[suggestion.signal]} {when_words(day, run.today)}"
        run.add(
            client,
            key=f"suggest_recovery:{client.pk}:{suggestion.signal}",
            kind="suggest_recovery",
            cause=suggestion.happened_at.isoformat(),
            sentence=f"{suggestion.sentence} — consider a recovery case",
            reason=reason,
            action="Open a recovery case",
            url=suggestion.url,
            due=run.today,
            state=DUE,
            since=suggestion.happened_at,
        )


def tough_topics(run: Run, workspace_id: int, covered: QuerySet[Client]) -> None:
    """Add the tough topics due within a week, and those past their date unraised."""
    for topic in tough_topics_due(
        workspace_id=workspace_id, today=run.today, client_ids=covered.values_list("pk", flat=True)
    ):
        client = run.clients.get(topic.client_id)
        if client is None:
            continue
        if topic.overdue:
            reason = f"not raised, {plural(topic.overdue_days, 'day')} past its date"
        else:
            reason = f"raise it {when_words(topic.raise_by, run.today)}"
        run.add(
            client,
            key=f"tough_topic:{topic.topic_id}",
            kind="tough_topic",
            cause=topic.raise_by.isoformat(),
            sentence=topic.sentence,
            reason=reason,
            action="Raise it",
            url=topic.url,
            due=topic.raise_by,
            state=OVERDUE if topic.overdue else (DUE if topic.raise_by == run.today else UPCOMING),
            overdue_days=topic.overdue_days,
        )
