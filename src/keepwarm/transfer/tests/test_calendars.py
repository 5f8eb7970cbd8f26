from __future__ import annotations

import datetime as dt

import time_machine

from keepwarm.agenda.selectors import agenda_for
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase
from keepwarm.transfer.calendars import ics_import, read_events
from keepwarm.transfer.results import ImportResult

NOW = dt.datetime(2026, 3, 11, 12, 0, tzinfo=dt.UTC)


def event(uid: str, start: str, *lines: str, summary: str = "Review") -> str:
    body = "\n".join(lines)
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260301T000000Z\nDTSTART:{start}\n"
        f"DTEND:{start}\nSUMMARY:{summary}\n{body}\nEND:VEVENT\n"
    )


def calendar(*events: str) -> bytes:
    return (
        ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n" + "".join(events) + "END:VCALENDAR\n")
        .replace("\n\n", "\n")
        .replace("\n", "\r\n")
        .encode()
    )


@time_machine.travel(NOW, tick=False)
class IcsImportTests(BaseTestCase):
    harbor: Client
    greenway: Client
    lena: Contact

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace, name="Harbor Dental", owner=cls.alice
        )
        cls.lena = Contact.objects.create(
            workspace=cls.workspace,
            client=cls.harbor,
            name="Lena Ortiz",
            email="lena@harbor.example",
            other_emails="lena.o@harbor-mail.example",
        )
        cls.greenway = Client.objects.create(
            workspace=cls.workspace, name="Greenway", website="https://www.greenway.example/"
        )
        theirs = Client.objects.create(workspace=cls.charlies_workspace, name="Charlie's client")
        Contact.objects.create(
            workspace=cls.charlies_workspace, client=theirs, name="Pat", email="pat@theirs.example"
        )

    def run_import(self, data: bytes, *, dry_run: bool = False) -> ImportResult:
        return ics_import(membership=self.alice_m, events=read_events(data), dry_run=dry_run)

    def test_it_matches_attendees_by_email_then_domain(self) -> None:
        data = calendar(
            event("a", "20260302T100000Z", "ORGANIZER:mailto:alice@example.org",
                  "ATTENDEE;CN=Lena:mailto:LENA.O@harbor-mail.example", summary="Kick-off"),
            event("b", "20260303T100000Z", "ORGANIZER:mailto:lena@harbor.example",
                  "ATTENDEE:mailto:alice@example.org", summary="Their call"),
            event("c", "20260304T100000Z", "ATTENDEE:mailto:someone@greenway.example",
                  summary="Visit"),
            event("d", "20260305T100000Z", "ATTENDEE:mailto:stranger@gmail.com",
                  "ATTENDEE:mailto:pat@theirs.example", summary="Dentist"),
        )  # fmt: skip

        result = self.run_import(data)

        self.assertEqual(result.count("interaction", "created"), 3)
        kickoff = Interaction.objects.get(subject="Kick-off")
        self.assertEqual(
            (kickoff.client, kickoff.channel, kickoff.direction),
            (self.harbor, "meeting", "outbound"),
        )
        self.assertEqual(list(kickoff.contacts.all()), [self.lena])
        self.assertEqual(kickoff.occurred_at, dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC))
        self.assertEqual(Interaction.objects.get(subject="Their call").direction, "inbound")
        visit = Interaction.objects.get(subject="Visit")
        self.assertEqual((visit.client, list(visit.contacts.all())), (self.greenway, []))
        self.assertEqual(result.skipped_count, 1)
        self.assertIn(
            "“Dentist”: nobody in Keepwarm has these addresses: "
            "stranger@gmail.com, pat@theirs.example",
            result.skipped[0].reason,
        )
        self.assertEqual(Interaction.objects.filter(workspace=self.charlies_workspace).count(), 0)

    def test_it_imports_each_date_of_a_repeating_event_once(self) -> None:
        lena = "ATTENDEE:mailto:lena@harbor.example"
        data = calendar(
            event("weekly", "20260223T100000Z", lena, "RRULE:FREQ=WEEKLY;COUNT=4",
                  "EXDATE:20260302T100000Z"),
            event("weekly", "20260309T110000Z", lena, "RECURRENCE-ID:20260309T100000Z",
                  summary="Moved"),
        )  # fmt: skip
        self.assertEqual(self.run_import(data).count("interaction", "created"), 3)
        self.assertEqual(
            [
                (i.subject, i.occurred_at.day, i.occurred_at.hour)
                for i in Interaction.objects.order_by("occurred_at")
            ],
            [("Review", 23, 10), ("Moved", 9, 11), ("Review", 16, 10)],
        )

        again = self.run_import(data)

        self.assertEqual(
            (again.count("interaction", "unchanged"), again.count("interaction", "created")), (3, 0)
        )
        later = data.replace(b"DTSTART:20260309T110000Z", b"DTSTART:20260309T120000Z")
        self.assertEqual(self.run_import(later).count("interaction", "updated"), 1)
        self.assertEqual(Interaction.objects.count(), 3)
        self.assertEqual(Interaction.objects.get(subject="Moved").occurred_at.hour, 12)
        cancelled = later.replace(b"SUMMARY:Moved", b"SUMMARY:Moved\r\nSTATUS:CANCELLED")
        self.run_import(cancelled)
        self.assertEqual(
            list(Interaction.objects.values_list("subject", flat=True)), ["Review", "Review"]
        )

    def test_an_unmatched_repeating_event_is_listed_once(self) -> None:
        data = calendar(
            event(
                "r",
                "20260302T100000Z",
                "ATTENDEE:mailto:x@nowhere.example",
                "RRULE:FREQ=DAILY;COUNT=5",
            )
        )
        result = self.run_import(data)
        self.assertEqual((result.skipped_count, len(result.skipped)), (5, 1))

    def test_a_future_event_is_a_meeting_to_prepare_for_tomorrow(self) -> None:
        data = calendar(
            event("t", "20260312T090000Z", "ATTENDEE:mailto:lena@harbor.example", summary="Launch")
        )

        self.run_import(data)

        items = [
            i for i in agenda_for(membership=self.alice_m, mine=True) if i.kind == "meeting_prep"
        ]
        self.assertEqual(
            [i.sentence for i in items],
            ["Prepare for tomorrow's meeting with Harbor Dental at 09:00 (“Launch”)"],
        )

    def test_an_all_day_event_is_at_nine_in_the_workspace_zone(self) -> None:
        data = calendar(
            event("day", "20260302", "ATTENDEE:mailto:lena@harbor.example")
            .replace("DTSTART:", "DTSTART;VALUE=DATE:")
            .replace("DTEND:", "DTEND;VALUE=DATE:")
        )
        self.run_import(data)
        self.assertEqual(
            Interaction.objects.get().occurred_at, dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
        )

    def test_a_dry_run_writes_nothing(self) -> None:
        data = calendar(event("a", "20260302T100000Z", "ATTENDEE:mailto:lena@harbor.example"))
        result = self.run_import(data, dry_run=True)
        self.assertEqual(result.count("interaction", "created"), 1)
        self.assertFalse(Interaction.objects.exists())

    def test_it_refuses_a_file_that_is_not_a_calendar(self) -> None:
        with self.assertRaisesMessage(ValueError, "This is not a calendar file"):
            list(read_events(b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n"))
