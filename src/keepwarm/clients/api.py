"""JSON API for the client record: clients, contacts, goals, personal facts, important dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from keepwarm.accounts.access import get_teammate_for_member, require_write
from keepwarm.accounts.models import Membership
from keepwarm.accounts.selectors import time_zone_choices
from keepwarm.clients import services
from keepwarm.clients.access import (
    get_client_for_member,
    get_contact_for_member,
    get_date_for_member,
    get_fact_for_member,
    get_goal_for_member,
)
from keepwarm.clients.models import (
    Client,
    ClientKind,
    ClientStatus,
    Contact,
    DateKind,
    FactCategory,
    Goal,
    GoalPriority,
    GoalStatus,
    ImportantDate,
    PersonalFact,
    PreferredChannel,
    ReportCadence,
    Weekday,
)
from keepwarm.clients.selectors import client_search
from keepwarm.interactions.models import Direction
from keepwarm.lib.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InSchema,
    IsoDate,
    LocalTime,
    PageIn,
    PageOut,
    PatchSchema,
    Text,
    WholeNumber,
    member,
    paginate,
    unset,
)

router = Router()
clients = Router(tags=["clients"])
contacts = Router(tags=["contacts"])
goals = Router(tags=["goals"])
facts = Router(tags=["personal facts"])
dates = Router(tags=["important dates"])

MAX_POSITIVE_INT = 2_147_483_647
MAX_POSITIVE_SMALL_INT = 32_767


def _time_zone(value: str) -> str:
    if value not in TIME_ZONES:
        raise ValueError("Choose a time zone such as Europe/London.")
    return value


def _money(value: Any) -> Any:
    # Money travels as text ("1200.50") or a whole number; a binary fraction would round.
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError('Give the amount as text, such as "1200.50", or as a whole number.')


TIME_ZONES = [name for name, _ in time_zone_choices()]
TimeZoneName = Annotated[
    str, AfterValidator(_time_zone), WithJsonSchema({"type": "string", "enum": TIME_ZONES})
]
Hours = Annotated[int, Field(ge=0, le=MAX_POSITIVE_INT), WholeNumber]
ReadingEase = Annotated[int, Field(ge=0, le=MAX_POSITIVE_SMALL_INT), WholeNumber]
MONEY_LIMIT = 10**10 - 1
MONEY_PATTERN = r"^-?\d{1,10}(\.\d{1,2})?$"
Money = Annotated[
    Decimal,
    Field(max_digits=12, decimal_places=2, allow_inf_nan=False),
    BeforeValidator(_money),
    AfterValidator(lambda value: value.quantize(Decimal("0.01"))),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": MONEY_PATTERN, "examples": ["12000.00"]},
                {"type": "integer", "minimum": -MONEY_LIMIT, "maximum": MONEY_LIMIT},
            ]
        }
    ),
]
WeekdayIn = Annotated[Weekday, WholeNumber]
PriorityIn = Annotated[GoalPriority, WholeNumber]
Email = Annotated[Text, Field(max_length=254, json_schema_extra={"format": "email"})]
Url = Annotated[Text, Field(max_length=200, json_schema_extra={"format": "uri"})]


def _days_since(moment: dt.datetime | None) -> int | None:
    if moment is None:
        return None
    return (timezone.localdate() - timezone.localtime(moment).date()).days


# Clients -----------------------------------------------------------------------------------


class ClientOut(Schema):
    id: int
    name: str
    kind: ClientKind
    status: ClientStatus
    industry: str
    website: str
    notes: str
    owner_id: int | None
    owner_name: str | None
    response_target_hours: int
    check_in_every_days: int
    report_cadence: ReportCadence
    report_weekday: Weekday
    report_time: str = Field(description="Local time of day, HH:MM.", examples=["16:00"])
    report_time_zone: str
    report_auto_send_no_change: bool
    plain_language_target: int
    annual_value: Decimal | None
    referred_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    last_contact_at: dt.datetime | None = Field(
        description="When we last heard from or spoke to them (internal notes do not count)."
    )
    days_since_contact: int | None = Field(
        description="Whole days since last_contact_at; null when we never spoke."
    )

    @staticmethod
    def resolve_owner_name(obj: Client) -> str | None:
        return obj.owner.display_name if obj.owner is not None else None

    @staticmethod
    def resolve_report_time(obj: Client) -> str:
        return f"{obj.report_time:%H:%M}"

    @staticmethod
    def resolve_days_since_contact(obj: Client) -> int | None:
        return _days_since(getattr(obj, "last_contact_at", None))


class ClientPageOut(PageOut):
    results: list[ClientOut]


class ClientIn(InSchema):
    name: Text = Field(min_length=1, max_length=200)
    kind: ClientKind = ClientKind.ORGANISATION
    status: ClientStatus = ClientStatus.ACTIVE
    industry: Text = Field("", max_length=100)
    website: Url = ""
    notes: Text = ""
    owner_id: Id | None = Field(None, description="A user of this workspace.")
    response_target_hours: Hours | None = Field(
        None, description="Defaults to the workspace's default for new clients."
    )
    check_in_every_days: Hours | None = Field(
        None, description="Defaults to the workspace's default for new clients."
    )
    report_cadence: ReportCadence = ReportCadence.NONE
    report_weekday: WeekdayIn = Weekday.FRIDAY
    report_time: LocalTime = dt.time(16, 0)
    report_time_zone: TimeZoneName = "UTC"
    report_auto_send_no_change: bool = Field(False, strict=True)
    plain_language_target: ReadingEase = 60
    annual_value: Money | None = None
    referred_by_id: Id | None = Field(None, description="The client who referred this one.")


class ClientPatch(PatchSchema):
    name: Annotated[Text, Field(min_length=1, max_length=200)] = unset()
    kind: ClientKind = unset()
    status: ClientStatus = unset()
    industry: Annotated[Text, Field(max_length=100)] = unset()
    website: Url = unset()
    notes: Text = unset()
    owner_id: Id | None = unset()
    response_target_hours: Hours = unset()
    check_in_every_days: Hours = unset()
    report_cadence: ReportCadence = unset()
    report_weekday: WeekdayIn = unset()
    report_time: LocalTime = unset()
    report_time_zone: TimeZoneName = unset()
    report_auto_send_no_change: Annotated[bool, Field(strict=True)] = unset()
    plain_language_target: ReadingEase = unset()
    annual_value: Money | None = unset()
    referred_by_id: Id | None = unset()


class ClientFilters(PageIn):
    q: Text = Field("", description="Part of the name, industry, or a contact's name or email.")
    status: ClientStatus | None = None
    owner_id: int | None = None
    sort: Literal["name", "-name", "quiet", "-quiet"] = Field(
        "name", description='"-quiet" puts the longest silence first; "quiet" the most recent.'
    )


def _client_fields(membership: Membership, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the API's related ids into rows of this workspace (404 for any other)."""
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        data["owner"] = None if owner_id is None else get_teammate_for_member(membership, owner_id)
    if "referred_by_id" in data:
        ref_id = data.pop("referred_by_id")
        data["referred_by"] = None if ref_id is None else get_client_for_member(membership, ref_id)
    return data


def _with_last_contact(client: Client) -> Client:
    last = client.interactions.exclude(direction=Direction.INTERNAL).aggregate(
        at=Max("occurred_at")
    )
    client.last_contact_at = last["at"]  # type: ignore[attr-defined]
    return client


@clients.get("", response={200: ClientPageOut, **READ_ERRORS})
def client_list(request: HttpRequest, filters: Query[ClientFilters]) -> dict[str, Any]:
    """List clients, searched, filtered and sorted."""
    membership = member(request)
    owner_id = None
    if filters.owner_id is not None:
        owner_id = get_teammate_for_member(membership, filters.owner_id).pk
    queryset = client_search(
        membership,
        q=filters.q,
        status=filters.status or "",
        owner_id=owner_id,
        sort=filters.sort,
    )
    return paginate(request, queryset, filters)


@clients.post("", response={201: ClientOut, **WRITE_ERRORS})
def client_create(request: HttpRequest, payload: ClientIn) -> Status[Client]:
    """Add a client."""
    membership = member(request)
    require_write(membership)
    data = _client_fields(membership, payload.model_dump())
    client = services.client_create(membership=membership, **data)
    return Status(201, _with_last_contact(client))


@clients.get("/{client_id}", response={200: ClientOut, **READ_ERRORS})
def client_read(request: HttpRequest, client_id: int) -> Client:
    """Return one client."""
    return _with_last_contact(get_client_for_member(member(request), client_id))


@clients.patch("/{client_id}", response={200: ClientOut, **WRITE_ERRORS})
def client_update(request: HttpRequest, client_id: int, payload: ClientPatch) -> Client:
    """Change some of a client's details."""
    membership = member(request)
    client = get_client_for_member(membership, client_id, write=True)
    data = _client_fields(membership, payload.model_dump(exclude_unset=True))
    client = services.client_update(membership=membership, client=client, **data)
    return _with_last_contact(client)


@clients.delete("/{client_id}", response={204: None, **WRITE_ERRORS})
def client_delete(request: HttpRequest, client_id: int) -> Status[None]:
    """Delete a client with everything recorded about them."""
    membership = member(request)
    client = get_client_for_member(membership, client_id, write=True)
    services.client_delete(membership=membership, client=client)
    return Status(204, None)


# Contacts ----------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    client_id: int
    name: str
    role: str
    email: str
    other_emails: str = Field(description="One address per line.")
    phone: str
    other_phones: str = Field(description="One number per line.")
    preferred_channel: PreferredChannel
    notes: str
    receives_reports: bool = Field(description="Status and job reports are emailed to them.")
    created_at: dt.datetime
    updated_at: dt.datetime


class ContactPageOut(PageOut):
    results: list[ContactOut]


class ContactIn(InSchema):
    client_id: Id
    name: Text = Field(min_length=1, max_length=200)
    role: Text = Field("", max_length=120)
    email: Email = ""
    other_emails: Text = Field("", description="One address per line.")
    phone: Text = Field("", max_length=40)
    other_phones: Text = Field("", description="One number per line.")
    preferred_channel: PreferredChannel = PreferredChannel.EMAIL
    notes: Text = ""
    receives_reports: bool = Field(False, strict=True)


class ContactPatch(PatchSchema):
    client_id: Id = unset()
    name: Annotated[Text, Field(min_length=1, max_length=200)] = unset()
    role: Annotated[Text, Field(max_length=120)] = unset()
    email: Email = unset()
    other_emails: Text = unset()
    phone: Annotated[Text, Field(max_length=40)] = unset()
    other_phones: Text = unset()
    preferred_channel: PreferredChannel = unset()
    notes: Text = unset()
    receives_reports: Annotated[bool, Field(strict=True)] = unset()


class ContactFilters(PageIn):
    client_id: int | None = None


@contacts.get("", response={200: ContactPageOut, **READ_ERRORS})
def contact_list(request: HttpRequest, filters: Query[ContactFilters]) -> dict[str, Any]:
    """List people, optionally of one client."""
    membership = member(request)
    queryset = Contact.objects.filter(workspace_id=membership.workspace_id)
    if filters.client_id is not None:
        client = get_client_for_member(membership, filters.client_id)
        queryset = queryset.filter(client=client)
    return paginate(request, queryset.order_by("name", "pk"), filters)


@contacts.post("", response={201: ContactOut, **WRITE_ERRORS})
def contact_create(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    """Add a person to a client."""
    membership = member(request)
    data = payload.model_dump()
    client = get_client_for_member(membership, data.pop("client_id"), write=True)
    return Status(201, services.contact_create(membership=membership, client=client, **data))


@contacts.get("/{contact_id}", response={200: ContactOut, **READ_ERRORS})
def contact_read(request: HttpRequest, contact_id: int) -> Contact:
    """Return one person."""
    return get_contact_for_member(member(request), contact_id)


@contacts.patch("/{contact_id}", response={200: ContactOut, **WRITE_ERRORS})
def contact_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Contact:
    """Change some of a person's details, or move them to another client."""
    membership = member(request)
    contact = get_contact_for_member(membership, contact_id, write=True)
    data = payload.model_dump(exclude_unset=True)
    if "client_id" in data:
        data["client"] = get_client_for_member(membership, data.pop("client_id"))
    return services.contact_update(membership=membership, contact=contact, **data)


@contacts.delete("/{contact_id}", response={204: None, **WRITE_ERRORS})
def contact_delete(request: HttpRequest, contact_id: int) -> Status[None]:
    """Delete a person with their personal facts and dates."""
    membership = member(request)
    contact = get_contact_for_member(membership, contact_id, write=True)
    services.contact_delete(membership=membership, contact=contact)
    return Status(204, None)


# Goals -------------------------------------------------------------------------------------


class GoalOut(Schema):
    id: int
    client_id: int
    text: str
    priority: GoalPriority = Field(description="1 high, 2 medium, 3 low.")
    status: GoalStatus
    created_at: dt.datetime


class GoalPageOut(PageOut):
    results: list[GoalOut]


class GoalIn(InSchema):
    client_id: Id
    text: Text = Field(min_length=1, max_length=500)
    priority: PriorityIn = Field(GoalPriority.MEDIUM, description="1 high, 2 medium, 3 low.")
    status: GoalStatus = GoalStatus.ACTIVE


class GoalPatch(PatchSchema):
    text: Annotated[Text, Field(min_length=1, max_length=500)] = unset()
    priority: PriorityIn = unset()
    status: GoalStatus = unset()


class GoalFilters(PageIn):
    client_id: int | None = None
    status: GoalStatus | None = None


@goals.get("", response={200: GoalPageOut, **READ_ERRORS})
def goal_list(request: HttpRequest, filters: Query[GoalFilters]) -> dict[str, Any]:
    """List goals, most important first, optionally of one client."""
    membership = member(request)
    queryset = Goal.objects.filter(workspace_id=membership.workspace_id)
    if filters.client_id is not None:
        queryset = queryset.filter(client=get_client_for_member(membership, filters.client_id))
    if filters.status is not None:
        queryset = queryset.filter(status=filters.status)
    return paginate(request, queryset.order_by("priority", "created_at", "pk"), filters)


@goals.post("", response={201: GoalOut, **WRITE_ERRORS})
def goal_create(request: HttpRequest, payload: GoalIn) -> Status[Goal]:
    """Record one of a client's goals."""
    membership = member(request)
    data = payload.model_dump()
    client = get_client_for_member(membership, data.pop("client_id"), write=True)
    return Status(201, services.goal_create(membership=membership, client=client, **data))


@goals.get("/{goal_id}", response={200: GoalOut, **READ_ERRORS})
def goal_read(request: HttpRequest, goal_id: int) -> Goal:
    """Return one goal."""
    return get_goal_for_member(member(request), goal_id)


@goals.patch("/{goal_id}", response={200: GoalOut, **WRITE_ERRORS})
def goal_update(request: HttpRequest, goal_id: int, payload: GoalPatch) -> Goal:
    """Change a goal's text, priority or status."""
    membership = member(request)
    goal = get_goal_for_member(membership, goal_id, write=True)
    return services.goal_update(
        membership=membership, goal=goal, **payload.model_dump(exclude_unset=True)
    )


@goals.delete("/{goal_id}", response={204: None, **WRITE_ERRORS})
def goal_delete(request: HttpRequest, goal_id: int) -> Status[None]:
    """Delete a goal."""
    membership = member(request)
    goal = get_goal_for_member(membership, goal_id, write=True)
    services.goal_delete(membership=membership, goal=goal)
    return Status(204, None)


# Personal facts and important dates --------------------------------------------------------


class PersonFilters(PageIn):
    contact_id: int | None = None
    client_id: int | None = None


def _about_people(
    request: HttpRequest, queryset: QuerySet[Any], filters: PersonFilters
) -> QuerySet[Any]:
    membership = member(request)
    queryset = queryset.filter(workspace_id=membership.workspace_id)
    if filters.contact_id is not None:
        contact = get_contact_for_member(membership, filters.contact_id)
        queryset = queryset.filter(contact=contact)
    if filters.client_id is not None:
        client = get_client_for_member(membership, filters.client_id)
        queryset = queryset.filter(contact__client=client)
    return queryset


class FactOut(Schema):
    id: int
    contact_id: int
    client_id: int
    category: FactCategory
    text: str
    date: dt.date | None = Field(description="When it happens, if it has a day.")
    follow_up_on: dt.date | None = Field(description="The day to ask about it.")
    created_at: dt.datetime

    @staticmethod
    def resolve_client_id(obj: PersonalFact) -> int:
        return obj.contact.client_id


class FactPageOut(PageOut):
    results: list[FactOut]


class FactIn(InSchema):
    contact_id: Id
    category: FactCategory
    text: Text = Field(min_length=1, max_length=500)
    date: IsoDate | None = None
    follow_up_on: IsoDate | None = None


class FactPatch(PatchSchema):
    category: FactCategory = unset()
    text: Annotated[Text, Field(min_length=1, max_length=500)] = unset()
    date: IsoDate | None = unset()
    follow_up_on: IsoDate | None = unset()


@facts.get("", response={200: FactPageOut, **READ_ERRORS})
def fact_list(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    """List personal facts, optionally about one person or one client's people."""
    queryset = _about_people(request, PersonalFact.objects.select_related("contact"), filters)
    return paginate(request, queryset.order_by("contact__name", "contact_id", "pk"), filters)


@facts.post("", response={201: FactOut, **WRITE_ERRORS})
def fact_create(request: HttpRequest, payload: FactIn) -> Status[PersonalFact]:
    """Remember something about a person."""
    membership = member(request)
    data = payload.model_dump()
    contact = get_contact_for_member(membership, data.pop("contact_id"), write=True)
    return Status(201, services.fact_create(membership=membership, contact=contact, **data))


@facts.get("/{fact_id}", response={200: FactOut, **READ_ERRORS})
def fact_read(request: HttpRequest, fact_id: int) -> PersonalFact:
    """Return one personal fact."""
    return get_fact_for_member(member(request), fact_id)


@facts.patch("/{fact_id}", response={200: FactOut, **WRITE_ERRORS})
def fact_update(request: HttpRequest, fact_id: int, payload: FactPatch) -> PersonalFact:
    """Change a personal fact."""
    membership = member(request)
    fact = get_fact_for_member(membership, fact_id, write=True)
    return services.fact_update(
        membership=membership, fact=fact, **payload.model_dump(exclude_unset=True)
    )


@facts.delete("/{fact_id}", response={204: None, **WRITE_ERRORS})
def fact_delete(request: HttpRequest, fact_id: int) -> Status[None]:
    """Forget a personal fact."""
    membership = member(request)
    fact = get_fact_for_member(membership, fact_id, write=True)
    services.fact_delete(membership=membership, fact=fact)
    return Status(204, None)


class DateOut(Schema):
    id: int
    contact_id: int
    client_id: int
    kind: DateKind
    label: str
    date: dt.date
    yearly: bool
    next_occurrence: dt.date | None = Field(
        description="The next day (today or later) it falls on; null once a one-off has passed."
    )

    @staticmethod
    def resolve_client_id(obj: ImportantDate) -> int:
        return obj.contact.client_id

    @staticmethod
    def resolve_next_occurrence(obj: ImportantDate) -> dt.date | None:
        return obj.next_occurrence()


class DatePageOut(PageOut):
    results: list[DateOut]


class DateIn(InSchema):
    contact_id: Id
    kind: DateKind
    label: Text = Field("", max_length=200)
    date: IsoDate
    yearly: bool = Field(True, strict=True)


class DatePatch(PatchSchema):
    kind: DateKind = unset()
    label: Annotated[Text, Field(max_length=200)] = unset()
    date: IsoDate = unset()
    yearly: Annotated[bool, Field(strict=True)] = unset()


@dates.get("", response={200: DatePageOut, **READ_ERRORS})
def date_list(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    """List important dates, optionally of one person or one client's people."""
    queryset = _about_people(request, ImportantDate.objects.select_related("contact"), filters)
    return paginate(request, queryset.order_by("date", "pk"), filters)


@dates.post("", response={201: DateOut, **WRITE_ERRORS})
def date_create(request: HttpRequest, payload: DateIn) -> Status[ImportantDate]:
    """Add an important date for a person."""
    membership = member(request)
    data = payload.model_dump()
    contact = get_contact_for_member(membership, data.pop("contact_id"), write=True)
    return Status(201, services.date_create(membership=membership, contact=contact, **data))


@dates.get("/{date_id}", response={200: DateOut, **READ_ERRORS})
def date_read(request: HttpRequest, date_id: int) -> ImportantDate:
    """Return one important date."""
    return get_date_for_member(member(request), date_id)


@dates.patch("/{date_id}", response={200: DateOut, **WRITE_ERRORS})
def date_update(request: HttpRequest, date_id: int, payload: DatePatch) -> ImportantDate:
    """Change an important date."""
    membership = member(request)
    day = get_date_for_member(membership, date_id, write=True)
    return services.date_update(
        membership=membership, day=day, **payload.model_dump(exclude_unset=True)
    )


@dates.delete("/{date_id}", response={204: None, **WRITE_ERRORS})
def date_delete(request: HttpRequest, date_id: int) -> Status[None]:
    """Delete an important date."""
    membership = member(request)
    day = get_date_for_member(membership, date_id, write=True)
    services.date_delete(membership=membership, day=day)
    return Status(204, None)


router.add_router("/clients", clients)
router.add_router("/contacts", contacts)
router.add_router("/goals", goals)
router.add_router("/personal-facts", facts)
router.add_router("/important-dates", dates)
