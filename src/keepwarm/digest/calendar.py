"""The calendar feed: a member's promises, reports, personal dates and check-ins as iCalendar.

Only titles and links go into the feed, never notes or message bodies: a calendar app copies
everything it is given to its own servers. Each item keeps the same UID across refreshes,
so a calendar updates an event in place rather than adding it twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from icalendar import Calendar, Event, vRecur

from keepwarm.accounts.models import Membership
from keepwarm.accounts.selectors import member_zone
from keepwarm.agenda.models import AgendaAction, AgendaActionKind
from keepwarm.clients.models import Client, ClientStatus, ImportantDate, PersonalFact
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.models import Direction, Interaction
from keepwarm.reports.periods import Schedule, period_containing
from keepwarm.reports.selectors import (
    report_settings_or_defaults,
    reports_due,
    scheduled_clients,
)
from keepwarm.trust.scoring import TOUCH_CHANNELS

# Personal dates and follow-ups this far ahead; yearly ones repeat on their own.
HORIZON = dt.timedelta(days=365)
# A report's due moment is a point in time; calendars need an event with some length.
REPORT_LENGTH = dt.timedelta(minutes=15)
# How often calendar apps are asked to fetch the feed again (most poll on their own terms).
REFRESH = dt.timedelta(hours=1)
TITLE_MAX = 120
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class FeedContext:
    """Who the feed is for, what "today" is for them, and how to build links."""

    membership: Membership
    now: dt.datetime
    today: dt.date
    zone: ZoneInfo
    host: str


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def my_clients(membership: Membership) -> QuerySet[Client]:
    """Return the member's clients as Today counts them: not former, owned by them or nobody."""
    # The same rule as `agenda_for(mine=True)`, so the feed and Today agree on what is yours.
    return (
        Client.objects.filter(workspace_id=membership.workspace_id)
        .filter(Q(owner_id=membership.user_id) | Q(owner_id__isnull=True))
        .exclude(status=ClientStatus.FORMER)
    )


def _event(
    ctx: FeedContext,
    uid: str,
    summary: str,
    url: str,
    *,
    day: dt.date | None = None,
    start: dt.datetime | None = None,
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{ctx.host}")
    event.add("dtstamp", ctx.now)
    event.add("summary", _title(summary))
    if day is not None:
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # an all-day reminder does not make you busy
    elif start is not None:
        event.add("dtstart", start)
        event.add("dtend", start + REPORT_LENGTH)
    event.add("url", url)
    event.add("description", f"Open in Keepwarm: {url}")
    return event


def build_feed(membership: Membership, *, now: dt.datetime) -> Calendar:
    """Return the member's calendar: their clients' dates, as of `now`, in a fixed few queries."""
    zone = member_zone(membership.user, membership.workspace)
    ctx = FeedContext(
        membership=membership,
        now=now,
        today=now.astimezone(zone).date(),
        zone=zone,
        host=urlsplit(settings.SITE_URL).hostname or "keepwarm",
    )
    cal = Calendar()
    cal.add("prodid", "-//Keepwarm//Calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = f"Keepwarm — {membership.workspace.name}"
    cal.add("x-wr-calname", name)
    cal.add("x-wr-caldesc", f"Promises, reports, personal dates and check-ins for {name}.")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")

    clients = _clients(ctx)
    client_ids = [client.pk for client in clients]
    events = [
        *_promises(ctx),
        *_reports(ctx, client_ids),
        *_dates(ctx),
        *_follow_ups(ctx),
        *_check_ins(ctx, clients),
    ]
    for event in events:
        cal.add_component(event)
    # Timed events are reports owed now or repeating from now: no zone history before a year ago.
    cal.add_missing_timezones(first_date=ctx.today - dt.timedelta(days=366))
    return cal


def _clients(ctx: FeedContext) -> list[Client]:
    """Return the member's clients with our last touch and last check-in marked done (1 query)."""
    touches = Interaction.objects.filter(client_id=OuterRef("pk"), occurred_at__lte=ctx.now).filter(
        Q(direction=Direction.OUTBOUND) | Q(direction=Direction.INBOUND, channel__in=TOUCH_CHANNELS)
    )
    checked = AgendaAction.objects.filter(
        client_id=OuterRef("pk"), kind="check_in", action=AgendaActionKind.DONE
    )
    return list(
        my_clients(ctx.membership)
        .annotate(
            last_touch=Subquery(touches.order_by("-occurred_at").values("occurred_at")[:1]),
            checked_in=Subquery(checked.order_by("-created_at").values("created_at")[:1]),
        )
        .only("pk", "name", "check_in_every_days", "created_at")
        .order_by("name", "pk")
    )


def _promises(ctx: FeedContext) -> list[Event]:
    rows = (
        Commitment.objects.filter(
            client__in=my_clients(ctx.membership).values("pk"),
            status=CommitmentStatus.OPEN,
        )
        .values_list("pk", "what", "due_on", "client_id", "client__name")
        .order_by("due_on", "pk")
    )
    return [
        _event(
            ctx,
            f"promise-{pk}",
            f"Promise to {client_name}: {what}",
            _link(reverse("client_detail", args=[client_id]) + "#promises"),
            day=due_on,
        )
        for pk, what, due_on, client_id, client_name in rows
    ]


def _rrule(schedule: Schedule) -> vRecur:
    """Return the repeat rule of a report schedule (see keepwarm.reports.periods)."""
    day = DAY_CODES[schedule.weekday]
    if schedule.cadence == "daily":
        return vRecur(freq="WEEKLY", byday=list(DAY_CODES[:5]))
    if schedule.cadence == "weekly":
        return vRecur(freq="WEEKLY", byday=day)
    if schedule.cadence == "fortnightly":
        return vRecur(freq="WEEKLY", interval=2, byday=day)
    return vRecur(freq="MONTHLY", byday=f"1{day}")  # the first such weekday of the month


def _reports(ctx: FeedContext, client_ids: list[int]) -> list[Event]:
    """Return the reports owed now, and each schedule's next due moments as a repeating event."""
    if not client_ids:
        return []
    workspace_id = ctx.membership.workspace_id
    events = []
    for due in reports_due(workspace_id=workspace_id, now=ctx.now, client_ids=client_ids):
        late = "overdue" if due.overdue else "due"
        events.append(
            _event(
                ctx,
                f"report-{due.client_id}-{due.period_end:%Y%m%d}",
                f"Status report {late}: {due.client_name}",
                _link(due.url),
                start=due.due_at.astimezone(ctx.zone),
            )
        )
    report_settings = report_settings_or_defaults(workspace_id)
    for client in scheduled_clients(workspace_id, report_settings, client_ids):
        schedule = client.schedule
        upcoming = period_containing(schedule, ctx.now)
        event = _event(
            ctx,
            f"report-schedule-{client.client_id}",
            f"Status report due: {client.name}",
            _link(reverse("client_detail", args=[client.client_id]) + "#reports"),
            # In the client's zone, so the repeats keep its wall-clock time across DST.
            start=upcoming.due_at.astimezone(schedule.zone),
        )
        event.add("rrule", _rrule(schedule))
        events.append(event)
    return events


def _dates(ctx: FeedContext) -> list[Event]:
    """Return birthdays and other dates: yearly ones as one repeating event each."""
    rows = (
        ImportantDate.objects.filter(contact__client__in=my_clients(ctx.membership).values("pk"))
        .select_related("contact__client")
        .only("pk", "kind", "label", "date", "yearly", "contact__name", "contact__client__name")
        .order_by("date", "pk")
    )
    events = []
    for row in rows:
        day = row.next_occurrence(ctx.today)
        if day is None or day >= ctx.today + HORIZON:
            continue
        contact = row.contact
        what = row.label or row.get_kind_display().lower()
        summary = (
            f"{contact.name}'s birthday ({contact.client.name})"
            if row.kind == "birthday" and not row.label
            else f"{contact.name}: {what} ({contact.client.name})"
        )
        event = _event(
            ctx,
            f"date-{row.pk}",
            summary,
            _link(reverse("contact_detail", args=[contact.pk])),
            day=day,
        )
        if row.yearly:
            if row.date.month == 2 and row.date.day == 29:
                # The last day of February: the 29th in leap years, the 28th otherwise.
                event.add("rrule", vRecur(freq="YEARLY", bymonth=2, bymonthday=-1))
            else:
                event.add("rrule", vRecur(freq="YEARLY"))
        events.append(event)
    return events


def _follow_ups(ctx: FeedContext) -> list[Event]:
    rows = (
        PersonalFact.objects.filter(
            contact__client__in=my_clients(ctx.membership).values("pk"),
            follow_up_on__gte=ctx.today,
            follow_up_on__lt=ctx.today + HORIZON,
        )
        .values_list(
            "pk", "text", "follow_up_on", "contact_id", "contact__name", "contact__client__name"
        )
        .order_by("follow_up_on", "pk")
    )
    return [
        _event(
            ctx,
            f"fact-{pk}",
            f"Follow up with {contact_name} ({client_name}): “{text}”",
            _link(reverse("contact_detail", args=[contact_id])),
            day=day,
        )
        for pk, text, day, contact_id, contact_name, client_name in rows
    ]


def _check_ins(ctx: FeedContext, clients: list[Client]) -> list[Event]:
    """Return each client's next check-in: our last touch (or check-in marked done) + cadence."""
    events = []
    for client in clients:
        moments = [client.last_touch, client.checked_in]  # type: ignore[attr-defined]
        last = max((m for m in moments if m is not None), default=client.created_at)
        day = last.astimezone(ctx.zone).date() + dt.timedelta(days=client.check_in_every_days)
        events.append(
            _event(
                ctx,
                f"checkin-{client.pk}",
                f"Check in with {client.name}",
                _link(reverse("client_detail", args=[client.pk])),
                day=day,
            )
        )
    return events
