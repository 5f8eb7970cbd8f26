"""JSON API for Today: list the agenda, and mark an item done, snooze it or dismiss it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from keepwarm.agenda import services
from keepwarm.agenda.models import AgendaAction, AgendaActionKind
from keepwarm.agenda.selectors import agenda_for
from keepwarm.clients.access import get_client_for_member
from keepwarm.lib.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    InSchema,
    IsoDate,
    PageIn,
    PageOut,
    QueryBool,
    Text,
    member,
    paginate,
)

router = Router(tags=["agenda"])

# The kinds of item (agenda.types.KINDS), spelled out for the schema.
KindName = Literal[
    "reply",
    "promise",
    "report_due",
    "unhappy_client",
    "suggest_recovery",
    "check_in",
    "trust_falling",
    "tough_topic",
    "meeting_prep",
    "value_add",
    "ask_feedback",
    "thank_referrer",
    "ask_referral",
    "follow_up",
    "personal_date",
]
KEY_HELP = 'The item\'s key, as the list gives it: "promise:12", "reply:40", "check_in:3".'


class AgendaItemOut(Schema):
    key: str = Field(description=KEY_HELP)
    kind: KindName
    client_id: int
    client_name: str
    owner_id: int | None = Field(description="The client's owner.")
    sentence: str = Field(description="What to do, as a sentence.")
    reason: str = Field(description='Why it is here and where it sorts: "overdue 3 days".')
    why: str = Field(description="The order explained: lateness, trust band, last contact.")
    state: Literal["overdue", "due", "upcoming"]
    action: str = Field(description='The action to take: "Reply", "Check in".')
    due: dt.date | None = Field(description="The day it should be done by.")
    overdue_days: int = Field(description="Whole days past due; 0 when not overdue.")
    url: str = Field(description="The page where it is done (a path on this site).")
    band: str = Field(description="The client's trust band now; empty without enough history.")
    last_contact_days: int | None = Field(description="Days since we last got in touch.")
    commitment_id: int | None = None
    interaction_id: int | None = None
    contact_id: int | None = None
    fact_id: int | None = None
    date_id: int | None = None
    report_id: int | None = None


class AgendaPageOut(PageOut):
    results: list[AgendaItemOut]


class AgendaFilters(PageIn):
    mine: QueryBool = Field(
        True, description="true: clients the token's user owns, and those nobody owns."
    )
    kind: KindName | None = None
    client_id: int | None = None


class AgendaActionOut(Schema):
    id: int
    key: str
    kind: str
    client_id: int
    action: AgendaActionKind
    snooze_until: dt.date | None
    reason: str
    by_id: int | None = Field(description="The user who acted.")
    created_at: dt.datetime


class SnoozeIn(InSchema):
    until: IsoDate = Field(description="The day it comes back: after today, within a year.")
    reason: Text = Field("", max_length=300)


class DismissIn(InSchema):
    reason: Text = Field(min_length=1, max_length=300, description="Why it needs no doing.")


@router.get("", response={200: AgendaPageOut, **READ_ERRORS})
def agenda_list(request: HttpRequest, filters: Query[AgendaFilters]) -> dict[str, Any]:
    """List what needs the token's user now, most urgent first."""
    membership = member(request)
    client_id = None
    if filters.client_id is not None:
        client_id = get_client_for_member(membership, filters.client_id).pk
    items = agenda_for(
        membership=membership,
        mine=filters.mine,
        kinds=[filters.kind] if filters.kind else None,
        client_id=client_id,
    )
    return paginate(request, items, filters)


@router.post("/{item_key}/done", response={200: AgendaActionOut, **WRITE_ERRORS})
def agenda_item_done(request: HttpRequest, item_key: str) -> AgendaAction:
    """Mark an item done: a promise kept (late if overdue), a message answered, a check-in made."""
    return services.agenda_item_done(membership=member(request), key=item_key)


@router.post("/{item_key}/snooze", response={200: AgendaActionOut, **WRITE_ERRORS})
def agenda_item_snooze(request: HttpRequest, item_key: str, payload: SnoozeIn) -> AgendaAction:
    """Hide an item until a day; it comes back sooner if its cause changes."""
    return services.agenda_item_snooze(
        membership=member(request), key=item_key, until=payload.until, reason=payload.reason
    )


@router.post("/{item_key}/dismiss", response={200: AgendaActionOut, **WRITE_ERRORS})
def agenda_item_dismiss(request: HttpRequest, item_key: str, payload: DismissIn) -> AgendaAction:
    """Dismiss an item with a reason; it stays away until its cause changes."""
    return services.agenda_item_dismiss(
        membership=member(request), key=item_key, reason=payload.reason
    )
