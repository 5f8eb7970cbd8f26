from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar, Event

from keepwarm.accounts.models import AuditEvent, User
from keepwarm.agenda.models import AgendaAction
from keepwarm.clients.models import Client, Contact, ImportantDate, PersonalFact
from keepwarm.commitments.models import Commitment
from keepwarm.digest.models import CalendarFeed
from keepwarm.digest.services import (
    calendar_feed_create,
    calendar_feed_revoke,
    calendar_feed_rotate,
    token_hash,
)
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase

# A Monday. Harbor Dental's weekly report fell due last Friday at 16:00 in Dublin.
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def make_client(owner: User, name: str, **extra: object) -> Client:
    workspace = owner.memberships.get().workspace
    return Client.objects.create(
        workspace=workspace,
        name=name,
        owner=owner,
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        **extra,
    )


def feed_path(raw: str) -> str:
    return f"/calendar/{raw}.ics"


@override_settings(SITE_URL="https://crm.example.com")
@time_machine.travel(NOW, tick=False)
class CalendarFeedTests(BaseTestCase):
    harbor: Client
    cafe: Client
    birthday: ImportantDate
    anniversary: ImportantDate
    fact: PersonalFact
    promise: Commitment
    cafe_promise: Commitment

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ws = cls.workspace
        cls.harbor = make_client(
            cls.alice,
            "Harbor Dental",
            notes="SECRET CLIENT NOTE",
            check_in_every_days=14,
            report_cadence="weekly",
            report_weekday=4,
            report_time=dt.time(16, 0),
            report_time_zone="Europe/Dublin",
        )
        Interaction.objects.create(
            workspace=ws,
            client=cls.harbor,
            channel="email",
            direction="outbound",
            subject="Your new booking page",
            body="SECRET EMAIL BODY",
            occurred_at=dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC),
        )
        # Their email to us is not our touch: the check-in still counts from 10 June.
        Interaction.objects.create(
            workspace=ws,
            client=cls.harbor,
            channel="email",
            direction="inbound",
            occurred_at=dt.datetime(2026, 6, 12, 9, 0, tzinfo=dt.UTC),
        )
        lena = Contact.objects.create(
            workspace=ws, client=cls.harbor, name="Lena Ortiz", notes="SECRET CONTACT NOTE"
        )
        cls.birthday = ImportantDate.objects.create(
            workspace=ws, contact=lena, kind="birthday", date=dt.date(1985, 3, 4)
        )
        cls.anniversary = ImportantDate.objects.create(
            workspace=ws,
            contact=lena,
            kind="anniversary",
            label="Practice opened",
            date=dt.date(2026, 9, 1),
            yearly=False,
        )
        ImportantDate.objects.create(  # passed
            workspace=ws, contact=lena, kind="event", date=dt.date(2026, 1, 1), yearly=False
        )
        ImportantDate.objects.create(  # more than a year ahead
            workspace=ws, contact=lena, kind="event", date=dt.date(2027, 8, 1), yearly=False
        )
        cls.fact = PersonalFact.objects.create(
            workspace=ws,
            contact=lena,
            category="health",
            text="Knee operation on Tuesday",
            follow_up_on=dt.date(2026, 6, 23),
        )
        PersonalFact.objects.create(  # follow-up already past
            workspace=ws,
            contact=lena,
            category="family",
            text="Old news",
            follow_up_on=NOW.date() - dt.timedelta(days=1),
        )
        cls.promise = Commitment.objects.create(
            workspace=ws, client=cls.harbor, what="Send the new quote", due_on=dt.date(2026, 6, 20)
        )
        Commitment.objects.create(
            workspace=ws, client=cls.harbor, what="Kept already", due_on=dt.date(2026, 6, 1),
            status="kept",
        )  # fmt: skip
        # Nobody's client is everyone's, as on Today; a former client is nobody's concern.
        cls.cafe = Client.objects.create(
            workspace=ws, name="Corner Café", created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
        )
        cls.cafe_promise = Commitment.objects.create(
            workspace=ws, client=cls.cafe, what="Fix the menu page", due_on=dt.date(2026, 6, 16)
        )
        former = make_client(cls.alice, "Gone Gardens", status="former")
        Commitment.objects.create(
            workspace=ws, client=former, what="Former promise", due_on=dt.date(2026, 6, 18)
        )
        # Bob's client, and a client of another workspace that names alice as its owner.
        birch = make_client(cls.bob, "Birch Law")
        Commitment.objects.create(
            workspace=ws, client=birch, what="Bob's promise", due_on=dt.date(2026, 6, 18)
        )
        sam = Contact.objects.create(workspace=ws, client=birch, name="Sam Birch")
        ImportantDate.objects.create(
            workspace=ws, contact=sam, kind="birthday", date=dt.date(1970, 7, 1)
        )
        elsewhere = Client.objects.create(
            workspace=cls.charlies_workspace, name="Elsewhere Ltd", owner=cls.alice
        )
        Commitment.objects.create(
            workspace=cls.charlies_workspace,
            client=elsewhere,
            what="Charlie's promise",
            due_on=dt.date(2026, 6, 18),
        )

    def subscribe(self) -> str:
        _, raw = calendar_feed_create(membership=self.alice_m)
        return raw

    def fetch(self, raw: str) -> Calendar:
        response = self.client.get(feed_path(raw))
        self.assertEqual(response.status_code, 200)
        return Calendar.from_ical(response.content)

    def events(self, cal: Calendar) -> dict[str, Event]:
        return {str(event["UID"]).split("@")[0]: event for event in cal.events}

    def test_it_serves_a_calendar_without_a_session(self) -> None:
        raw = self.subscribe()
        response = self.client.get(feed_path(raw))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertNotIn("sessionid", response.cookies)
        self.assertEqual(self.client.head(feed_path(raw)).status_code, 200)
        cal = Calendar.from_ical(response.content)
        self.assertEqual(str(cal["X-WR-CALNAME"]), "Keepwarm — Alice's Studio")
        self.assertEqual(str(cal["VERSION"]), "2.0")

    def test_it_lists_promises_reports_dates_follow_ups_and_check_ins(self) -> None:
        events = self.events(self.fetch(self.subscribe()))
        self.assertEqual(
            set(events),
            {
                f"promise-{self.promise.pk}",
                f"report-{self.harbor.pk}-20260612",
                f"report-schedule-{self.harbor.pk}",
                f"date-{self.birthday.pk}",
                f"date-{self.anniversary.pk}",
                f"fact-{self.fact.pk}",
                f"checkin-{self.harbor.pk}",
                f"promise-{self.cafe_promise.pk}",
                f"checkin-{self.cafe.pk}",
            },
        )
        promise = events[f"promise-{self.promise.pk}"]
        self.assertEqual(str(promise["SUMMARY"]), "Promise to Harbor Dental: Send the new quote")
        self.assertEqual(promise.decoded("DTSTART"), dt.date(2026, 6, 20))  # all day
        self.assertEqual(promise.decoded("DTEND"), dt.date(2026, 6, 21))
        self.assertEqual(
            str(promise["URL"]), f"https://crm.example.com/clients/{self.harbor.pk}/#promises"
        )

        birthday = events[f"date-{self.birthday.pk}"]
        self.assertEqual(str(birthday["SUMMARY"]), "Lena Ortiz's birthday (Harbor Dental)")
        self.assertEqual(birthday.decoded("DTSTART"), dt.date(2027, 3, 4))
        self.assertEqual(birthday["RRULE"].to_ical(), b"FREQ=YEARLY")
        once = events[f"date-{self.anniversary.pk}"]
        self.assertEqual(str(once["SUMMARY"]), "Lena Ortiz: Practice opened (Harbor Dental)")
        self.assertNotIn("RRULE", once)

        fact = events[f"fact-{self.fact.pk}"]
        self.assertEqual(
            str(fact["SUMMARY"]),
            "Follow up with Lena Ortiz (Harbor Dental): “Knee operation on Tuesday”",
        )
        self.assertEqual(fact.decoded("DTSTART"), dt.date(2026, 6, 23))

        check_in = events[f"checkin-{self.harbor.pk}"]
        self.assertEqual(str(check_in["SUMMARY"]), "Check in with Harbor Dental")
        self.assertEqual(check_in.decoded("DTSTART"), dt.date(2026, 6, 24))  # 10 June + 14
        never = events[f"checkin-{self.cafe.pk}"]
        self.assertEqual(never.decoded("DTSTART"), dt.date(2026, 6, 15))  # added 1 June + 14

        owed = events[f"report-{self.harbor.pk}-20260612"]
        self.assertEqual(str(owed["SUMMARY"]), "Status report overdue: Harbor Dental")
        self.assertEqual(owed.decoded("DTSTART"), dt.datetime(2026, 6, 12, 15, 0, tzinfo=dt.UTC))
        schedule = events[f"report-schedule-{self.harbor.pk}"]
        self.assertEqual(schedule["RRULE"].to_ical(), b"FREQ=WEEKLY;BYDAY=FR")
        start = schedule.decoded("DTSTART")
        self.assertEqual(start.replace(tzinfo=None), dt.datetime(2026, 6, 19, 16, 0))
        self.assertEqual(str(start.tzinfo), "Europe/Dublin")

    def test_it_names_the_time_zones_of_timed_events(self) -> None:
        User.objects.filter(pk=self.alice.pk).update(time_zone="America/New_York")
        cal = self.fetch(self.subscribe())
        zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        self.assertEqual(zones, {"Europe/Dublin", "America/New_York"})
        owed = self.events(cal)[f"report-{self.harbor.pk}-20260612"]
        self.assertEqual(owed["DTSTART"].params["TZID"], "America/New_York")

    def test_it_gives_every_item_a_stable_uid_and_a_stamp(self) -> None:
        raw = self.subscribe()
        first = self.fetch(raw)
        with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
            second = self.fetch(raw)
        self.assertEqual(set(self.events(first)), set(self.events(second)))
        for event in first.walk("VEVENT"):
            self.assertTrue(str(event["UID"]).endswith("@crm.example.com"))
            self.assertEqual(event.decoded("DTSTAMP"), NOW)

    def test_it_never_includes_notes_bodies_or_anyone_elses_clients(self) -> None:
        body = self.client.get(feed_path(self.subscribe())).content.decode()
        unfolded = body.replace("\r\n ", "")
        for secret in (
            "SECRET",
            "Birch Law",
            "Bob's promise",
            "Sam Birch",
            "Elsewhere",
            "Charlie's promise",
            "Kept already",
            "Old news",
            "Gone Gardens",
            "Former promise",
        ):
            self.assertNotIn(secret, unfolded)

    def test_it_leaves_a_yearly_29_february_on_the_last_day_of_february(self) -> None:
        self.birthday.date = dt.date(1988, 2, 29)
        self.birthday.save()
        event = self.events(self.fetch(self.subscribe()))[f"date-{self.birthday.pk}"]
        self.assertEqual(event["RRULE"].to_ical(), b"FREQ=YEARLY;BYMONTHDAY=-1;BYMONTH=2")
        self.assertEqual(event.decoded("DTSTART"), dt.date(2027, 3, 1))

    def test_it_answers_unknown_revoked_and_replaced_links_with_404(self) -> None:
        raw = self.subscribe()
        self.assertEqual(self.client.get(feed_path("kwcal_nothing")).status_code, 404)
        self.assertEqual(self.client.get(feed_path("nothing")).status_code, 404)
        _, newer = calendar_feed_rotate(membership=self.alice_m)
        self.assertEqual(self.client.get(feed_path(raw)).status_code, 404)
        self.assertEqual(self.client.get(feed_path(newer)).status_code, 200)
        calendar_feed_revoke(membership=self.alice_m)
        self.assertEqual(self.client.get(feed_path(newer)).status_code, 404)
        self.alice.is_active = False
        self.alice.save()
        _, third = calendar_feed_rotate(membership=self.alice_m)
        self.assertEqual(self.client.get(feed_path(third)).status_code, 404)

    def test_it_stores_only_a_hash_and_notes_the_last_use(self) -> None:
        raw = self.subscribe()
        feed = CalendarFeed.objects.get(membership=self.alice_m)
        self.assertEqual(feed.token_hash, token_hash(raw))
        self.assertGreaterEqual(len(raw) - len("kwcal_"), 43)  # 32 random bytes, base64
        self.assertFalse(CalendarFeed.objects.filter(token_hash__contains=raw[6:20]).exists())
        self.assertIsNone(feed.last_used_at)
        self.fetch(raw)
        feed.refresh_from_db()
        self.assertEqual(feed.last_used_at, NOW)

    def test_it_asks_the_same_number_of_queries_however_many_items(self) -> None:
        raw = self.subscribe()
        self.fetch(raw)
        with CaptureQueriesContext(connection) as few:
            self.fetch(raw)
        for i in range(10):
            client = make_client(
                self.alice, f"Client {i}", report_cadence="daily", report_time=dt.time(9, 0)
            )
            Commitment.objects.create(
                workspace=self.workspace, client=client, what="More", due_on=dt.date(2026, 7, 1)
            )
            person = Contact.objects.create(workspace=self.workspace, client=client, name="P")
            ImportantDate.objects.create(
                workspace=self.workspace, contact=person, kind="birthday", date=dt.date(1990, 1, 2)
            )
            PersonalFact.objects.create(
                workspace=self.workspace,
                contact=person,
                category="interest",
                text="Sailing",
                follow_up_on=dt.date(2026, 7, 2),
            )
        with self.assertNumQueries(len(few.captured_queries)):
            cal = self.fetch(raw)
        self.assertEqual(len(cal.walk("VEVENT")), 9 + 10 * 6)

    def test_it_counts_a_check_in_marked_done_on_today_as_a_touch(self) -> None:
        AgendaAction.objects.create(
            workspace=self.workspace,
            key=f"check_in:{self.harbor.pk}",
            kind="check_in",
            client=self.harbor,
            action="done",
            created_at=dt.datetime(2026, 6, 14, 9, 0, tzinfo=dt.UTC),
        )
        event = self.events(self.fetch(self.subscribe()))[f"checkin-{self.harbor.pk}"]
        self.assertEqual(event.decoded("DTSTART"), dt.date(2026, 6, 28))


@override_settings(SITE_URL="https://crm.example.com")
@time_machine.travel(NOW, tick=False)
class CalendarSettingsTests(BaseTestCase):
    def test_it_offers_a_link_then_shows_it_once(self) -> None:
        self.login(self.alice)
        page = self.client.get("/settings/calendar/")
        self.assertContains(page, "Make a calendar link")
        self.assertContains(page, "<title>Calendar and digest · Keepwarm</title>", html=False)
        response = self.client.post("/settings/calendar/new/")
        self.assertEqual(response.status_code, 200)
        link = r'value="(https://crm\.example\.com/calendar/kwcal_[^"]+\.ics)"'
        found = re.search(link, response.text)
        assert found is not None
        self.assertContains(response, "this is the only time it is shown")
        self.assertContains(response, "Google Calendar")
        again = self.client.get("/settings/calendar/")
        self.assertNotContains(again, found.group(1))
        self.assertContains(again, "Your calendar link is on.")
        self.assertTrue(
            AuditEvent.objects.filter(actor=self.alice, action="calendar_feed.create").exists()
        )
        path = found.group(1).removeprefix("https://crm.example.com")
        self.client.logout()
        self.assertEqual(self.client.get(path).status_code, 200)

    def test_it_refuses_a_second_link_unless_asked_to_replace_it(self) -> None:
        self.login(self.alice)
        self.client.post("/settings/calendar/new/")
        response = self.client.post("/settings/calendar/new/")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "You already have a calendar link", status_code=400)
        self.assertEqual(CalendarFeed.objects.filter(revoked_at__isnull=True).count(), 1)

    def test_it_confirms_before_replacing_or_turning_off(self) -> None:
        self.login(self.alice)
        self.assertRedirects(self.client.get("/settings/calendar/new/"), "/settings/calendar/", 302)
        self.client.post("/settings/calendar/new/")
        first = CalendarFeed.objects.get()
        confirm = self.client.get("/settings/calendar/new/")
        self.assertContains(confirm, "Your current link stops working at once")
        self.assertContains(self.client.get("/settings/calendar/revoke/"), "Turn off the link")
        first.refresh_from_db()
        self.assertIsNone(first.revoked_at)  # a GET changes nothing

        replaced = self.client.post("/settings/calendar/new/", {"replace": "1"})
        self.assertContains(replaced, "this is the only time it is shown")
        first.refresh_from_db()
        self.assertEqual(first.revoked_at, NOW)
        self.assertTrue(AuditEvent.objects.filter(action="calendar_feed.rotate").exists())

        response = self.client.post("/settings/calendar/revoke/", follow=True)
        self.assertContains(response, "Your calendar link is turned off.")
        self.assertFalse(CalendarFeed.objects.filter(revoked_at__isnull=True).exists())
        self.assertTrue(AuditEvent.objects.filter(action="calendar_feed.revoke").exists())
        self.assertContains(response, "Make a calendar link")

    def test_it_keeps_each_members_link_to_themselves(self) -> None:
        calendar_feed_create(membership=self.bob_m)
        self.login(self.victor)  # a viewer may have a link of their own
        self.assertContains(self.client.get("/settings/calendar/"), "Make a calendar link")
        self.client.post("/settings/calendar/new/")
        self.client.post("/settings/calendar/revoke/")
        self.assertTrue(
            CalendarFeed.objects.filter(membership=self.bob_m, revoked_at__isnull=True).exists()
        )
        self.assertFalse(
            CalendarFeed.objects.filter(membership=self.victor_m, revoked_at__isnull=True).exists()
        )

    def test_it_needs_a_member(self) -> None:
        response = self.client.get("/settings/calendar/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])
