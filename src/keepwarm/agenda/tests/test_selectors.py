from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from keepwarm.agenda.kinds import occurrence
from keepwarm.agenda.services import agenda_item_dismiss, agenda_item_snooze
from keepwarm.agenda.tests.helpers import NOW, TODAY, AgendaTestCase, days_ago, fresh
from keepwarm.agenda.types import DUE, KINDS, OVERDUE, UPCOMING
from keepwarm.clients.models import ClientStatus, ImportantDate, PersonalFact
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.feedback.models import FeedbackResponse
from keepwarm.interactions.services import interaction_mark_replied
from keepwarm.recovery.models import ToughTopic


@time_machine.travel(NOW, tick=False)
class RepliesTests(AgendaTestCase):
    def test_it_lists_a_message_past_its_target_as_overdue(self) -> None:
        client = self.make_client(response_target_hours=24)
        lena = self.make_contact(client)
        message = self.log(
            client,
            at=days_ago(2),
            direction="inbound",
            subject="Invoice",
            needs_reply=True,
            contacts=(lena,),
        )
        item = self.one("reply")
        self.assertEqual(item.key, f"reply:{message.pk}")
        self.assertEqual(item.kind, "reply")
        self.assertEqual(
            item.sentence,
            "Reply to Lena Ortiz (Harbor Dental) about “Invoice” — waiting 2 days, target 1 day",
        )
        self.assertEqual(item.state, OVERDUE)
        self.assertEqual(item.reason, "overdue 1 day")
        self.assertEqual(item.overdue_days, 1)
        self.assertEqual(item.action, "Reply")
        self.assertEqual(item.interaction_id, message.pk)
        self.assertEqual(item.url, f"/clients/{client.pk}/#interaction-{message.pk}")

    def test_it_lists_a_message_within_its_target_as_due(self) -> None:
        client = self.make_client(response_target_hours=8)
        self.log(client, at=days_ago(0.125), direction="inbound", needs_reply=True)
        item = self.one("reply")
        self.assertEqual(item.state, DUE)
        self.assertEqual(item.reason, "due in 5 hours")
        self.assertEqual(item.overdue_days, 0)
        self.assertEqual(item.sentence, "Reply to Harbor Dental — waiting 3 hours, target 8 hours")

    def test_it_clears_once_the_message_is_answered(self) -> None:
        client = self.make_client()
        message = self.log(client, at=days_ago(2), direction="inbound", needs_reply=True)
        self.assertEqual(len(self.items("reply")), 1)
        interaction_mark_replied(membership=self.alice_m, interaction=message)
        self.assertEqual(self.items("reply"), [])

    def test_it_ignores_messages_that_need_no_reply(self) -> None:
        client = self.make_client()
        self.log(client, at=days_ago(2), direction="inbound")
        self.assertEqual(self.items("reply"), [])


@time_machine.travel(NOW, tick=False)
class CheckInTests(AgendaTestCase):
    def test_it_says_how_long_it_has_been_since_our_last_touch(self) -> None:
        client = self.make_client(check_in_every_days=14, created_at=days_ago(100))
        self.log(client, at=days_ago(20), direction="outbound")
        item = self.one("check_in")
        self.assertEqual(item.key, f"check_in:{client.pk}")
        self.assertEqual(
            item.sentence,
            "Check in with Harbor Dental — no contact for 20 days (aim: every 14 days)",
        )
        self.assertEqual(item.state, OVERDUE)
        self.assertEqual(item.reason, "overdue 6 days")
        self.assertEqual(item.overdue_days, 6)
        self.assertEqual(item.due, TODAY - dt.timedelta(days=6))
        self.assertEqual(item.last_contact_days, 20)

    def test_it_is_due_on_the_day_the_cadence_runs_out(self) -> None:
        client = self.make_client(check_in_every_days=14, created_at=days_ago(100))
        self.log(client, at=days_ago(14), direction="outbound")
        item = self.one("check_in")
        self.assertEqual((item.state, item.reason), (DUE, "due today"))
        self.log(client, at=days_ago(13.5), direction="outbound")
        self.assertEqual(self.items("check_in"), [])

    def test_any_touch_we_take_part_in_restarts_the_clock(self) -> None:
        client = self.make_client(check_in_every_days=14, created_at=days_ago(100))
        self.log(client, at=days_ago(30), direction="outbound")
        # A message from them, or a note to ourselves, is not us getting in touch.
        self.log(client, at=days_ago(2), direction="inbound", channel="email")
        self.log(client, at=days_ago(2), direction="internal", channel="message")
        self.assertEqual(len(self.items("check_in")), 1)
        # A call they made to us is a conversation we took part in.
        self.log(client, at=days_ago(1), direction="inbound", channel="call")
        self.assertEqual(self.items("check_in"), [])

    def test_a_meeting_planned_for_later_is_no_touch_yet(self) -> None:
        client = self.make_client(check_in_every_days=7, created_at=days_ago(100))
        self.log(client, at=days_ago(10), direction="outbound")
        self.log(client, at=NOW + dt.timedelta(days=1), channel="meeting")
        self.assertEqual(self.one("check_in").reason, "overdue 3 days")

    def test_it_counts_from_when_a_client_nobody_contacted_was_added(self) -> None:
        self.make_client(check_in_every_days=7, created_at=days_ago(9))
        item = self.one("check_in")
        self.assertEqual(
            item.sentence,
            "Check in with Harbor Dental — no contact since they were added 9 days ago "
            "(aim: every 7 days)",
        )
        self.assertIsNone(item.last_contact_days)


@time_machine.travel(NOW, tick=False)
class PromiseTests(AgendaTestCase):
    def test_it_lists_promises_due_today_and_overdue(self) -> None:
        client = self.make_client()
        lena = self.make_contact(client)
        today = self.promise(client, due_on=TODAY, promised_to=lena)
        late = self.promise(client, due_on=TODAY - dt.timedelta(days=3), what="Fix the form")
        self.promise(client, due_on=TODAY + dt.timedelta(days=1), what="Not yet")
        items = self.items("promise")
        self.assertEqual([i.key for i in items], [f"promise:{late.pk}", f"promise:{today.pk}"])
        self.assertEqual(
            items[0].sentence,
            "Keep the promise to Harbor Dental: “Fix the form” — due Sun 8 Mar",
        )
        self.assertEqual((items[0].state, items[0].overdue_days), (OVERDUE, 3))
        self.assertEqual(
            items[1].sentence,
            "Keep the promise to Lena Ortiz (Harbor Dental): “Send the revised quote” — due today",
        )
        self.assertEqual((items[1].state, items[1].reason), (DUE, "due today"))
        self.assertEqual(items[1].commitment_id, today.pk)
        self.assertEqual(items[1].url, f"/clients/{client.pk}/#promise-{today.pk}")

    def test_it_clears_once_the_promise_is_closed(self) -> None:
        client = self.make_client()
        for status in (CommitmentStatus.KEPT, CommitmentStatus.BROKEN, "renegotiated"):
            self.promise(client, due_on=TODAY, status=status)
        self.assertEqual(self.items("promise"), [])


@time_machine.travel(NOW, tick=False)
class PersonalDateTests(AgendaTestCase):
    def test_it_lists_birthdays_and_dates_in_the_next_seven_days(self) -> None:
        client = self.make_client()
        lena = self.make_contact(client)
        birthday = ImportantDate.objects.create(
            workspace=self.workspace, contact=lena, kind="birthday", date=dt.date(1985, 3, 14)
        )
        event = ImportantDate.objects.create(
            workspace=self.workspace,
            contact=lena,
            kind="event",
            label="Practice's 10th anniversary party",
            date=dt.date(2026, 3, 18),
            yearly=False,
        )
        for day in (dt.date(1985, 3, 19), dt.date(1985, 3, 10), dt.date(2025, 3, 12)):
            ImportantDate.objects.create(
                workspace=self.workspace, contact=lena, kind="anniversary", date=day, yearly=False
            )
        items = self.items("personal_date")
        self.assertEqual([i.key for i in items], [f"date:{birthday.pk}", f"date:{event.pk}"])
        self.assertEqual(
            items[0].sentence,
            "Wish Lena Ortiz (Harbor Dental) a happy birthday — in 3 days, Sat 14 Mar",
        )
        self.assertEqual((items[0].state, items[0].due), (UPCOMING, dt.date(2026, 3, 14)))
        self.assertEqual(items[0].url, f"/contacts/{lena.pk}/")
        self.assertEqual(
            items[1].sentence,
            "Remember Lena Ortiz's important day (Harbor Dental): “Practice's 10th anniversary "
            "party” — in 7 days, Wed 18 Mar",
        )

    def test_a_birthday_today_is_due(self) -> None:
        lena = self.make_contact(self.make_client())
        ImportantDate.objects.create(
            workspace=self.workspace, contact=lena, kind="birthday", date=dt.date(1990, 3, 11)
        )
        item = self.one("personal_date")
        self.assertEqual((item.state, item.reason), (DUE, "today"))
        self.assertEqual(item.sentence, "Wish Lena Ortiz (Harbor Dental) a happy birthday — today")

    def test_a_leap_day_birthday_falls_on_the_first_of_march_in_common_years(self) -> None:
        self.assertEqual(
            occurrence(dt.date(1992, 2, 29), True, dt.date(2026, 2, 27)), dt.date(2026, 3, 1)
        )
        lena = self.make_contact(self.make_client())
        ImportantDate.objects.create(
            workspace=self.workspace, contact=lena, kind="birthday", date=dt.date(1992, 2, 29)
        )
        later = dt.datetime(2026, 2, 27, 12, tzinfo=dt.UTC)
        self.assertEqual(self.one("personal_date", now=later).due, dt.date(2026, 3, 1))

    def test_a_birthday_near_new_year_wraps_into_next_year(self) -> None:
        lena = self.make_contact(self.make_client())
        ImportantDate.objects.create(
            workspace=self.workspace, contact=lena, kind="birthday", date=dt.date(1980, 1, 2)
        )
        eve = dt.datetime(2026, 12, 30, 12, tzinfo=dt.UTC)
        item = self.one("personal_date", now=eve)
        self.assertEqual(item.due, dt.date(2027, 1, 2))
        self.assertIn("in 3 days, Sat 2 Jan 2027", item.sentence)

    def test_a_personal_fact_happening_this_week_is_a_date_to_remember(self) -> None:
        lena = self.make_contact(self.make_client())
        fact = PersonalFact.objects.create(
            workspace=self.workspace,
            contact=lena,
            category="family",
            text="Son Tyrone plays in the county final on Saturday",
            date=dt.date(2026, 3, 14),
            follow_up_on=dt.date(2026, 3, 16),
        )
        PersonalFact.objects.create(
            workspace=self.workspace,
            contact=lena,
            category="milestone",
            text="Book out in April",
            date=dt.date(2026, 4, 2),
        )
        item = self.one("personal_date")
        self.assertEqual(item.key, f"fact_day:{fact.pk}")
        self.assertEqual(
            item.sentence,
            "Remember Lena Ortiz (Harbor Dental): “Son Tyrone plays in the county final on "
            "Saturday” — in 3 days, Sat 14 Mar",
        )
        self.assertEqual(
            (item.state, item.due, item.fact_id), (UPCOMING, dt.date(2026, 3, 14), fact.pk)
        )
        # Its follow-up comes on its own day, as its own item.
        self.assertEqual(self.items("follow_up"), [])
        monday = dt.datetime(2026, 3, 16, 9, tzinfo=dt.UTC)
        self.assertEqual(self.one("follow_up", now=monday).key, f"fact:{fact.pk}")
        self.assertEqual(self.items("personal_date", now=monday), [])


@time_machine.travel(NOW, tick=False)
class FollowUpTests(AgendaTestCase):
    def test_it_asks_about_a_fact_on_its_follow_up_day(self) -> None:
        lena = self.make_contact(self.make_client())
        fact = PersonalFact.objects.create(
            workspace=self.workspace,
            contact=lena,
            category="health",
            text="Knee operation on Monday",
            date=TODAY - dt.timedelta(days=2),
            follow_up_on=TODAY,
        )
        item = self.one("follow_up")
        self.assertEqual(item.key, f"fact:{fact.pk}")
        self.assertEqual(
            item.sentence, "Ask Lena Ortiz (Harbor Dental) how it went: “Knee operation on Monday”"
        )
        self.assertEqual((item.state, item.reason), (DUE, "today"))
        self.assertEqual(item.fact_id, fact.pk)

    def test_it_stays_a_few_days_then_lapses(self) -> None:
        lena = self.make_contact(self.make_client())
        PersonalFact.objects.create(
            workspace=self.workspace,
            contact=lena,
            category="diet",
            text="Vegan since January",
            follow_up_on=TODAY,
        )
        self.assertEqual(
            self.one("follow_up").sentence,
            "Follow up with Lena Ortiz (Harbor Dental): “Vegan since January”",
        )
        self.assertEqual(self.items("follow_up", now=NOW - dt.timedelta(days=1)), [])
        late = self.one("follow_up", now=NOW + dt.timedelta(days=3))
        self.assertEqual((late.state, late.reason), (OVERDUE, "overdue 3 days"))
        self.assertEqual(self.items("follow_up", now=NOW + dt.timedelta(days=4)), [])


@time_machine.travel(NOW, tick=False)
class MeetingTests(AgendaTestCase):
    def test_it_asks_to_add_value_within_three_days_of_a_meeting(self) -> None:
        client = self.make_client()
        meeting = self.log(client, at=days_ago(1), channel="meeting", subject="Quarterly review")
        # Something useful shared before the meeting does not count.
        self.log(client, at=days_ago(2), is_value_add=True)
        item = self.one("value_add")
        self.assertEqual(item.key, f"value_add:{meeting.pk}")
        self.assertEqual(
            item.sentence,
            "Share something useful with Harbor Dental after the meeting yesterday "
            "(“Quarterly review”) — by Fri 13 Mar",
        )
        self.assertEqual((item.state, item.due), (UPCOMING, dt.date(2026, 3, 13)))
        self.log(client, at=days_ago(0.5), is_value_add=True)
        self.assertEqual(self.items("value_add"), [])

    def test_an_older_meeting_asks_nothing(self) -> None:
        client = self.make_client()
        self.log(client, at=days_ago(3.5), channel="meeting")
        self.assertEqual(self.items("value_add"), [])

    def test_it_asks_to_prepare_for_a_meeting_tomorrow(self) -> None:
        client = self.make_client()
        tomorrow = dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC)
        meeting = self.log(client, at=tomorrow, channel="meeting", subject="Site launch")
        self.log(client, at=tomorrow + dt.timedelta(days=1), channel="meeting")
        item = self.one("meeting_prep")
        self.assertEqual(item.key, f"meeting_prep:{meeting.pk}")
        self.assertEqual(
            item.sentence,
            "Prepare for tomorrow's meeting with Harbor Dental at 10:00 (“Site launch”)",
        )
        self.assertEqual((item.state, item.due), (DUE, TODAY))
        self.assertEqual(item.url, f"/meetings/{meeting.pk}/brief/")
        # A planned meeting is not one that happened: nothing to follow up yet.
        self.assertEqual(self.items("value_add"), [])

    def test_tomorrow_is_the_members_tomorrow(self) -> None:
        self.alice.time_zone = "Pacific/Auckland"
        self.alice.save()
        alice_m = fresh(self.alice_m)
        client = self.make_client()
        # At NOW it is already 01:00 on the 12th in Auckland (UTC+13), so tomorrow is the 13th.
        self.log(client, at=dt.datetime(2026, 3, 12, 5, tzinfo=dt.UTC), channel="meeting")
        self.assertEqual(self.items("meeting_prep", membership=alice_m), [])
        self.assertEqual(len(self.items("meeting_prep", membership=self.bob_m, mine=False)), 1)
        self.log(client, at=dt.datetime(2026, 3, 13, 8, tzinfo=dt.UTC), channel="meeting")
        item = self.one("meeting_prep", membership=alice_m)
        self.assertIn("at 21:00", item.sentence)


@time_machine.travel(NOW, tick=False)
class TrustFallingTests(AgendaTestCase):
    def test_it_lists_a_client_whose_band_dropped_this_week(self) -> None:
        client = self.make_client()
        self.band(client, TODAY - dt.timedelta(days=7), "warm")
        self.band(client, TODAY, "cool")
        item = self.one("trust_falling")
        self.assertEqual(item.key, f"trust:{client.pk}")
        self.assertEqual(
            item.sentence,
            "Harbor Dental's trust fell from Warm to Cool this week — see why, and what would help",
        )
        self.assertEqual(item.band, "cool")
        self.assertEqual(item.url, f"/clients/{client.pk}/#trust")

    def test_a_steady_or_rising_band_is_no_item(self) -> None:
        steady, rising = self.make_client("Steady"), self.make_client("Rising")
        self.band(steady, TODAY - dt.timedelta(days=7), "warm")
        self.band(steady, TODAY, "warm")
        self.band(rising, TODAY - dt.timedelta(days=7), "cool")
        self.band(rising, TODAY, "warm")
        self.assertEqual(self.items("trust_falling"), [])

    def test_a_fall_older_than_the_window_is_no_item(self) -> None:
        client = self.make_client()
        self.band(client, TODAY - dt.timedelta(days=20), "close")
        self.band(client, TODAY, "cool")
        self.assertEqual(self.items("trust_falling"), [])


@time_machine.travel(NOW, tick=False)
class FiltersTests(AgendaTestCase):
    def test_mine_follows_the_client_owner_and_takes_in_unowned_clients(self) -> None:
        mine = self.make_client("Mine")
        bobs = self.make_client("Bob's", owner=self.bob)
        nobodys = self.make_client("Nobody's", owner=None)
        for client in (mine, bobs, nobodys):
            self.promise(client, due_on=TODAY)
        names = [i.client_name for i in self.items("promise")]
        self.assertEqual(sorted(names), ["Mine", "Nobody's"])
        team = [i.client_name for i in self.items("promise", mine=False)]
        self.assertEqual(sorted(team), ["Bob's", "Mine", "Nobody's"])
        bob = [i.client_name for i in self.items("promise", membership=self.bob_m)]
        self.assertEqual(sorted(bob), ["Bob's", "Nobody's"])

    def test_it_filters_by_kind_and_by_client(self) -> None:
        first, second = self.make_client("First"), self.make_client("Second")
        for client in (first, second):
            self.promise(client, due_on=TODAY)
            self.log(client, at=days_ago(2), direction="inbound", needs_reply=True)
        self.assertEqual({i.kind for i in self.items()}, {"promise", "reply"})
        self.assertEqual({i.kind for i in self.items("reply")}, {"reply"})
        only = self.items(client_id=second.pk)
        self.assertEqual({i.client_name for i in only}, {"Second"})
        self.assertEqual(len(only), 2)
        self.assertEqual(self.items("no_such_kind"), [])

    def test_it_leaves_out_former_clients_and_other_workspaces(self) -> None:
        former = self.make_client("Former", status=ClientStatus.FORMER)
        self.promise(former, due_on=TODAY)
        theirs = self.make_client("Theirs", workspace=self.charlies_workspace, owner=self.charlie)
        Commitment.objects.create(
            workspace=self.charlies_workspace, client=theirs, what="Theirs", due_on=TODAY
        )
        self.assertEqual(self.items(mine=False), [])
        self.assertEqual(self.items(client_id=theirs.pk, mine=False), [])

    def test_the_kind_registry_names_every_kind_it_computes(self) -> None:
        self.assertEqual(
            list(KINDS),
            [
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
            ],
        )


@time_machine.travel(NOW, tick=False)
class PriorityTests(AgendaTestCase):
    def test_overdue_comes_before_due_before_upcoming_and_later_before_less_late(self) -> None:
        client = self.make_client()
        lena = self.make_contact(client)
        ImportantDate.objects.create(
            workspace=self.workspace, contact=lena, kind="birthday", date=dt.date(1985, 3, 13)
        )
        due = self.promise(client, due_on=TODAY)
        late1 = self.promise(client, due_on=TODAY - dt.timedelta(days=1))
        late5 = self.promise(client, due_on=TODAY - dt.timedelta(days=5))
        keys = self.keys("promise", "personal_date")
        self.assertEqual(
            keys[:3], [f"promise:{late5.pk}", f"promise:{late1.pk}", f"promise:{due.pk}"]
        )
        self.assertTrue(keys[3].startswith("date:"))

    def test_among_equally_late_items_the_colder_client_comes_first(self) -> None:
        warm, cold = self.make_client("Warm one"), self.make_client("Cold one")
        self.band(warm, TODAY, "warm")
        self.band(cold, TODAY, "cold")
        self.promise(warm, due_on=TODAY - dt.timedelta(days=2), created_at=days_ago(30))
        self.promise(cold, due_on=TODAY - dt.timedelta(days=2), created_at=days_ago(3))
        items = self.items("promise")
        self.assertEqual([i.client_name for i in items], ["Cold one", "Warm one"])
        self.assertIn("Cold one is Cold", items[0].why)

    def test_then_the_longer_silence_then_the_oldest(self) -> None:
        quiet, chatty = self.make_client("Quiet"), self.make_client("Chatty")
        self.log(quiet, at=days_ago(9))
        self.log(chatty, at=days_ago(1))
        self.promise(chatty, due_on=TODAY, created_at=days_ago(30))
        self.promise(quiet, due_on=TODAY, created_at=days_ago(3))
        self.assertEqual([i.client_name for i in self.items("promise")], ["Quiet", "Chatty"])
        # Same band, same silence: the promise made first comes first.
        same = self.make_client("Same")
        old = self.promise(same, due_on=TODAY, created_at=days_ago(40), what="Old")
        new = self.promise(same, due_on=TODAY, created_at=days_ago(2), what="New")
        keys = self.keys("promise", client_id=same.pk)
        self.assertEqual(keys, [f"promise:{old.pk}", f"promise:{new.pk}"])

    def test_a_concern_raised_on_the_portal_goes_above_everything(self) -> None:
        late, speaking = self.make_client("Late promise"), self.make_client("Spoke up")
        self.promise(late, due_on=TODAY - dt.timedelta(days=20), created_at=days_ago(30))
        email = self.log(late, at=days_ago(5), direction="inbound", needs_reply=True)
        concern = self.log(
            speaking, at=days_ago(0.1), channel="portal", direction="inbound", needs_reply=True
        )
        keys = self.keys("promise", "reply")
        self.assertEqual(keys[0], f"reply:{concern.pk}")
        self.assertEqual(set(keys[1:]), {f"reply:{email.pk}", keys[1], keys[2]})
        self.assertEqual(len(keys), 3)

    def test_revenue_never_changes_the_order(self) -> None:
        small = self.make_client("Five percent", annual_value=Decimal("2000"))
        big = self.make_client("Eighty percent", annual_value=Decimal("80000"))
        self.promise(small, due_on=TODAY, created_at=days_ago(20))
        self.promise(big, due_on=TODAY, created_at=days_ago(5))
        before = [i.client_name for i in self.items("promise")]
        self.assertEqual(before, ["Five percent", "Eighty percent"])
        small.annual_value, big.annual_value = Decimal("80000"), Decimal("2000")
        small.save()
        big.save()
        self.assertEqual([i.client_name for i in self.items("promise")], before)

    def test_the_reason_explains_the_order(self) -> None:
        client = self.make_client()
        self.band(client, TODAY, "cool")
        self.log(client, at=days_ago(4))
        self.promise(client, due_on=TODAY - dt.timedelta(days=3))
        item = self.one("promise")
        self.assertEqual(item.reason, "overdue 3 days")
        self.assertEqual(
            item.why, "Overdue 3 days; Harbor Dental is Cool; last contact 4 days ago."
        )


@time_machine.travel(NOW, tick=False)
class QueryCountTests(AgendaTestCase):
    def make_history(self, n: int) -> None:
        for index in range(n):
            client = self.make_client(
                f"Client {index}", created_at=days_ago(60), check_in_every_days=1
            )
            lena = self.make_contact(client)
            self.log(client, at=days_ago(30))
            self.log(
                client, at=days_ago(2), direction="inbound", needs_reply=True, contacts=(lena,)
            )
            self.log(client, at=days_ago(1), channel="meeting")
            self.log(client, at=NOW + dt.timedelta(hours=20), channel="meeting")
            self.promise(client, due_on=TODAY, promised_to=lena)
            self.band(client, TODAY - dt.timedelta(days=7), "warm")
            self.band(client, TODAY, "cool")
            ImportantDate.objects.create(
                workspace=self.workspace, contact=lena, kind="birthday", date=dt.date(1980, 3, 12)
            )
            PersonalFact.objects.create(
                workspace=self.workspace,
                contact=lena,
                category="family",
                text="Son's county final",
                follow_up_on=TODAY,
            )

    def assert_fixed_queries(self, n: int) -> None:
        self.make_history(n)
        # Ten of ours; the rest are the feedback, recovery and referral sources' own (fixed)
        # queries.
        with self.assertNumQueries(21):
            items = self.items()
        self.assertEqual(len(items), 8 * n)
        self.assertEqual(
            {i.kind for i in items},
            {
                "reply",
                "promise",
                "check_in",
                "trust_falling",
                "meeting_prep",
                "value_add",
                "follow_up",
                "personal_date",
            },
        )

    def test_it_takes_a_fixed_number_of_queries_for_10_clients(self) -> None:
        self.assert_fixed_queries(10)

    def test_it_takes_a_fixed_number_of_queries_for_200_clients(self) -> None:
        self.assert_fixed_queries(200)


@time_machine.travel(NOW, tick=False)
class ReportDueTests(AgendaTestCase):
    def test_it_lists_a_status_report_due_and_nobody_started(self) -> None:
        # Weekly on Tuesdays at 16:00: the report of the week to Tue 10 Mar is a day late.
        client = self.make_client(
            report_cadence="weekly", report_weekday=1, created_at=days_ago(60)
        )
        item = self.one("report_due")
        self.assertEqual(item.key, f"report:{client.pk}:2026-03-04")
        self.assertEqual(item.kind, "report_due")
        self.assertEqual(item.state, DUE)
        self.assertEqual(
            item.sentence,
            "Send Harbor Dental their status report (Wed 4 Mar to Tue 10 Mar) — due yesterday",
        )
        self.assertEqual(item.url, f"/clients/{client.pk}/#reports")
        self.assertIsNone(item.report_id)

    def test_a_report_past_its_grace_period_is_overdue(self) -> None:
        self.make_client(report_cadence="weekly", report_weekday=0, created_at=days_ago(60))
        item = self.one("report_due")
        self.assertEqual(
            (item.state, item.reason, item.overdue_days), (OVERDUE, "overdue 2 days", 2)
        )


@time_machine.travel(NOW, tick=False)
class FeedbackAndRecoveryKindsTests(AgendaTestCase):
    """The kinds built from feedback and recovery records, through agenda_for and its actions."""

    def test_a_client_nobody_asked_for_feedback_in_90_days(self) -> None:
        client = self.make_client(created_at=days_ago(120))
        self.make_contact(client)
        item = self.one("ask_feedback")
        self.assertEqual(item.key, f"ask_feedback:{client.pk}")
        self.assertEqual(item.state, UPCOMING)
        self.assertIn("Ask Lena Ortiz (Harbor Dental) how it is going", item.sentence)
        agenda_item_dismiss(membership=self.alice_m, key=item.key, reason="Asked by phone")
        self.assertEqual(self.items("ask_feedback"), [])

    def test_an_unhappy_answer_asks_for_a_recovery_case(self) -> None:
        client = self.make_client()
        lena = self.make_contact(client)
        FeedbackResponse.objects.create(
            workspace=self.workspace,
            client=client,
            contact=lena,
            kind="nps",
            score=3,
            comment="Too slow lately.",
            unhappy=True,
            source="email",
            created_at=days_ago(2),
        )
        item = self.one("unhappy_client")
        self.assertEqual(item.key, f"unhappy_client:{client.pk}")
        self.assertEqual(item.state, OVERDUE)
        self.assertIn("Lena Ortiz (Harbor Dental) is unhappy", item.sentence)

    def test_a_tough_topic_past_its_date(self) -> None:
        client = self.make_client()
        topic = ToughTopic.objects.create(
            workspace=self.workspace,
            client=client,
            kind="price",
            what_to_say="Our rates go up in April.",
            raise_by=TODAY - dt.timedelta(days=2),
        )
        item = self.one("tough_topic")
        self.assertEqual((item.key, item.state), (f"tough_topic:{topic.pk}", OVERDUE))
        agenda_item_snooze(
            membership=self.alice_m, key=item.key, until=TODAY + dt.timedelta(days=1)
        )
        self.assertEqual(self.items("tough_topic"), [])
