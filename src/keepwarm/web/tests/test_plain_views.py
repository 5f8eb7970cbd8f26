from __future__ import annotations

import json
from typing import Any

from django.test import SimpleTestCase
from django.utils import timezone

from keepwarm.accounts.models import AuditEvent, Membership, Role, User
from keepwarm.clients.models import Client
from keepwarm.interactions import services as interactions
from keepwarm.lib.plain import check_text
from keepwarm.lib.tests.api_case import NOT_FOUND, ApiTestCase
from keepwarm.testing import BaseTestCase
from keepwarm.web.templatetags.plain_check import highlight

HTMX = {"HX-Request": "true"}
URL = "/writing/check/"
JARGON = "We will leverage our synergy."
LONG = (
    "Because the server was down and the records had not updated in time, the site could not "
    "take any bookings on Tuesday and many of your patients had to phone the front desk "
    "instead of booking online."
)


class HighlightTests(SimpleTestCase):
    def test_it_marks_hard_words_in_words_not_only_colour(self) -> None:
        text = "We value synergy."
        html = highlight(text, check_text(text))
        self.assertEqual(
            html,
            'We value <mark class="plain-word"><span class="visually-hidden">Unusual word: '
            "</span>synergy</mark>.",
        )

    def test_it_nests_words_and_passive_phrases_inside_long_sentences(self) -> None:
        text = f"Hi. {LONG} The form was broken."
        html = highlight(text, check_text(text))
        self.assertTrue(
            html.startswith(
                'Hi. <mark class="plain-long"><span class="visually-hidden">Long sentence, 37 '
                "words: </span>Because the server"
            )
        )
        self.assertIn(
            'instead of booking online.<span class="visually-hidden"> (end of long sentence)'
            "</span></mark> The form ",
            html,
        )
        self.assertIn(
            '<mark class="plain-passive"><span class="visually-hidden">Possibly passive: '
            "</span>was broken</mark>.",
            html,
        )
        self.assertEqual(html.count("<mark"), html.count("</mark>"))

    def test_it_escapes_everything_the_user_wrote(self) -> None:
        text = '<script>alert("x")</script> synergy <img src=x onerror=alert(1)> & "q"'
        html = highlight(text, check_text(text))
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertIn("&amp; &quot;q&quot;", html)
        self.assertIn("synergy</mark>", html)

    def test_it_marks_nothing_when_the_check_was_of_another_text(self) -> None:
        check = check_text("We value synergy and more synergy.")
        self.assertEqual(highlight("Something else <b>", check), "Something else &lt;b&gt;")


class PlainCheckViewTests(BaseTestCase):
    harbor: Client
    foreign: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace, name="Harbor Dental", plain_language_target=90
        )
        cls.foreign = Client.objects.create(workspace=cls.charlies_workspace, name="Elsewhere")

    def setUp(self) -> None:
        self.login(self.alice)

    def check(self, data: dict[str, Any], **kwargs: Any) -> Any:
        return self.client.post(URL, data, **kwargs)

    def test_it_answers_htmx_with_the_fragment(self) -> None:
        response = self.check({"text": JARGON}, headers=HTMX)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertNotIn("<html", html)
        self.assertTemplateUsed(response, "web/_plain_check.html")
        self.assertIn("Reading ease", html)
        self.assertIn("the target of 60", html)
        self.assertIn('<span class="plain-word-name">synergy</span>', html)
        self.assertIn("Swap &#x27;synergy&#x27; for &#x27;working together&#x27;", html)
        self.assertIn("synergy</mark>", html)

    def test_it_uses_the_clients_target(self) -> None:
        text = "We fixed the leak in your kitchen on Tuesday morning before lunch."
        ease = check_text(text).reading_ease
        assert ease is not None and ease < 90
        response = self.check({"text": text, "client_id": self.harbor.pk}, headers=HTMX)
        self.assertContains(
            response, f"Reading ease {ease:.0f}</strong> —\n    below this client's target of 90."
        )

    def test_it_says_so_when_the_text_meets_the_target(self) -> None:
        response = self.check({"text": "We fixed the leak."}, headers=HTMX)
        self.assertContains(response, "meets the target of 60.")
        self.assertContains(response, "Reads plainly. Nothing to change.")

    def test_it_invites_writing_when_there_is_nothing_to_check(self) -> None:
        response = self.check({"text": "  "}, headers=HTMX)
        self.assertContains(response, "As you write, this shows how plainly it reads")

    def test_it_never_flags_the_workspace_glossary(self) -> None:
        self.workspace.plain_language_glossary = "Synergy\nroot canal"
        self.workspace.save()
        response = self.check({"text": JARGON}, headers=HTMX)
        self.assertNotContains(response, "synergy</mark>")
        self.assertNotContains(response, "plain-word-name")
        self.assertContains(response, "Reading ease")

    def test_it_marks_long_sentences_and_escapes_the_text(self) -> None:
        text = f"{LONG} <script>alert(1)</script>"
        response = self.check({"text": text}, headers=HTMX)
        html = response.content.decode()
        self.assertNotIn("<script>alert(1)", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertIn("Long sentence, 37 words: ", html)
        self.assertIn("Split the 37-word sentence starting &#x27;Because the…&#x27;", html)

    def test_it_reads_the_field_htmx_names(self) -> None:
        by_param = self.check({"body": JARGON, "plain_field": "body"}, headers=HTMX)
        self.assertContains(by_param, "synergy</mark>")
        by_trigger = self.check({"body": JARGON}, headers={**HTMX, "HX-Trigger-Name": "body"})
        self.assertContains(by_trigger, "synergy</mark>")

    def test_it_works_without_javascript_as_a_page(self) -> None:
        response = self.check({"text": JARGON, "client_id": self.harbor.pk})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "web/plain_check.html")
        self.assertContains(response, "<title>Plain-language check · Harbor Dental · Keepwarm")
        self.assertContains(response, f"{JARGON}</textarea>")
        self.assertContains(response, f'name="client_id" value="{self.harbor.pk}"')
        self.assertContains(response, "Check again")

    def test_it_answers_another_workspaces_client_like_a_missing_one(self) -> None:
        foreign = self.check({"text": "Hi.", "client_id": self.foreign.pk}, headers=HTMX)
        missing = self.check({"text": "Hi.", "client_id": 987654}, headers=HTMX)
        nonsense = self.check({"text": "Hi.", "client_id": "abc"}, headers=HTMX)
        self.assertEqual(foreign.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(nonsense.status_code, 404)

    def test_a_viewer_may_check_but_only_managers_see_the_glossary_link(self) -> None:
        self.login(self.victor)
        response = self.check({"text": JARGON}, headers=HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "/settings/plain-language/")
        self.login(self.alice)
        self.assertContains(self.check({"text": JARGON}, headers=HTMX), "/settings/plain-language/")

    def test_it_takes_only_posts_from_signed_in_members(self) -> None:
        self.assertEqual(self.client.get(URL).status_code, 405)
        self.client.logout()
        response = self.check({"text": "Hi."})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])

    def test_it_reads_the_database_a_fixed_number_of_times(self) -> None:
        self.check({"text": "Warm up."}, headers=HTMX)
        with self.assertNumQueries(5):
            self.check({"text": JARGON * 50, "client_id": self.harbor.pk}, headers=HTMX)


class PlainLanguageApiTests(ApiTestCase):
    harbor: Client
    foreign: Client
    url = "/api/plain-language"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace, name="Harbor Dental", plain_language_target=75
        )
        cls.foreign = Client.objects.create(workspace=cls.charlies_workspace, name="Elsewhere")

    def test_it_returns_the_check(self) -> None:
        text = f"Hi Maria,\n{LONG} The invoice was sent. {JARGON}"
        body = self.assert_status(self.post(self.url, {"text": text}), 200)
        expected = check_text(text)
        self.assertEqual(body["reading_ease"], expected.reading_ease)
        self.assertEqual(body["target"], 60.0)
        self.assertEqual(body["meets_target"], expected.meets_target)
        self.assertEqual(body["sentence_count"], 4)
        self.assertEqual(body["longest_sentence_words"], 37)
        first = body["sentences"][1]
        self.assertEqual(text[first["start"] : first["end"]], first["text"])
        self.assertTrue(first["too_long"])
        self.assertEqual(body["sentences"][2]["passive"], ["was sent"])
        self.assertEqual(
            body["hard_words"],
            [{"word": "synergy", "zipf": 3.22, "count": 1, "suggestion": "working together"}],
        )
        self.assertEqual(body["passive_hints"], ["was sent"])
        self.assertEqual(body["advice"], expected.advice)
        self.assertEqual(
            set(first), {"text", "start", "end", "words", "too_long", "passive", "hard_words"}
        )

    def test_it_takes_the_target_from_the_client_or_the_body(self) -> None:
        body = self.assert_status(
            self.post(self.url, {"text": "Hi.", "client_id": self.harbor.pk}), 200
        )
        self.assertEqual(body["target"], 75.0)
        body = self.assert_status(
            self.post(self.url, {"text": "Hi.", "client_id": self.harbor.pk, "target": 50.5}), 200
        )
        self.assertEqual(body["target"], 50.5)

    def test_it_applies_the_workspace_glossary(self) -> None:
        self.workspace.plain_language_glossary = "synergy"
        self.workspace.save()
        body = self.assert_status(self.post(self.url, {"text": JARGON}), 200)
        self.assertEqual(body["hard_words"], [])

    def test_it_answers_null_reading_ease_for_empty_text(self) -> None:
        body = self.assert_status(self.post(self.url, {"text": ""}), 200)
        self.assertIsNone(body["reading_ease"])
        self.assertTrue(body["meets_target"])

    def test_it_refuses_bad_input_with_422(self) -> None:
        for data in (
            {},
            {"text": 5},
            {"text": "Hi", "target": 101},
            {"text": "Hi", "target": "60"},
            {"text": "Hi", "target": True},
            {"text": "Hi", "client_id": "1"},
            {"text": "Hi", "extra": 1},
            {"text": "a\x00b"},
        ):
            self.assert_status(self.post(self.url, data), 422)
        body = self.assert_status(self.post(self.url, {}), 422)
        self.assertEqual(body["detail"][0]["loc"], ["body", "text"])

    def test_it_answers_another_workspaces_client_like_a_missing_one(self) -> None:
        foreign = self.post(self.url, {"text": "Hi.", "client_id": self.foreign.pk})
        missing = self.post(self.url, {"text": "Hi.", "client_id": 987654})
        self.assertEqual(self.assert_status(foreign, 404), NOT_FOUND)
        self.assertEqual(foreign.content, missing.content)

    def test_a_read_only_token_may_check_but_no_token_may_not(self) -> None:
        self.assert_status(self.post(self.url, {"text": "Hi."}, user=self.victor), 200)
        response = self.client.post(
            self.url, json.dumps({"text": "Hi."}), content_type="application/json"
        )
        self.assertEqual(response.status_code, 401)
        bad = {"Authorization": "Bearer kw_nonsense"}
        response = self.client.post(
            self.url, json.dumps({"text": "Hi."}), content_type="application/json", headers=bad
        )
        self.assertEqual(response.status_code, 401)


class GlossarySettingsTests(BaseTestCase):
    manager: User
    url = "/settings/plain-language/"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.manager = User.objects.create_user("mo@example.org", "x", name="Mo Manager")
        Membership.objects.create(user=cls.manager, workspace=cls.workspace, role=Role.MANAGER)

    def test_owners_and_managers_see_the_form(self) -> None:
        for user in (self.alice, self.manager):
            self.login(user)
            response = self.client.get(self.url)
            self.assertContains(response, "<title>Plain language · Keepwarm</title>")
            self.assertContains(response, 'name="glossary"')
            self.assertContains(response, "Save glossary")

    def test_a_manager_saves_the_glossary_tidied_and_audited(self) -> None:
        self.login(self.manager)
        response = self.client.post(
            self.url, {"glossary": " Sourdough \n\nroot   canal\nsourdough"}
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.workspace.refresh_from_db()
        self.assertEqual(self.workspace.plain_language_glossary, "Sourdough\nroot canal")
        event = AuditEvent.objects.get(workspace=self.workspace, action="workspace.update")
        self.assertEqual(event.actor, self.manager)
        self.assertEqual(event.changes, {"plain_language_glossary": ["", "Sourdough\nroot canal"]})
        self.assertContains(self.client.get(self.url), "Glossary saved.")

    def test_saving_the_same_glossary_records_nothing(self) -> None:
        self.login(self.alice)
        self.client.post(self.url, {"glossary": "SSL"})
        self.client.post(self.url, {"glossary": "SSL\n"})
        self.assertEqual(AuditEvent.objects.filter(action="workspace.update").count(), 1)

    def test_it_explains_a_term_that_is_too_long(self) -> None:
        self.login(self.alice)
        response = self.client.post(self.url, {"glossary": "x" * 101})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Keep each term under 100 characters", status_code=400)
        self.assertContains(response, "x" * 101, status_code=400)

    def test_members_see_the_glossary_but_cannot_change_it(self) -> None:
        self.workspace.plain_language_glossary = "sourdough\nSSL"
        self.workspace.save()
        for user in (self.bob, self.victor):
            self.login(user)
            response = self.client.get(self.url)
            self.assertContains(response, '<li class="badge">SSL</li>')
            self.assertNotContains(response, 'name="glossary"')
            self.assertEqual(self.client.post(self.url, {"glossary": "x"}).status_code, 403)
        self.workspace.refresh_from_db()
        self.assertEqual(self.workspace.plain_language_glossary, "sourdough\nSSL")

    def test_the_menu_links_to_it(self) -> None:
        self.login(self.bob)
        self.assertContains(self.client.get("/clients/"), f'href="{self.url}"')


class InteractionReadingEaseTests(BaseTestCase):
    harbor: Client

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.harbor = Client.objects.create(
            workspace=cls.workspace, name="Harbor Dental", plain_language_target=70
        )

    def log(self, **data: Any) -> Any:
        return interactions.interaction_log(
            membership=self.alice_m,
            client=self.harbor,
            occurred_at=timezone.now(),
            **{"channel": "email", "direction": "outbound", **data},
        )

    def test_it_stores_how_plainly_our_messages_read(self) -> None:
        body = "We fixed the leak. The bill follows next week."
        for channel in ("email", "message", "portal"):
            interaction = self.log(channel=channel, body=body)
            self.assertEqual(interaction.reading_ease, check_text(body).reading_ease, channel)
            interaction.refresh_from_db()
            self.assertIsNotNone(interaction.reading_ease)

    def test_it_leaves_other_interactions_without_one(self) -> None:
        body = "We fixed the leak."
        self.assertIsNone(self.log(direction="inbound", body=body).reading_ease)
        self.assertIsNone(self.log(direction="internal", body=body).reading_ease)
        self.assertIsNone(self.log(channel="call", body=body).reading_ease)
        self.assertIsNone(self.log(body="").reading_ease)

    def test_it_updates_it_when_the_message_changes(self) -> None:
        interaction = self.log(body="We fixed the leak.")
        interactions.interaction_update(membership=self.alice_m, interaction=interaction, body=LONG)
        interaction.refresh_from_db()
        self.assertEqual(interaction.reading_ease, check_text(LONG).reading_ease)
        interactions.interaction_update(
            membership=self.alice_m, interaction=interaction, direction="inbound"
        )
        interaction.refresh_from_db()
        self.assertIsNone(interaction.reading_ease)

    def test_the_log_form_checks_the_message_as_you_type(self) -> None:
        self.login(self.alice)
        html = self.client.get(f"/clients/{self.harbor.pk}/").content.decode()
        self.assertIn('hx-post="/writing/check/"', html)
        self.assertIn('hx-trigger="input changed delay:600ms from:find textarea"', html)
        self.assertIn(
            f'hx-vals=\'{{"plain_field": "body", "client_id": "{self.harbor.pk}"}}\'', html
        )
        self.assertIn('id="plain-check" aria-live="polite"', html)
