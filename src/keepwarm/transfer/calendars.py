"""ICS import of meetings: each event becomes a meeting on the timeline of the client it was with.

An event is matched to a client by its attendees' (and organiser's) addresses: a person's
email first, then the address's domain (the client's website or its people's addresses;
free mail and our own team's domains never count). It is logged as a meeting from the
client when one of their people organised it, from us otherwise; future events are planned
meetings, which Today turns into "Prepare for tomorrow's meeting". Importing the same
calendar again updates the meetings instead of adding them (UID and RECURRENCE-ID in the
ledger); a cancelled event removes its meeting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import icalendar
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership, User
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions import services as interactions
from keepwarm.interactions.models import Channel, Direction, Interaction
from keepwarm.transfer.results import CREATED, UNCHANGED, UPDATED, ImportResult
from keepwarm.transfer.services import ref_find, ref_remember

SOURCE = "ics"
KINDS = (("interaction", "Meetings"),)
# An all-day event is put at this local hour.
ALL_DAY_AT = dt.time(9, 0)
# A repeating event is imported date by date within this window, at most this many dates.
REPEAT_BEFORE = dt.timedelta(days=365)
REPEAT_AFTER = dt.timedelta(days=90)
MAX_REPEATS = 500
FREE_MAIL = {
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de",
    "web.de", "mail.com", "yandex.com", "fastmail.com", "hey.com",
}  # fmt: skip


class EventInvalid(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _address(value: Any) -> str:
    text = str(value).strip()
    if text.casefold().startswith("mailto:"):
        text = text[7:]
    return text.strip().casefold()


def _domain(email: str) -> str:
    return email.rpartition("@")[2]


class Directory:
    """Who is who in a workspace: people's addresses, clients' domains, our own team."""

    def __init__(self, workspace_id: int) -> None:
        self.by_email: dict[str, Contact] = {}
        self.by_domain: dict[str, set[int]] = {}
        team = User.objects.filter(memberships__workspace_id=workspace_id).values_list(
            "email", flat=True
        )
        self.team = {e.casefold() for e in team}
        ours = {_domain(e) for e in self.team}
        for contact in Contact.objects.filter(workspace_id=workspace_id).order_by("pk"):
            for email in contact.all_emails:
                key = email.casefold()
                self.by_email.setdefault(key, contact)
                domain = _domain(key)
                if domain and domain not in FREE_MAIL and domain not in ours:
                    self.by_domain.setdefault(domain, set()).add(contact.client_id)
        for pk, website in Client.objects.filter(workspace_id=workspace_id).values_list(
            "pk", "website"
        ):
            host = (urlsplit(website).hostname or "").casefold().removeprefix("www.")
            if host and host not in FREE_MAIL and host not in ours:
                self.by_domain.setdefault(host, set()).add(pk)

    def match(self, emails: list[str]) -> tuple[int | None, list[Contact]]:
        """Return the client these addresses belong to (or None) and its people among them."""
        others = [e for e in emails if e not in self.team]
        people = [self.by_email[e] for e in others if e in self.by_email]
        if people:
            votes = Counter(p.client_id for p in people)
            client_id = votes.most_common(1)[0][0]
            return client_id, [p for p in people if p.client_id == client_id]
        votes = Counter()
        for email in others:
            candidates = self.by_domain.get(_domain(email), set())
            if len(candidates) == 1:
                votes[next(iter(candidates))] += 1
        if votes:
            return votes.most_common(1)[0][0], []
        return None, []


def _moment(value: Any, zone: dt.tzinfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, ALL_DAY_AT, tzinfo=zone)
    raise EventInvalid("DTSTART", "The event has no start time.")


def _stamp(value: dt.date) -> str:
    """Return a moment as the ledger writes it: UTC when it has a zone, as given otherwise."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.strftime("%Y%m%dT%H%M%S")
        return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _uid(event: Any) -> str:
    uid = str(event.get("UID", "")).strip()
    if uid:
        return uid
    start = event.get("DTSTART")
    seed = f"{_stamp(start.dt) if start is not None else ''}\n{event.get('SUMMARY', '')}"
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


@dataclass
class Occurrence:
    """One meeting to import: an event, or one date of a repeating event."""

    uid: str
    key: str
    event: Any
    start: dt.date | None


def _repeats(event: Any, start: dt.date, now: dt.datetime) -> list[dt.date]:
    """Return the dates of a repeating event within the import window (its start alone if
    the rule cannot be read)."""
    as_datetime = isinstance(start, dt.datetime)
    first = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    window = (now - REPEAT_BEFORE, now + REPEAT_AFTER)
    if first.tzinfo is None:
        window = (window[0].replace(tzinfo=None), window[1].replace(tzinfo=None))
    try:
        rule = rrulestr(event.get("RRULE").to_ical().decode(), dtstart=first)
        found: list[dt.datetime] = []
        for moment in rule.xafter(window[0], inc=True):
            if moment > window[1] or len(found) >= MAX_REPEATS:
                break
            found.append(moment)
    except (ValueError, TypeError):
        return [start]
    excluded: set[str] = set()
    exdates = event.get("EXDATE", [])
    for group in exdates if isinstance(exdates, list) else [exdates]:
        excluded.update(_stamp(d.dt) for d in group.dts)
    dates = [m if as_datetime else m.date() for m in found]
    return [d for d in dates if _stamp(d) not in excluded]


def expand(events: Iterator[Any], *, now: dt.datetime) -> Iterator[Occurrence]:
    """Yield the meetings of a calendar: single events, and repeating ones date by date
    (from a year ago to 90 days ahead), with dates the calendar moved listed once."""
    listed = list(events)
    moved = {
        (_uid(e), _stamp(e.get("RECURRENCE-ID").dt))
        for e in listed
        if e.get("RECURRENCE-ID") is not None
    }
    for event in listed:
        start_prop = event.get("DTSTART")
        if start_prop is None:
            yield Occurrence(_uid(event), _uid(event), event, None)
            continue
        uid = _uid(event)
        recurrence = event.get("RECURRENCE-ID")
        if recurrence is not None:
            yield Occurrence(uid, f"{uid}#{_stamp(recurrence.dt)}", event, start_prop.dt)
        elif event.get("RRULE") is not None:
            for day in _repeats(event, start_prop.dt, now):
                if (uid, _stamp(day)) not in moved:
                    yield Occurrence(uid, f"{uid}#{_stamp(day)}", event, day)
        else:
            yield Occurrence(uid, uid, event, start_prop.dt)


def _event_fields(event: Any, start: dt.date | None, zone: dt.tzinfo) -> dict[str, Any]:
    if start is None:
        raise EventInvalid("DTSTART", "The event has no start time.")
    subject = str(event.get("SUMMARY", "")).strip()[:300]
    body = str(event.get("DESCRIPTION", "")).strip()
    where = str(event.get("LOCATION", "")).strip()
    if where:
        body = f"{body}\n\nWhere: {where}".strip()
    return {
        "channel": Channel.MEETING,
        "occurred_at": _moment(start, zone),
        "subject": subject,
        "body": body,
    }


def _attendees(event: Any) -> tuple[list[str], str]:
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    emails = [_address(a) for a in attendees]
    organizer = _address(event.get("ORGANIZER", "")) if event.get("ORGANIZER") else ""
    everyone = [e for e in [organizer, *emails] if "@" in e]
    return list(dict.fromkeys(everyone)), organizer


def read_events(data: bytes) -> Iterator[Any]:
    """Yield the events of an ICS file; raise ValueError when it is not a calendar."""
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as error:  # icalendar raises ValueError and others for broken input
        raise ValueError(f"This is not a calendar file (ICS): {error}") from None
    if not calendars or any(c.name != "VCALENDAR" for c in calendars):
        raise ValueError("This is not a calendar file (ICS): it has no VCALENDAR.")
    for calendar in calendars:
        yield from calendar.walk("VEVENT")


def _apply_event(
    membership: Membership, directory: Directory, occurrence: Occurrence, zone: dt.tzinfo
) -> tuple[str | None, str]:
    """Import one meeting; return (outcome, the sentence for the report)."""
    key, event = occurrence.key, occurrence.event
    workspace = membership.workspace
    existing = ref_find(
        workspace=workspace, source=SOURCE, kind="interaction", external_id=key, model=Interaction
    )
    status = str(event.get("STATUS", "")).upper()
    subject = str(event.get("SUMMARY", "")).strip() or "(no title)"
    if status == "CANCELLED":
        if existing is None:
            return None, f"“{subject}” was cancelled; nothing to import."
        interactions.interaction_delete(membership=membership, interaction=existing)
        return UPDATED, f"Remove the cancelled meeting “{subject}”"
    emails, organizer = _attendees(event)
    client_id, people = directory.match(emails)
    if client_id is None:
        raise EventInvalid(
            "ATTENDEE",
            f"“{subject}”: nobody in Keepwarm has these addresses: {', '.join(emails) or 'none'}.",
        )
    fields = _event_fields(event, occurrence.start, zone)
    theirs = {e for p in people for e in (x.casefold() for x in p.all_emails)}
    fields["direction"] = Direction.INBOUND if organizer in theirs else Direction.OUTBOUND
    client = Client.objects.get(workspace=workspace, pk=client_id)
    try:
        if existing is None or existing.client_id != client_id:
            if existing is not None:
                interactions.interaction_delete(membership=membership, interaction=existing)
            meeting = interactions.interaction_log(
                membership=membership, client=client, contacts=people, **fields
            )
            outcome = CREATED
            sentence = f"Log the meeting “{subject}” with “{client.name}”"
        else:
            changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
            before = set(existing.contacts.values_list("pk", flat=True))
            same_people = before == {p.pk for p in people}
            meeting = interactions.interaction_update(
                membership=membership,
                interaction=existing,
                contacts=None if same_people else people,
                **changes,
            )
            outcome = UPDATED if changes or not same_people else UNCHANGED
            sentence = f"Update the meeting “{subject}” with “{client.name}”"
    except ValidationError as error:
        reasons = error.messages
        raise EventInvalid("", " ".join(reasons)) from None
    ref_remember(
        workspace=workspace,
        source=SOURCE,
        kind="interaction",
        external_id=key,
        object_id=meeting.pk,
    )
    return outcome, sentence


def ics_import(
    *,
    membership: Membership,
    events: Iterator[Any],
    dry_run: bool = False,
    on_item: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the events of a calendar as meetings; report those that match no client.

    A repeating event counts once per date it is imported for; one that matches no client
    is listed once.
    """
    require_write(membership)
    result = ImportResult(dry_run=dry_run)
    directory = Directory(membership.workspace_id)
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(membership.workspace.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC

    class DryRun(Exception):
        pass

    try:
        with transaction.atomic():
            unmatched: set[str] = set()
            occurrences = expand(events, now=timezone.now())
            for number, occurrence in enumerate(occurrences, start=1):
                result.rows += 1
                try:
                    with transaction.atomic():
                        outcome, sentence = _apply_event(membership, directory, occurrence, zone)
                except EventInvalid as invalid:
                    if invalid.field == "ATTENDEE" and occurrence.uid in unmatched:
                        result.skipped_count += 1
                    elif invalid.field == "ATTENDEE":
                        unmatched.add(occurrence.uid)
                        result.skip(number, invalid.field, invalid.reason)
                    else:
                        result.failed_rows += 1
                        result.add_error(number, invalid.field, invalid.reason)
                    continue
                if outcome is None:
                    result.skip(number, "STATUS", sentence)
                else:
                    result.counts[("interaction", outcome)] += 1
                    if outcome != UNCHANGED:
                        result.add_outcome(number, [sentence])
                if on_item is not None:
                    on_item(result.rows)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return result
