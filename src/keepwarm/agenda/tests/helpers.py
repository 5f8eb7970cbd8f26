"""Shared set-up for the agenda tests: a frozen Wednesday and quick ways to make history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from keepwarm.accounts.models import Membership, User
from keepwarm.agenda.selectors import agenda_for
from keepwarm.agenda.types import AgendaItem
from keepwarm.clients.models import Client, Contact
from keepwarm.commitments.models import Commitment
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase
from keepwarm.trust.models import TrustSnapshot

# Wednesday 11 March 2026, midday UTC: the same day in every zone the tests use.
NOW = dt.datetime(2026, 3, 11, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def days_ago(days: float, hour: int | None = None) -> dt.datetime:
    """Return the moment `days` before NOW (at `hour` UTC that day, when given)."""
    moment = NOW - dt.timedelta(days=days)
    return moment if hour is None else moment.replace(hour=hour, minute=0)


class AgendaTestCase(BaseTestCase):
    """Clients created yesterday (no check-in due yet), owned by alice unless told otherwise."""

    def make_client(self, name: str = "Harbor Dental", **fields: Any) -> Client:
        data: dict[str, Any] = {
            "workspace": self.workspace,
            "name": name,
            "owner": self.alice,
            "created_at": days_ago(1),
        }
        data.update(fields)
        return Client.objects.create(**data)

    def make_contact(self, client: Client, name: str = "Lena Ortiz") -> Contact:
        return Contact.objects.create(
            workspace=self.workspace, client=client, name=name, email="lena@harbor.example"
        )

    def log(
        self,
        client: Client,
        *,
        at: dt.datetime,
        channel: str = "email",
        direction: str = "outbound",
        contacts: tuple[Contact, ...] = (),
        **fields: Any,
    ) -> Interaction:
        interaction = Interaction.objects.create(
            workspace=self.workspace,
            client=client,
            channel=channel,
            direction=direction,
            occurred_at=at,
            **fields,
        )
        if contacts:
            interaction.contacts.set(contacts)
        return interaction

    def promise(self, client: Client, *, due_on: dt.date, **fields: Any) -> Commitment:
        data: dict[str, Any] = {"what": "Send the revised quote", "created_at": days_ago(10)}
        data.update(fields)
        return Commitment.objects.create(
            workspace=self.workspace, client=client, due_on=due_on, **data
        )

    def band(self, client: Client, day: dt.date, band: str) -> TrustSnapshot:
        return TrustSnapshot.objects.create(
            workspace=self.workspace, client=client, day=day, total=50.0, band=band
        )

    def items(
        self,
        *kinds: str,
        membership: Membership | None = None,
        mine: bool = True,
        client_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> list[AgendaItem]:
        return agenda_for(
            membership=membership or self.alice_m,
            now=now or NOW,
            mine=mine,
            kinds=kinds or None,
            client_id=client_id,
        )

    def keys(self, *kinds: str, **kwargs: Any) -> list[str]:
        return [item.key for item in self.items(*kinds, **kwargs)]

    def one(self, *kinds: str, **kwargs: Any) -> AgendaItem:
        found = self.items(*kinds, **kwargs)
        self.assertEqual(len(found), 1, [item.sentence for item in found])
        return found[0]


def fresh(membership: Membership) -> Membership:
    """Return the membership re-read, as a request would have it."""
    found = Membership.objects.select_related("workspace", "user").get(pk=membership.pk)
    assert isinstance(found.user, User)
    return found
