"""Tests for the recovery pages: the case form, the case page, client panels, topics, Insights."""

from __future__ import annotations

import datetime as dt
import difflib

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keepwarm.commitments.models import Commitment
from keepwarm.interactions.models import Interaction
from keepwarm.recovery import services
from keepwarm.recovery.models import AgreedAction, RecoveryCase, RecoveryStep, ToughTopic
from keepwarm.recovery.tests.helpers import RecoveryTestCase


class CasePageTests(RecoveryTestCase):
    def _case(self) -> RecoveryCase:
        return services.case_open(
            membership=self.alice_m,
            client=self.meadowbank,
            cause="slow_response",
            what_happened="Fiona waited two days.",
        )

    def test_the_new_case_form_is_filled_in_from_a_suggestion(self) -> None:
        self.login(self.bob)
        url = reverse("recovery_case_create", args=[self.meadowbank.pk])
        response = self.client.get(
            url, {"cause": "slow_response", "signal": "slow_reply", "what_happened": "Waited."}
        )
        self.assertContains(
            response, 'value="slow_response" required id="case-cause_1" checked', html=False
        )
        self.assertContains(response, "Waited.</textarea>", html=False)
        self.assertContains(response, 'name="signal" value="slow_reply"', html=False)

    def test_opening_a_case_goes_to_its_page(self) -> None:
        self.login(self.bob)
        url = reverse("recovery_case_create", args=[self.meadowbank.pk])
        response = self.client.post(
            url,
            {"cause": "slow_response", "what_happened": "Waited.", "signal": "slow_reply"},
        )
        case = RecoveryCase.objects.get()
        self.assertRedirects(response, reverse("recovery_case_detail", args=[case.pk]))
        self.assertEqual((case.signal, case.opened_by), ("slow_reply", self.bob))

    def test_a_bad_form_keeps_what_was_typed(self) -> None:
        self.login(self.bob)
        url = reverse("recovery_case_create", args=[self.meadowbank.pk])
        response = self.client.post(url, {"what_happened": "Kept this."})
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Kept this.")
        self.assertFalse(RecoveryCase.objects.exists())

    def test_the_case_page_shows_where_it_stands_and_what_the_next_step_asks(self) -> None:
        case = self._case()
        services.step_record(membership=self.alice_m, case=case, step="prepare", notes="Read it.")
        self.login(self.bob)
        with self.assertNumQueries(10):
            response = self.client.get(reverse("recovery_case_detail", args=[case.pk]))
        self.assertContains(response, "1 of 8 steps done.")
        self.assertContains(response, "Next: step 2, find the facts")
        self.assertContains(response, "Find out what the facts are: why they are unhappy.")
        self.assertContains(response, "Read it.")

    def test_steps_are_marked_done_changed_and_undone(self) -> None:
        case = self._case()
        self.login(self.bob)
        url = reverse("recovery_step_record", args=[case.pk])
        response = self.client.post(url, {"step": "feelings", "notes": "Let down."})
        self.assertRedirects(
            response,
            reverse("recovery_case_detail", args=[case.pk]) + "#step-feelings",
            fetch_redirect_response=False,
        )
        step = RecoveryStep.objects.get(case=case)
        self.assertEqual((step.step, step.notes, step.done_by), ("feelings", "Let down.", self.bob))
        self.client.post(url, {"step": "feelings", "notes": "Let down and worried."})
        self.assertEqual(RecoveryStep.objects.get(case=case).notes, "Let down and worried.")
        self.client.post(url, {"step": "feelings", "undo": "1"})
        self.assertFalse(RecoveryStep.objects.exists())

    def test_htmx_marks_a_step_in_place(self) -> None:
        case = self._case()
        self.login(self.bob)
        url = reverse("recovery_step_record", args=[case.pk])
        response = self.client.post(
            url, {"step": "prepare", "notes": "Read it all."}, headers={"HX-Request": "true"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("toast", response["HX-Trigger"])
        self.assertContains(response, 'id="case-main"')
        self.assertContains(response, "1 of 8 steps done.")
        self.assertContains(response, "Next: step 2, find the facts")
        self.assertNotContains(response, "<html")
        response = self.client.post(url, {"step": "nope"}, headers={"HX-Request": "true"})
        self.assertContains(response, 'id="case-main"')
        self.assertNotContains(response, "<html")

    def test_agreed_actions_and_closing(self) -> None:
        case = self._case()
        self.login(self.bob)
        due = timezone.localdate() + dt.timedelta(days=2)
        self.client.post(
            reverse("recovery_action_create", args=[case.pk]),
            {"side": "ours", "text": "Fix the booking page", "due_on": due.isoformat()},
        )
        self.client.post(
            reverse("recovery_action_create", args=[case.pk]),
            {"side": "theirs", "text": "Send the new opening hours"},
        )
        ours = AgreedAction.objects.get(side="ours")
        assert ours.commitment is not None
        self.assertEqual(Commitment.objects.get().what, "Fix the booking page")
        theirs = AgreedAction.objects.get(side="theirs")
        self.client.post(reverse("recovery_action_done", args=[theirs.pk]), {"done": "1"})
        theirs.refresh_from_db()
        self.assertIsNotNone(theirs.done_at)
        response = self.client.get(reverse("recovery_case_detail", args=[case.pk]))
        self.assertContains(response, "Open promise")
        self.assertContains(response, "in the promise ledger")
        # Retained is refused until step 8 is done; the note typed stays in the form.
        close = reverse("recovery_case_close", args=[case.pk])
        response = self.client.post(close, {"outcome": "retained", "closing_note": "Stayed on."})
        self.assertContains(response, "agree the steps both sides take (step 8)")
        self.assertContains(response, "Stayed on.")
        services.step_record(membership=self.bob_m, case=case, step="agree")
        response = self.client.post(close, {"outcome": "retained", "closing_note": "Stayed on."})
        self.assertRedirects(response, reverse("recovery_case_detail", args=[case.pk]))
        case.refresh_from_db()
        self.assertEqual(case.outcome, "retained")
        response = self.client.get(reverse("recovery_case_detail", args=[case.pk]))
        self.assertContains(response, "Retained: Meadowbank Vets stayed with us.")
        self.assertNotContains(response, "Close the case")

    def test_an_ours_action_without_a_date_says_why(self) -> None:
        case = self._case()
        self.login(self.bob)
        response = self.client.post(
            reverse("recovery_action_create", args=[case.pk]),
            {"side": "ours", "text": "Fix it"},
        )
        self.assertContains(response, "Give the date we agreed to do it by")
        self.assertFalse(AgreedAction.objects.exists())

    def test_the_cause_and_story_can_be_corrected(self) -> None:
        case = self._case()
        self.login(self.bob)
        url = reverse("recovery_case_edit", args=[case.pk])
        self.assertContains(self.client.get(url), "Fiona waited two days.")
        response = self.client.post(url, {"cause": "no_updates", "what_happened": "No news."})
        self.assertRedirects(response, reverse("recovery_case_detail", args=[case.pk]))
        case.refresh_from_db()
        self.assertEqual((case.cause, case.what_happened), ("no_updates", "No news."))

    def test_a_viewer_sees_the_case_without_forms(self) -> None:
        case = self._case()
        self.login(self.victor)
        response = self.client.get(reverse("recovery_case_detail", args=[case.pk]))
        self.assertContains(response, "0 of 8 steps done.")
        self.assertNotContains(response, "Mark done")
        self.assertNotContains(response, "Close the case")


class ClientPanelTests(RecoveryTestCase):
    def test_the_client_page_offers_a_case_and_lists_topics_and_mistakes(self) -> None:
        Interaction.objects.create(
            workspace=self.workspace,
            client=self.meadowbank,
            channel="email",
            direction="inbound",
            occurred_at=timezone.now() - dt.timedelta(days=2),
            sentiment=-0.8,
            subject="Not good enough",
        )
        today = timezone.localdate()
        ToughTopic.objects.create(
            workspace=self.workspace,
            client=self.meadowbank,
            kind="price",
            what_to_say="Hosting goes up in February.",
            raise_by=today - dt.timedelta(days=2),
        )
        ToughTopic.objects.create(
            workspace=self.workspace,
            client=self.meadowbank,
            kind="mistake",
            what_to_say="We missed the outage for two days.",
            raise_by=today + dt.timedelta(days=3),
            raised_at=timezone.now(),
            outcome="Fiona thanked us for saying so.",
        )
        self.login(self.bob)
        response = self.client.get(reverse("client_detail", args=[self.meadowbank.pk]))
        self.assertContains(response, "Recovery cases")
        self.assertContains(response, "Meadowbank Vets sent a clearly upset email 2 days ago.")
        self.assertContains(response, "Open a recovery case")
        self.assertContains(response, "Not raised, 2 days past its date")
        self.assertContains(response, "Admitted mistakes")
        self.assertContains(response, "We missed the outage for two days.")
        self.assertContains(response, "Fiona thanked us for saying so.")

    def test_the_client_page_shows_the_open_case_and_its_next_step(self) -> None:
        case = services.case_open(
            membership=self.alice_m, client=self.meadowbank, cause="no_updates", what_happened="x"
        )
        self.login(self.bob)
        response = self.client.get(reverse("client_detail", args=[self.meadowbank.pk]))
        self.assertContains(response, "0 of 8 steps done. Next: <strong>prepare</strong>.")
        self.assertContains(response, reverse("recovery_case_detail", args=[case.pk]))
        self.assertNotContains(response, "Open a recovery case")

    def test_the_panels_cost_the_same_queries_however_many_cases_and_topics(self) -> None:
        def add(n: int) -> None:
            for _ in range(n):
                case = RecoveryCase.objects.create(
                    workspace=self.workspace,
                    client=self.meadowbank,
                    cause="other",
                    what_happened="x",
                    outcome="lost",
                    closed_at=timezone.now(),
                )
                RecoveryStep.objects.create(workspace=self.workspace, case=case, step="prepare")
                ToughTopic.objects.create(
                    workspace=self.workspace,
                    client=self.meadowbank,
                    kind="mistake",
                    what_to_say="x",
                    raise_by=timezone.localdate(),
                )

        self.login(self.bob)
        url = reverse("client_detail", args=[self.meadowbank.pk])
        add(1)
        self.client.get(url)  # the first request of a session also saves the session
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        add(5)
        with CaptureQueriesContext(connection) as six:
            self.client.get(url)
        diff = "\n".join(
            difflib.unified_diff(
                [q["sql"][:120] for q in one.captured_queries],
                [q["sql"][:120] for q in six.captured_queries],
                lineterm="",
            )
        )
        self.assertEqual(len(one), len(six), diff)


class TopicPageTests(RecoveryTestCase):
    def test_a_topic_is_added_edited_and_marked_raised(self) -> None:
        self.login(self.bob)
        raise_by = (timezone.localdate() + dt.timedelta(days=6)).isoformat()
        response = self.client.post(
            reverse("tough_topic_create", args=[self.meadowbank.pk]),
            {"kind": "price", "what_to_say": "Hosting goes up 8%.", "raise_by": raise_by},
        )
        topic = ToughTopic.objects.get()
        self.assertRedirects(
            response,
            reverse("client_detail", args=[self.meadowbank.pk]) + f"#topic-{topic.pk}",
            fetch_redirect_response=False,
        )
        self.client.post(
            reverse("tough_topic_edit", args=[topic.pk]),
            {"kind": "price", "what_to_say": "Hosting goes up 6%.", "raise_by": raise_by},
        )
        topic.refresh_from_db()
        self.assertEqual(topic.what_to_say, "Hosting goes up 6%.")
        response = self.client.post(reverse("tough_topic_raised", args=[topic.pk]), {})
        self.assertContains(response, "There is a problem")
        self.client.post(
            reverse("tough_topic_raised", args=[topic.pk]), {"outcome": "Fiona agreed."}
        )
        topic.refresh_from_db()
        self.assertEqual((topic.outcome, topic.raised_by), ("Fiona agreed.", self.bob))

    def test_the_topic_form_checks_what_to_say_for_plain_language(self) -> None:
        self.login(self.bob)
        response = self.client.get(reverse("tough_topic_create", args=[self.meadowbank.pk]))
        self.assertContains(response, f'hx-post="{reverse("plain_language_check")}"')
        self.assertContains(response, 'id="plain-check"')
        response = self.client.post(
            reverse("plain_language_check"),
            {
                "what_to_say": "Our prices go up in May.",
                "plain_field": "what_to_say",
                "client_id": str(self.meadowbank.pk),
            },
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, "Reading ease")

    def test_the_topic_form_shows_its_errors(self) -> None:
        self.login(self.bob)
        response = self.client.post(
            reverse("tough_topic_create", args=[self.meadowbank.pk]), {"kind": "price"}
        )
        self.assertContains(response, "There is a problem")
        self.assertFalse(ToughTopic.objects.exists())


class InsightsSectionTests(RecoveryTestCase):
    def test_insights_shows_cases_by_cause(self) -> None:
        case = services.case_open(
            membership=self.alice_m, client=self.meadowbank, cause="no_updates", what_happened="x"
        )
        services.case_close(membership=self.alice_m, case=case, outcome="lost", closing_note="x")
        self.login(self.bob)
        response = self.client.get(reverse("insights"))
        self.assertContains(response, "Winning back trust")
        self.assertContains(response, "1 recovery case: 0 open, 0 retained, 1 lost")
        self.assertContains(response, "No updates on progress or problems")
