"""The demo's feedback: promoters among the close clients, one unhappy detractor (seed 004)."""

from __future__ import annotations

import datetime as dt
import secrets

from keepwarm.accounts.models import User, Workspace
from keepwarm.clients.models import Client
from keepwarm.demo.routine import Clock
from keepwarm.feedback.models import FeedbackRequest, FeedbackSource
from keepwarm.feedback.selectors import token_hash
from keepwarm.feedback.services import feedback_answer
from keepwarm.interactions.models import Interaction

# (client, kind, score, days ago, comment)
ANSWERS: tuple[tuple[str, str, int, int, str], ...] = (
    ("harbor", "nps", 9, 150, "Very happy with the new booking page."),
    ("harbor", "nps", 10, 40, "Maya always explains things so we understand them. Thank you!"),
    ("northgate", "nps", 8, 120, "Good work, a bit slow over the summer."),
    ("northgate", "nps", 9, 25, "The weekly updates make board meetings much easier."),
    ("fenwick", "csat", 5, 60, "Quick and friendly, as always."),
    ("riverside", "nps", 7, 70, "Fine overall. The invoices could be clearer."),
    ("crumb", "csat", 4, 95, "Nice work on the menu page."),
    (
        "meadowbank",
        "nps",
        4,
        2,
        "Honestly disappointed. Bookings broke, nobody told us, and we waited two days "
        "for an answer.",
    ),
)


def create_feedback(
    workspace: Workspace, clock: Clock, clients: dict[str, Client], users: dict[str, User]
) -> None:
    """Ask by email and answer a day later: promoters, passives and one unhappy detractor."""
    requester = next(iter(users.values()))
    for key, kind, score, days_ago, comment in ANSWERS:
        client = clients[key]
        contact = client.contacts.exclude(email="").order_by("pk").first()
        sent = clock.at(clock.day(-days_ago - 1), "10:00")
        request = FeedbackRequest.objects.create(
            workspace=workspace,
            client=client,
            contact=contact,
            kind=kind,
            via=FeedbackSource.EMAIL,
            token_hash=token_hash(secrets.token_urlsafe(32)),
            sent_at=sent,
            expires_at=sent + dt.timedelta(days=30),
            requested_by=client.owner or requester,
        )
        response = feedback_answer(
            request=request,
            score=score,
            comment=comment,
            # Answered on their portal, so the demo's emails stay those with a Message-ID.
            source=FeedbackSource.PORTAL,
            now=clock.at(clock.day(-days_ago), "14:30"),
        )
        # The story's one message waiting for a reply is Fiona's angry email; Tom already
        # called about the score, which the open recovery case records.
        if response.interaction_id is not None:
            Interaction.objects.filter(pk=response.interaction_id).update(needs_reply=False)
