"""Today: what each relationship needs now, computed set-based in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from keepwarm.accounts.models import Membership
from keepwarm.accounts.selectors import member_zone
from keepwarm.agenda import kinds as build
from keepwarm.agenda import sources_feedback as feedback_items
from keepwarm.agenda import sources_recovery as recovery_items
from keepwarm.agenda import sources_referrals as referral_items
from keepwarm.agenda.kinds import ActionRow, ClientRow, Run, url_maker
from keepwarm.agenda.models import AgendaAction, AgendaActionKind
from keepwarm.agenda.types import KINDS, AgendaItem
from keepwarm.clients.models import Client, ClientStatus, ImportantDate, PersonalFact
from keepwarm.commitments.models import Commitment
from keepwarm.interactions.models import Direction, Interaction
from keepwarm.recovery.models import ToughTopic
from keepwarm.trust.models import TrustSnapshot
from keepwarm.trust.scoring import TOUCH_CHANNELS
from keepwarm.trust.services import workspace_zone

# A band lower than this many days ago is "trust falling".
TRUST_FALL_DAYS = 7


def _clients(membership: Membership, *, mine: bool, client_id: int | None) -> QuerySet[Client]:
    """Return the clients the agenda covers: not former; mine = owned by me or by nobody."""
    clients = Client.objects.filter(workspace_id=membership.workspace_id).exclude(
        status=ClientStatus.FORMER
    )
    if mine:
        clients = clients.filter(Q(owner_id=membership.user_id) | Q(owner_id__isnull=True))
    if client_id is not None:
        clients = clients.filter(pk=client_id)
    return clients


def _load_clients(
    clients: QuerySet[Client], now: dt.datetime, trust_day: dt.date, *, falls: bool
) -> dict[int, ClientRow]:
    """Return the covered clients with their last touch and trust band now (and a week ago)."""
    # Our last touch: anything we sent, or a call, meeting or visit either way. Newest first
    # along the (client, occurred_at) index: a few rows per client.
    touches = Interaction.objects.filter(client=OuterRef("pk"), occurred_at__lte=now).filter(
        Q(direction=Direction.OUTBOUND) | Q(direction=Direction.INBOUND, channel__in=TOUCH_CHANNELS)
    )
    snapshots = TrustSnapshot.objects.filter(client=OuterRef("pk")).exclude(band="")
    week = dt.timedelta(days=TRUST_FALL_DAYS)
    annotations: dict[str, Any] = {
        "last_touch": Subquery(touches.order_by("-occurred_at").values("occurred_at")[:1]),
        "band_now": Subquery(
            snapshots.filter(day__lte=trust_day, day__gt=trust_day - week)
            .order_by("-day")
            .values("band")[:1]
        ),
    }
    if falls:
        annotations["band_before"] = Subquery(
            snapshots.filter(day__lte=trust_day - week, day__gt=trust_day - 2 * week)
            .order_by("-day")
            .values("band")[:1]
        )
    rows = clients.annotate(**annotations).values_list(
        "pk",
        "name",
        "owner_id",
        "response_target_hours",
        "check_in_every_days",
        "created_at",
        "last_touch",
        "band_now",
        *(["band_before"] if falls else []),
    )
    found = {}
    for row in rows.order_by():
        pk, name, owner_id, target, cadence, created_at, touched, band, *before = row
        found[pk] = ClientRow(
            pk, name, owner_id, target, cadence, created_at, touched, band or "",
            (before[0] or "") if before else "",
            None if touched is None else max(0, (now - touched).days),
        )  # fmt: skip
    return found


def _load_actions(run: Run, covered: QuerySet[Client], workspace_id: int) -> None:
    """Read what members did with items of these clients: the latest action on each item."""
    rows = (
        AgendaAction.objects.filter(workspace_id=workspace_id, client__in=covered.values("pk"))
        .order_by("created_at", "pk")
        .values_list("key", "action", "cause", "snooze_until", "created_at", "client_id", "kind")
    )
    for key, action, cause, until, created_at, client_id, kind in rows:
        run.actions[key] = ActionRow(action, cause, until)
        if kind == "check_in" and action == AgendaActionKind.DONE:
            run.check_ins_done[client_id] = created_at


# The agenda --------------------------------------------------------------------------------


def agenda_for(
    *,
    membership: Membership,
    now: dt.datetime | None = None,
    mine: bool = True,
    kinds: Collection[str] | None = None,
    client_id: int | None = None,
) -> list[AgendaItem]:
    """Return what needs this member now, most urgent first, in a fixed number of queries.

    `mine` keeps the clients the member owns and those nobody owns; `kinds` keeps only those
    kinds of item; `client_id` keeps one client. Former clients never appear, nor items
    done, dismissed or snoozed while their cause stays the same.
    """
    return _agenda(membership, now=now, mine=mine, kinds=kinds, client_id=client_id)


def _agenda(
    membership: Membership,
    *,
    now: dt.datetime | None,
    mine: bool,
    kinds: Collection[str] | None,
    client_id: int | None,
    hide_acted: bool = True,
) -> list[AgendaItem]:
    now = now or timezone.now()
    workspace = membership.workspace
    zone = member_zone(membership.user, workspace)
    wanted = set(KINDS) if kinds is None else set(kinds) & set(KINDS)
    if not wanted:
        return []
    trust_day = now.astimezone(workspace_zone(workspace)).date()
    covered = _clients(membership, mine=mine, client_id=client_id)
    clients = _load_clients(covered, now, trust_day, falls="trust_falling" in wanted)
    if not clients:
        return []
    run = Run(
        now=now,
        zone=zone,
        today=now.astimezone(zone).date(),
        clients=clients,
        hide_acted=hide_acted,
        urls={
            "client": url_maker("client_detail"),
            "contact": url_maker("contact_detail"),
            "meeting_brief": url_maker("meeting_brief"),
        },
    )
    workspace_id = membership.workspace_id
    _load_actions(run, covered, workspace_id)
    if "reply" in wanted:
        build.replies(run, covered, workspace_id)
    if "promise" in wanted:
        build.promises(run, covered, workspace_id)
    if "report_due" in wanted:
        build.reports(run, covered, workspace_id)
    if "check_in" in wanted:
        build.check_ins(run)
    if "trust_falling" in wanted:
        build.trust_falls(run)
    if wanted & {"meeting_prep", "value_add"}:
        build.meetings(run, covered, workspace_id, wanted)
    if wanted & {"follow_up", "personal_date"}:
        build.facts(run, covered, workspace_id, wanted)
    if "unhappy_client" in wanted:
        feedback_items.unhappy(run, workspace_id, client_id)
    if "ask_feedback" in wanted:
        feedback_items.ask(run, workspace_id, covered)
    if "suggest_recovery" in wanted:
        recovery_items.suggested_recoveries(run, workspace_id, covered)
    if "tough_topic" in wanted:
        recovery_items.tough_topics(run, workspace_id, covered)
    if "thank_referrer" in wanted:
        referral_items.thank_referrers(run, workspace_id, covered)
    if "ask_referral" in wanted:
        referral_items.ask_referrals(run, workspace_id, covered)
    if "personal_date" in wanted:
        build.personal_dates(run, covered, workspace_id)
    run.items.sort(key=lambda pair: pair[0])
    return [item for _, item in run.items]


# What each key names: the model its id belongs to and the path from it to the client.
_KEY_SUBJECTS: dict[str, tuple[type[Model], str]] = {
    "reply": (Interaction, "client_id"),
    "meeting_prep": (Interaction, "client_id"),
    "value_add": (Interaction, "client_id"),
    "promise": (Commitment, "client_id"),
    "check_in": (Client, "pk"),
    "trust": (Client, "pk"),
    "report": (Client, "pk"),
    "date": (ImportantDate, "contact__client_id"),
    "fact": (PersonalFact, "contact__client_id"),
    "fact_day": (PersonalFact, "contact__client_id"),
    "unhappy_client": (Client, "pk"),
    "ask_feedback": (Client, "pk"),
    "suggest_recovery": (Client, "pk"),
    "tough_topic": (ToughTopic, "client_id"),
    "thank_referrer": (Client, "referred_by_id"),
    "ask_referral": (Client, "pk"),
}


def key_client_id(membership: Membership, key: str) -> int:
    """Return the client an item key is about, or 404 when it names nothing in this workspace."""
    prefix, _, rest = key.partition(":")
    subject = _KEY_SUBJECTS.get(prefix)
    pk = rest.split(":", 1)[0]
    if subject is None or not pk.isdigit() or len(pk) > 18:
        raise Http404("Not found")
    model, path = subject
    found = (
        model._default_manager.filter(workspace_id=membership.workspace_id, pk=int(pk))
        .values_list(path, flat=True)
        .first()
    )
    if found is None:
        raise Http404("Not found")
    return int(found)


def find_item(*, membership: Membership, key: str, now: dt.datetime | None = None) -> AgendaItem:
    """Return the item with this key as it stands now, acted on or not.

    404 when the key names nothing in the member's workspace; ValidationError when it names
    something that is not on the agenda now (a promise not yet due, a message answered).
    """
    client_id = key_client_id(membership, key)
    items = _agenda(
        membership, now=now, mine=False, kinds=None, client_id=client_id, hide_acted=False
    )
    for item in items:
        if item.key == key:
            return item
    raise ValidationError("This is not on the agenda now: it may have been done already.")
