"""Reads for the Inbox: messages waiting for a reply, most overdue first, and threads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from keepwarm.accounts.models import Membership
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.lib.text import is_clearly_negative
from keepwarm.lib.words import span_words, target_words
from keepwarm.mail.models import MailMessage


def waiting_for_reply(membership: Membership) -> list[int]:
    """Return the ids of inbound messages needing a reply, most overdue (then oldest) first."""
    rows = Interaction.objects.filter(
        workspace_id=membership.workspace_id, needs_reply=True, direction=Direction.INBOUND
    ).values_list("pk", "occurred_at", "client__response_target_hours")
    # Due = received + the client's target; databases differ too much on interval
    # arithmetic for this to be one portable ORDER BY.
    ordered = sorted(rows, key=lambda r: (r[1] + dt.timedelta(hours=r[2]), r[1], r[0]))
    return [pk for pk, _at, _target in ordered]


def load_inbox(pks: list[int]) -> list[Interaction]:
    """Return these interactions with their clients and people, in the order given."""
    found = Interaction.objects.select_related("client").prefetch_related("contacts").in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


@dataclass
class InboxRow:
    """One message waiting for a reply, as a sentence."""

    interaction: Interaction
    who: str
    waiting: str
    target: str
    late: bool
    negative: bool

    @property
    def sentence(self) -> str:
        return f"Reply to {self.who} — waiting {self.waiting}, target {self.target}"


def inbox_row(interaction: Interaction, now: dt.datetime) -> InboxRow:
    client = interaction.client
    people = list(interaction.contacts.all())
    who = f"{people[0].name} ({client.name})" if people else client.name
    waited = (now - interaction.occurred_at).total_seconds()
    target = client.response_target_hours * 3600
    return InboxRow(
        interaction=interaction,
        who=who,
        waiting=span_words(max(waited, 0)),
        target=target_words(client.response_target_hours),
        late=waited > target,
        negative=is_clearly_negative(interaction.sentiment),
    )


def thread_of(interaction: Interaction) -> list[Interaction]:
    """Return the emails of this message's conversation, oldest first."""
    key = (
        MailMessage.objects.filter(interaction=interaction)
        .values_list("thread_key", flat=True)
        .first()
    )
    queryset = Interaction.objects.filter(
        workspace_id=interaction.workspace_id, client_id=interaction.client_id
    ).prefetch_related("contacts")
    if key:
        ids = MailMessage.objects.filter(
            workspace_id=interaction.workspace_id, thread_key=key, interaction__isnull=False
        ).values("interaction_id")
        queryset = queryset.filter(pk__in=ids)
    elif interaction.message_id and interaction.channel == Channel.EMAIL:
        queryset = queryset.filter(message_id__in=[interaction.message_id, interaction.in_reply_to])
    else:
        queryset = queryset.filter(pk=interaction.pk)
    found = list(queryset.order_by("occurred_at", "pk"))
    return found if any(i.pk == interaction.pk for i in found) else [interaction, *found]
