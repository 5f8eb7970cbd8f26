"""Agenda items from feedback: unhappy clients, and clients it is time to ask (issue 7).

Two builders in the shape of those in `agenda/kinds.py`, for `_agenda` to call when their
kinds are wanted: `unhappy_client` (the newest answer was a low score, NPS 6 or less or
CSAT 2 or less, or a negative comment; the item offers a recovery case, filled in) and
`ask_feedback` (nobody there was asked in 90 days, or a job report went out since; never
during the quiet period, never to a person with an open request).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from keepwarm.agenda.kinds import Run, url_maker
from keepwarm.agenda.types import OVERDUE, UPCOMING
from keepwarm.agenda.words import when_words, who
from keepwarm.clients.models import Client
from keepwarm.feedback.selectors import feedback_due, unhappy_clients

KINDS = {
    "unhappy_client": "Unhappy clients",
    "ask_feedback": "Ask for feedback",
}

# A low score stays on the agenda this long unless someone acts on it first.
UNHAPPY_DAYS = 30


def unhappy(run: Run, workspace_id: int, client_id: int | None) -> None:
    """Add one item per client whose newest feedback says they are unhappy."""
    for answer in unhappy_clients(workspace_id, run.now - dt.timedelta(days=UNHAPPY_DAYS)):
        client = run.clients.get(answer.client_id)
        if client is None or (client_id is not None and answer.client_id != client_id):
            continue
        day = run.local_date(answer.when)
        said = f": “{answer.comment[:120]}”" if answer.comment.strip() else ""
        what_happened = (
            f"{answer.contact_name or client.name} gave us {answer.score_words} on "
            f"{day:%d %b %Y}{': ' + answer.comment if answer.comment else '.'}"
        )
        query = urlencode({"signal": "low_feedback", "what_happened": what_happened[:1000]})
        run.add(
            client,
            key=f"unhappy_client:{client.pk}",
            kind="unhappy_client",
            cause=str(answer.response_id),
            sentence=(
                f"{who(answer.contact_name, client.name)} is unhappy — gave us "
                f"{answer.score_words} {when_words(day, run.today)}{said}"
            ),
            reason=f"a low feedback score {when_words(day, run.today)}",
            action="Open a recovery case",
            url=reverse("recovery_case_create", args=[client.pk]) + "?" + query,
            due=day,
            state=OVERDUE,
            overdue_days=max(0, (run.today - day).days),
            since=answer.when,
            interaction_id=answer.interaction_id,
            contact_id=answer.contact_id,
            pinned=True,
        )


def ask(run: Run, workspace_id: int, covered: QuerySet[Client]) -> None:
    """Add one item per client it is time to ask for feedback, naming the person to ask."""
    url = url_maker("feedback_request_create")
    for due in feedback_due(workspace_id, run.now, covered.values_list("pk", flat=True)):
        client = run.clients.get(due.client_id)
        if client is None:
            continue
        run.add(
            client,
            key=f"ask_feedback:{client.pk}",
            kind="ask_feedback",
            cause=due.last_asked_at.isoformat() if due.last_asked_at else "never",
            sentence=f"Ask {who(due.contact_name, client.name)} how it is going — {due.reason}",
            reason=due.reason,
            action="Ask for feedback",
            url=url(client.pk),
            due=run.today,
            state=UPCOMING,
            contact_id=due.contact_id,
        )
