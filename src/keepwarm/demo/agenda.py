"""The demo's Today: a meeting planned for tomorrow, so there is one to prepare for."""

from __future__ import annotations

from keepwarm.accounts.models import User, Workspace
from keepwarm.clients.models import Client, Contact
from keepwarm.demo.routine import Clock
from keepwarm.interactions.models import Channel, Direction, Interaction


def plan_meetings(
    workspace: Workspace,
    clock: Clock,
    clients: dict[str, Client],
    contacts: dict[tuple[str, int], Contact],
    users: dict[str, User],
) -> None:
    """Put Maya's quarterly review with Lena at Harbor Dental in the diary for tomorrow."""
    # Until calendars are imported, a meeting logged ahead of time is how one is planned.
    meeting = Interaction.objects.create(
        workspace=workspace,
        client=clients["harbor"],
        channel=Channel.MEETING,
        direction=Direction.OUTBOUND,
        occurred_at=clock.at(clock.day(1), "10:00"),
        subject="Quarterly review: bookings and the emergency page",
        body="At the practice, after morning surgery. Bring the booking figures since August.",
        logged_by=users["maya"],
        created_at=clock.at(clock.day(-6), "15:20"),
    )
    meeting.contacts.set([contacts["harbor", 0]])
