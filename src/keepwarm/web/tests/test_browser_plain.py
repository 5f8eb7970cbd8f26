"""Browser tests of the plain-language check: live under a message, and on its own pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from keepwarm.interactions.models import Interaction
from keepwarm.lib.plain import check_text, warm_up
from keepwarm.tests.browser import assert_accessible, make_studio, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JARGON = "We will leverage our synergy to deliver an idempotent rollout of the booking page."
PLAIN = "We will launch the new booking page on Friday. It is safe to try again if it fails."


@pytest.fixture(autouse=True)
def fast_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def quick_timeouts(page: Page) -> None:
    page.set_default_timeout(5_000)
    expect.set_options(timeout=5_000)


@pytest.fixture(autouse=True)
def word_lists() -> None:
    """Load the word lists before the first keystroke, as `keepwarm serve` does at start."""
    warm_up()


def test_the_log_form_checks_a_message_as_it_is_typed(page: Page, base_url: str) -> None:
    """Jargon is marked in the live check under the message, and the mark goes once fixed."""
    studio = make_studio()
    sign_in(page, base_url, studio.owner.user)
    page.goto(reverse("client_detail", args=[studio.client.pk]))
    timeline = page.locator("#timeline")
    timeline.get_by_text("Log an interaction").click()
    timeline.get_by_label("From us", exact=True).check()
    check = timeline.locator("#plain-check")
    expect(check).to_contain_text("As you write, this shows how plainly it reads")

    notes = timeline.get_by_label("Notes")
    notes.press_sequentially(JARGON, delay=2)
    marked = check.locator("mark.plain-word", has_text="synergy")
    expect(marked).to_be_visible()
    expect(marked).to_contain_text("Unusual word:")  # Said in words, not only in colour.
    expect(check.get_by_role("list", name="Words your client may not know")).to_contain_text(
        "idempotent"
    )
    expect(check).to_contain_text("Swap 'synergy' for 'working together'")
    assert_accessible(page, "Client page with the live plain-language check")

    # A note about a call is not client-facing: the check steps aside.
    timeline.get_by_label("Channel").select_option(label="Call")
    expect(check).to_be_hidden()
    timeline.get_by_label("Channel").select_option(label="Email")
    expect(check).to_be_visible()

    notes.fill(PLAIN)
    expect(check.locator("mark")).to_have_count(0)
    expect(check).to_contain_text("Reads plainly. Nothing to change.")
    expect(check).to_contain_text("meets this client's target of 60")

    timeline.get_by_label("Subject").fill("Booking page launch")
    timeline.get_by_role("button", name="Log interaction").click()
    expect(page.get_by_role("heading", name="Booking page launch")).to_be_visible()
    logged = Interaction.objects.get(subject="Booking page launch")
    assert logged.reading_ease == check_text(PLAIN).reading_ease


def test_the_check_page_and_glossary_work_and_are_accessible(page: Page, base_url: str) -> None:
    """Without htmx the check is a page of its own; the glossary stops a word being flagged."""
    studio = make_studio()
    sign_in(page, base_url, studio.owner.user)
    page.goto(reverse("plain_language_settings"))
    assert_accessible(page, "Plain-language settings")
    page.get_by_label("Glossary").fill("synergy\nroll out")
    page.get_by_role("button", name="Save glossary").click()
    expect(page.get_by_role("status")).to_contain_text("Glossary saved.")

    # The no-JavaScript path: a plain form post answers with a whole page.
    page.goto(reverse("client_detail", args=[studio.client.pk]))
    page.evaluate(
        """([url, text, clientId]) => {
          const form = document.createElement("form");
          form.method = "post";
          form.action = url;
          const add = (name, value) => {
            const input = document.createElement("input");
            input.type = "hidden"; input.name = name; input.value = value;
            form.append(input);
          };
          add("csrfmiddlewaretoken",
              document.querySelector("input[name=csrfmiddlewaretoken]").value);
          add("text", text);
          add("client_id", clientId);
          document.body.append(form);
          form.submit();
        }""",
        [reverse("plain_language_check"), JARGON, str(studio.client.pk)],
    )
    expect(page.get_by_role("heading", name="Plain-language check", level=1)).to_be_visible()
    words = page.get_by_role("list", name="Words your client may not know")
    expect(words).to_contain_text("idempotent")
    expect(words).not_to_contain_text("synergy")
    assert_accessible(page, "Plain-language check page")
    page.get_by_label("Your text").fill(PLAIN)
    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_text("Reads plainly. Nothing to change.")).to_be_visible()
