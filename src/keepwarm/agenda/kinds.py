"""How each kind of agenda item is found and worded, for one run over a member's clients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from keepwarm.agenda.models import AgendaActionKind
from keepwarm.agenda.types import DUE, OVERDUE, UPCOMING, AgendaItem
from keepwarm.agenda.words import day_words, near_day, when_words, who
from keepwarm.clients.models import Client, Contact, ImportantDate, PersonalFact
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.lib.words import DAY, plural, span_words, target_words
from keepwarm.reports.selectors import reports_due
from keepwarm.trust.models import BAND_ORDER

# Birthdays and other dates show this many days ahead.
DATES_AHEAD_DAYS = 7
# A personal fact's follow-up shows on its day and, if not done, this many days after.
FOLLOW_UP_GRACE_DAYS = 3
# Share something useful within this many days of a meeting.
VALUE_ADD_DAYS = 3

BAND_RANK = {band.value: rank for rank, band in enumerate(BAND_ORDER)}
BAND_WORDS = {band.value: band.label for band in BAND_ORDER}
# A client without a band yet sorts with the middle band: neither safe nor at risk.
NO_BAND_RANK = BAND_RANK["warming"]
STATE_RANK = {OVERDUE: 0, DUE: 1, UPCOMING: 2}
NEVER = 10**6


# The pieces each kind is built from ----------------------------------------------------------


@dataclass(slots=True)
class ClientRow:
    pk: int
    name: str
    owner_id: int | None
    target_hours: int
    cadence_days: int
    created_at: dt.datetime
    last_touch: dt.datetime | None
    band: str
    band_before: str
    contact_days: int | None  # whole days since last_touch (None: never)


@dataclass(slots=True)
class ActionRow:
    action: str
    cause: str
    snooze_until: dt.date | None


@dataclass
class Run:
    """One computation of one member's agenda: the moment, the clients and what was done."""

    now: dt.datetime
    zone: dt.tzinfo
    today: dt.date
    clients: dict[int, ClientRow]
    hide_acted: bool = True
    actions: dict[str, ActionRow] = field(default_factory=dict)
    check_ins_done: dict[int, dt.datetime] = field(default_factory=dict)
    urls: dict[str, Callable[[int], str]] = field(default_factory=dict)
    items: list[tuple[tuple[Any, ...], AgendaItem]] = field(default_factory=list)
    now_stamp: float = 0.0

    def __post_init__(self) -> None:
        self.now_stamp = self.now.timestamp()

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()

    def add(
        self,
        client: ClientRow,
        *,
        key: str,
        kind: str,
        cause: str,
        sentence: str,
        reason: str,
        action: str,
        url: str,
        due: dt.date | None,
        state: str,
        overdue_days: int = 0,
        since: dt.datetime | None = None,
        pinned: bool = False,
        commitment_id: int | None = None,
        interaction_id: int | None = None,
        contact_id: int | None = None,
        fact_id: int | None = None,
        date_id: int | None = None,
        report_id: int | None = None,
    ) -> None:
        """Add an item unless an action on the same cause hides it; rank it by urgency and risk.

        A pinned item (a client who told us they are unhappy, a concern raised on the portal)
        goes above everything else: the client has spoken up, and that comes first.
        """
        # Called once per item (over 10,000 on a big agenda): the ids are named parameters,
        # not **ids, and the item is built positionally, in AgendaItem's field order.
        if self.actions:
            done = self.actions.get(key) if self.hide_acted else None
            if done is not None and done.cause == cause:
                if done.action != AgendaActionKind.SNOOZE:
                    return
                if done.snooze_until is not None and self.today < done.snooze_until:
                    return
        contact_days = client.contact_days
        band = client.band
        item = AgendaItem(
            key, kind, client.pk, client.name, client.owner_id, sentence, reason, due,
            overdue_days, url, state, action, band, since, contact_days, cause,
            commitment_id, interaction_id, contact_id, fact_id, date_id, report_id,
        )  # fmt: skip
        # Overdue before due before coming up; then the lateness (or the nearest due day);
        # then the colder band; then the longer silence; then the oldest cause. Never money.
        self.items.append(
            (
                (
                    0 if pinned else 1,
                    STATE_RANK[state],
                    -overdue_days if state == OVERDUE else (due.toordinal() if due else 0),
                    BAND_RANK.get(band, NO_BAND_RANK),
                    -NEVER if contact_days is None else -contact_days,
                    since.timestamp() if since is not None else self.now_stamp,
                    key,
                ),
                item,
            )
        )


def url_maker(name: str, anchor: str = "") -> Callable[[int], str]:
    """Return a fast `pk -> URL` for a route with one integer id (reverse() once, not per item)."""
    sentinel = 987654321987
    template = reverse(name, args=[sentinel]).replace(str(sentinel), "{}") + anchor
    return template.format


# Kinds -------------------------------------------------------------------------------------


def replies(run: Run, covered: QuerySet[Client], workspace_id: int) -> None:
    first_contact = Contact.objects.filter(interactions=OuterRef("pk")).order_by("pk")
    rows = (
        Interaction.objects.filter(
            workspace_id=workspace_id,
            needs_reply=True,
            direction=Direction.INBOUND,
            occurred_at__lte=run.now,
            client__in=covered.values("pk"),
        )
        .annotate(contact=Subquery(first_contact.values("name")[:1]))
        .values_list("pk", "client_id", "occurred_at", "subject", "contact", "channel")
        .order_by()
    )
    url = run.urls["client"]
    now = run.now
    zone = run.zone
    clients = run.clients
    # A client's target, as a length and in words, once per client rather than per message.
    targets: dict[int, tuple[dt.timedelta, str]] = {}
    for pk, client_id, received, subject, contact, channel in rows:
        client = clients[client_id]
        known = targets.get(client_id)
        if known is None:
            hours = client.target_hours
            known = targets[client_id] = (dt.timedelta(hours=hours), target_words(hours))
        target, target_text = known
        due_at = received + target
        about = f" about “{subject}”" if subject else ""
        sentence = (
            f"Reply to {who(contact, client.name)}{about} — waiting "
            f"{span_words((now - received).total_seconds())}, target {target_text}"
        )
        if now >= due_at:
            late = (now - due_at).total_seconds()
            state, reason, overdue_days = OVERDUE, f"overdue {span_words(late)}", int(late // DAY)
        else:
            state, overdue_days = DUE, 0
            reason = f"due in {span_words((due_at - now).total_seconds())}"
        run.add(
            client,
            key=f"reply:{pk}",
            kind="reply",
            cause=str(pk),
            sentence=sentence,
            reason=reason,
            action="Reply",
            url=f"{url(client_id)}#interaction-{pk}",
            due=due_at.astimezone(zone).date(),
            state=state,
            overdue_days=overdue_days,
            since=received,
            interaction_id=pk,
            # Raised through the portal: a concern or an unhappy answer; it goes on top.
            pinned=channel == Channel.PORTAL,
        )


def promises(run: Run, covered: QuerySet[Client], workspace_id: int) -> None:
    rows = (
        Commitment.objects.filter(
            workspace_id=workspace_id,
            status=CommitmentStatus.OPEN,
            due_on__lte=run.today,
            client__in=covered.values("pk"),
        )
        .values_list("pk", "client_id", "what", "due_on", "created_at", "promised_to__name")
        .order_by()
    )
    url = run.urls["client"]
    for pk, client_id, what, due_on, created_at, person in rows:
        client = run.clients[client_id]
        late = (run.today - due_on).days
        reason = f"overdue {plural(late, 'day')}" if late else "due today"
        run.add(
            client,
            key=f"promise:{pk}",
            kind="promise",
            cause=f"{due_on.isoformat()}:{CommitmentStatus.OPEN}",
            sentence=(
                f"Keep the promise to {who(person, client.name)}: “{what}” — due "
                f"{'today' if not late else day_words(due_on, run.today)}"
            ),
            reason=reason,
            action="Keep the promise",
            url=f"{url(client_id)}#promise-{pk}",
            due=due_on,
            state=OVERDUE if late else DUE,
            overdue_days=late,
            since=created_at,
            commitment_id=pk,
        )


def check_ins(run: Run) -> None:
    url = run.urls["client"]
    now = run.now
    for client in run.clients.values():
        done_at = run.check_ins_done.get(client.pk)
        touched = client.last_touch
        # Done on a check-in counts as getting in touch: the clock runs from it.
        marked = done_at is not None and (touched is None or done_at > touched)
        start = done_at if marked else touched
        base = start if start is not None else client.created_at
        due_at = base + dt.timedelta(days=client.cadence_days)
        if now < due_at:
            continue
        quiet = (now - base).days
        aim = f"aim: every {plural(client.cadence_days, 'day')}"
        if marked:
            since = f"check-in marked done {plural(quiet, 'day')} ago"
        elif touched is None:
            since = f"no contact since they were added {plural(quiet, 'day')} ago"
        else:
            since = f"no contact for {plural(quiet, 'day')}"
        due = run.local_date(due_at)
        late = (run.today - due).days
        run.add(
            client,
            key=f"check_in:{client.pk}",
            kind="check_in",
            cause=base.isoformat(),
            sentence=f"Check in with {client.name} — {since} ({aim})",
            reason=f"overdue {plural(late, 'day')}" if late > 0 else "due today",
            action="Check in",
            url=url(client.pk),
            due=due,
            state=OVERDUE if late > 0 else DUE,
            overdue_days=max(0, late),
            since=base,
        )


def meetings(run: Run, covered: QuerySet[Client], workspace_id: int, kinds: set[str]) -> None:
    """Meetings tomorrow to prepare for, and meetings of the last days to follow with value."""
    tomorrow = run.today + dt.timedelta(days=1)
    end = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time(), tzinfo=run.zone)
    start = run.now - dt.timedelta(days=VALUE_ADD_DAYS)
    rows = (
        Interaction.objects.filter(
            workspace_id=workspace_id,
            occurred_at__gt=start,
            occurred_at__lt=end,
            client__in=covered.values("pk"),
        )
        .filter(
            Q(channel=Channel.MEETING, direction__in=[Direction.INBOUND, Direction.OUTBOUND])
            | Q(is_value_add=True, direction=Direction.OUTBOUND)
        )
        .values_list("pk", "client_id", "channel", "occurred_at", "subject", "is_value_add")
        .order_by("occurred_at", "pk")
    )
    last_meeting: dict[int, tuple[int, dt.datetime, str]] = {}
    last_value: dict[int, dt.datetime] = {}
    url = run.urls["client"]
    for pk, client_id, channel, at, subject, value_add in rows:
        client = run.clients[client_id]
        if at > run.now:
            if channel == Channel.MEETING and "meeting_prep" in kinds:
                local = at.astimezone(run.zone)
                if local.date() == tomorrow:
                    about = f" (“{subject}”)" if subject else ""
                    run.add(
                        client,
                        key=f"meeting_prep:{pk}",
                        kind="meeting_prep",
                        cause=at.isoformat(),
                        sentence=(
                            f"Prepare for tomorrow's meeting with {client.name} at "
                            f"{local:%H:%M}{about}"
                        ),
                        reason="meeting tomorrow",
                        action="Prepare",
                        url=run.urls["meeting_brief"](pk),
                        due=run.today,
                        state=DUE,
                        since=at,
                        interaction_id=pk,
                    )
            continue
        if channel == Channel.MEETING:
            last_meeting[client_id] = (pk, at, subject)
        if value_add:
            last_value[client_id] = at
    if "value_add" not in kinds:
        return
    for client_id, (pk, at, subject) in last_meeting.items():
        shared = last_value.get(client_id)
        if shared is not None and shared >= at:
            continue
        client = run.clients[client_id]
        met = run.local_date(at)
        due = run.local_date(at + dt.timedelta(days=VALUE_ADD_DAYS))
        about = f" (“{subject}”)" if subject else ""
        run.add(
            client,
            key=f"value_add:{pk}",
            kind="value_add",
            cause=str(pk),
            sentence=(
                f"Share something useful with {client.name} after the meeting "
                f"{when_words(met, run.today)}{about} — by {day_words(due, run.today)}"
            ),
            reason=f"due {when_words(due, run.today)}",
            action="Share something useful",
            url=url(client_id) + "#resources",  # the resources that fit them
            due=due,
            state=DUE if due <= run.today else UPCOMING,
            since=at,
            interaction_id=pk,
        )


def occurrence(day: dt.date, yearly: bool, today: dt.date) -> dt.date | None:
    """Return the next day (today or later) a date falls on, as ImportantDate.next_occurrence."""
    if not yearly:
        return day if day >= today else None
    for year in (today.year, today.year + 1):
        try:
            candidate = day.replace(year=year)
        except ValueError:  # 29 February in a common year
            candidate = dt.date(year, 3, 1)
        if candidate >= today:
            return candidate
    return None


def _window_filter(today: dt.date, days: int) -> Q:
    """Match the dates whose next occurrence falls within `days` of today, in SQL."""
    window = [today + dt.timedelta(days=n) for n in range(days + 1)]
    yearly = Q()
    for day in window:
        yearly |= Q(date__month=day.month, date__day=day.day)
        if day.month == 3 and day.day == 1:
            yearly |= Q(date__month=2, date__day=29)
    return Q(yearly=True) & yearly | Q(yearly=False, date__gte=today, date__lte=window[-1])


def personal_dates(run: Run, covered: QuerySet[Client], workspace_id: int) -> None:
    rows = (
        ImportantDate.objects.filter(
            _window_filter(run.today, DATES_AHEAD_DAYS),
            workspace_id=workspace_id,
            contact__client__in=covered.values("pk"),
        )
        .values_list(
            "pk",
            "kind",
            "label",
            "date",
            "yearly",
            "contact_id",
            "contact__name",
            "contact__client_id",
        )
        .order_by()
    )
    url = run.urls["contact"]
    for pk, kind, label, day, yearly, contact_id, person, client_id in rows:
        when = occurrence(day, yearly, run.today)
        if when is None or (when - run.today).days > DATES_AHEAD_DAYS:
            continue
        client = run.clients[client_id]
        relative, on = when_words(when, run.today), near_day(when, run.today)
        if kind == "birthday":
            sentence = f"Wish {who(person, client.name)} a happy birthday — {on}"
            action = "Send birthday wishes"
        else:
            what = "anniversary" if kind == "anniversary" else "important day"
            named = f": “{label}”" if label else ""
            sentence = f"Remember {person}'s {what} ({client.name}){named} — {on}"
            action = "Send a note"
        run.add(
            client,
            key=f"date:{pk}",
            kind="personal_date",
            cause=when.isoformat(),
            sentence=sentence,
            reason=relative,
            action=action,
            url=url(contact_id),
            due=when,
            state=DUE if when == run.today else UPCOMING,
            contact_id=contact_id,
            date_id=pk,
        )


def facts(run: Run, covered: QuerySet[Client], workspace_id: int, kinds: set[str]) -> None:
    """Personal facts: their follow-up on the day, and the day they happen when it is near."""
    soon = run.today + dt.timedelta(days=DATES_AHEAD_DAYS)
    follow_up = Q(
        follow_up_on__lte=run.today,
        follow_up_on__gte=run.today - dt.timedelta(days=FOLLOW_UP_GRACE_DAYS),
    )
    happening = Q(date__gte=run.today, date__lte=soon)
    wanted = (follow_up if "follow_up" in kinds else Q(pk__in=[])) | (
        happening if "personal_date" in kinds else Q(pk__in=[])
    )
    rows = (
        PersonalFact.objects.filter(
            wanted, workspace_id=workspace_id, contact__client__in=covered.values("pk")
        )
        .values_list(
            "pk",
            "text",
            "date",
            "follow_up_on",
            "created_at",
            "contact_id",
            "contact__name",
            "contact__client_id",
        )
        .order_by()
    )
    url = run.urls["contact"]
    for pk, text, happens, follow_up_on, created_at, contact_id, person, client_id in rows:
        client = run.clients[client_id]
        person_at = who(person, client.name)
        if happens is not None and run.today <= happens <= soon and "personal_date" in kinds:
            relative, on = when_words(happens, run.today), near_day(happens, run.today)
            run.add(
                client,
                key=f"fact_day:{pk}",
                kind="personal_date",
                cause=happens.isoformat(),
                sentence=f"Remember {person_at}: “{text}” — {on}",
                reason=relative,
                action="Send a note",
                url=url(contact_id),
                due=happens,
                state=DUE if happens == run.today else UPCOMING,
                since=created_at,
                contact_id=contact_id,
                fact_id=pk,
            )
        if follow_up_on is None or "follow_up" not in kinds:
            continue
        late = (run.today - follow_up_on).days
        if not 0 <= late <= FOLLOW_UP_GRACE_DAYS:
            continue
        if happens is not None and happens <= run.today:
            sentence = f"Ask {person_at} how it went: “{text}”"
        else:
            sentence = f"Follow up with {person_at}: “{text}”"
        run.add(
            client,
            key=f"fact:{pk}",
            kind="follow_up",
            cause=follow_up_on.isoformat(),
            sentence=sentence,
            reason=f"overdue {plural(late, 'day')}" if late else "today",
            action="Ask",
            url=url(contact_id),
            due=follow_up_on,
            state=OVERDUE if late else DUE,
            overdue_days=late,
            since=created_at,
            contact_id=contact_id,
            fact_id=pk,
        )


def trust_falls(run: Run) -> None:
    url = run.urls["client"]
    for client in run.clients.values():
        now, before = client.band, client.band_before
        if not now or not before or BAND_RANK[now] >= BAND_RANK[before]:
            continue
        fell = f"fell from {BAND_WORDS[before]} to {BAND_WORDS[now]}"
        run.add(
            client,
            key=f"trust:{client.pk}",
            kind="trust_falling",
            cause=f"{before}>{now}",
            sentence=f"{client.name}'s trust {fell} this week — see why, and what would help",
            reason="band fell this week",
            action="See why",
            url=url(client.pk) + "#trust",
            due=run.today,
            state=DUE,
        )


def reports(run: Run, covered: QuerySet[Client], workspace_id: int) -> None:
    ids = covered.values_list("pk", flat=True)  # a subquery, however many clients
    for due in reports_due(workspace_id=workspace_id, now=run.now, client_ids=ids):
        client = run.clients.get(due.client_id)
        if client is None:
            continue
        period = (
            f"{day_words(due.period_start, run.today)} to {day_words(due.period_end, run.today)}"
        )
        day = run.local_date(due.due_at)
        late = max(0, (run.today - day).days)
        if due.overdue:
            reason = f"overdue {plural(late, 'day')}" if late else "overdue"
        else:
            reason = f"due {when_words(day, run.today)}"
        if due.failed:
            sentence = (
                f"The status report to {client.name} ({period}) could not be sent — look at it"
            )
        else:
            when = when_words(day, run.today)
            on = when if abs((day - run.today).days) <= 1 else day_words(day, run.today)
            sentence = f"Send {client.name} their status report ({period}) — due {on}"
        run.add(
            client,
            key=f"report:{client.pk}:{due.period_start.isoformat()}",
            kind="report_due",
            cause=f"{due.period_end.isoformat()}:{'failed' if due.failed else 'due'}",
            sentence=sentence,
            reason=reason,
            action="Review and send" if due.report_id else "Write the report",
            url=due.url,
            due=day,
            state=OVERDUE if due.overdue else (DUE if day <= run.today else UPCOMING),
            overdue_days=late if due.overdue else 0,
            since=due.due_at,
            report_id=due.report_id,
        )
