"""Browser tests in real Chromium: the first-day journey, and axe-core on every main page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.tests.browser import (
    PASSWORD,
    PHONE,
    assert_accessible,
    make_owner,
    make_studio,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_hashers(settings: Any) -> None:
    """Hash passwords with MD5 so signing in costs milliseconds, not Argon2's tenth of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def quick_timeouts(page: Page) -> None:
    """Fail in seconds, not Playwright's 30: every page here answers from a local server."""
    page.set_default_timeout(5_000)
    expect.set_options(timeout=5_000)


def no_reload_marker(page: Page) -> None:
    """Mark the current document, so a later check can tell that it was not reloaded."""
    page.evaluate("window.__kwSameDocument = true")


def assert_not_reloaded(page: Page) -> None:
    """Fail when the page was replaced since `no_reload_marker`: htmx should swap in place."""
    assert page.evaluate("window.__kwSameDocument === true"), "the page reloaded"


def test_the_accessibility_check_fails_on_a_real_violation(page: Page) -> None:
    """The gate is live: an unlabelled field and an unnamed button fail it, with their selectors."""
    page.set_content(
        '<html lang="en"><title>Broken</title><main><h1>Broken</h1>'
        '<input id="nameless"><button id="empty"></button></main></html>'
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "A broken page")
    message = str(failure.value)
    assert "label (critical)" in message
    assert "#nameless" in message
    assert "button-name (critical)" in message


def test_first_run_page_and_assets(page: Page) -> None:
    """With nobody signed up, the front door is the first-run page, styled and accessible."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/welcome/$"))
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert stylesheet
    response = page.request.get(stylesheet)
    assert response.status == 200, f"{stylesheet} answered {response.status}"
    assert "text/css" in response.headers["content-type"]
    assert page.evaluate("[...document.styleSheets].some(s => s.cssRules.length > 0)")
    assert page.evaluate("typeof window.htmx === 'object'"), "htmx did not load"
    assert_accessible(page, "First-run page")


def test_a_new_owner_records_a_client_from_sign_in_to_kept_promise(page: Page) -> None:
    """Sign in, add a client, a person and a fact, log a call, keep a promise, see it all."""
    make_owner()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    assert_accessible(page, "Login page")
    page.get_by_label("Email").fill("alice@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    assert_accessible(page, "Login page with an error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Add your first client")).to_be_visible()
    assert_accessible(page, "Today, no clients yet")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    expect(page.get_by_role("heading", name="Clients", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Add your first client")).to_be_visible()
    assert_accessible(page, "Clients list, empty")

    page.get_by_role("link", name="Add your first client").click()
    expect(page.get_by_role("heading", name="Add a client", level=1)).to_be_visible()
    assert_accessible(page, "Client form")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page, "Client form with errors")
    page.get_by_label("Name", exact=True).fill("Harbour Dental")
    page.get_by_label("Industry").fill("Dental practice")
    page.get_by_role("button", name="Add client").click()

    expect(page.get_by_role("heading", name="Harbour Dental", level=1)).to_be_visible()
    client_url = page.url
    assert_accessible(page, "Client page, new client")

    page.get_by_role("link", name="Add a person").click()
    assert_accessible(page, "Contact form")
    page.get_by_label("Name", exact=True).fill("Maria Okafor")
    page.get_by_label(re.compile(r"^Email")).fill("maria@harbour-dental.example")
    page.get_by_role("button", name="Add person").click()

    expect(page.get_by_role("heading", name="Maria Okafor", level=1)).to_be_visible()
    facts = page.locator("#facts")
    no_reload_marker(page)
    facts.get_by_text("Add something to remember").click()
    facts.get_by_label("Category").select_option(label="Family")
    facts.get_by_label("What to remember").fill("Son Tyrone plays in the county final")
    facts.get_by_role("button", name="Save fact").click()
    expect(page.get_by_role("list", name="What to remember about Maria Okafor")).to_contain_text(
        "Son Tyrone plays in the county final"
    )
    assert_not_reloaded(page)
    assert_accessible(page, "Contact page")

    page.goto(client_url)
    timeline = page.locator("#timeline")
    no_reload_marker(page)
    timeline.get_by_label("Channel").select_option(label="Call")
    timeline.get_by_label("From the client").check()
    timeline.get_by_label("Maria Okafor").check()
    timeline.get_by_label("Subject").fill("Kick-off call about the new booking page")
    timeline.get_by_label("Notes").fill("Maria wants online booking before the summer.")
    timeline.get_by_label("Progress").check()
    timeline.get_by_role("button", name="Log interaction").click()
    expect(
        page.get_by_role("list", name="Interactions, newest first").get_by_role(
            "heading", name="Kick-off call about the new booking page"
        )
    ).to_be_visible()
    assert_not_reloaded(page)

    promises = page.locator("#promises")
    promises.get_by_text("Add a promise").click()
    promises.get_by_label("What we promised").fill("Send the booking page mock-ups")
    due = timezone.localdate() + dt.timedelta(days=3)
    promises.get_by_label("Due").fill(due.isoformat())
    promises.get_by_role("button", name="Add promise").click()
    open_list = page.get_by_role("list", name="Open promises, soonest due first")
    expect(open_list).to_contain_text("Send the booking page mock-ups")
    open_list.get_by_role("listitem").filter(has_text="Send the booking page mock-ups").get_by_role(
        "button", name="Mark kept"
    ).click()
    closed = page.get_by_role("list", name="Recently closed promises")
    expect(closed.get_by_role("listitem").filter(has_text="mock-ups")).to_contain_text("Kept")
    assert_not_reloaded(page)
    assert Commitment.objects.get().status == CommitmentStatus.KEPT

    page.reload()
    expect(page.get_by_role("heading", name="Harbour Dental", level=1)).to_be_visible()
    people = page.locator("#people")
    expect(people.get_by_role("link", name="Maria Okafor")).to_be_visible()
    expect(people).to_contain_text("Son Tyrone plays in the county final")
    expect(
        page.get_by_role("heading", name="Kick-off call about the new booking page")
    ).to_be_visible()
    kept = page.get_by_role("list", name="Recently closed promises").get_by_role("listitem")
    expect(kept).to_contain_text("Send the booking page mock-ups")
    expect(kept).to_contain_text("Kept")
    assert_accessible(page, "Client page after the journey")


def test_every_main_page_is_accessible(page: Page, base_url: str) -> None:
    """axe-core finds no serious or critical violation on the pages of a full workspace."""
    studio = make_studio()
    sign_in(page, base_url, studio.owner.user)
    client = studio.client
    pages = [
        ("Today", reverse("today")),
        ("Today, the whole team", reverse("today") + "?who=team"),
        ("Clients list", reverse("client_list")),
        ("Clients list, no match", reverse("client_list") + "?q=zzzz"),
        ("Client page", reverse("client_detail", args=[client.pk])),
        ("Timeline page", reverse("interaction_list", args=[client.pk])),
        ("Client edit form", reverse("client_edit", args=[client.pk])),
        ("Client delete confirmation", reverse("client_delete", args=[client.pk])),
        ("Contact page", reverse("contact_detail", args=[studio.contact.pk])),
        ("Contact edit form", reverse("contact_edit", args=[studio.contact.pk])),
        ("Contact delete confirmation", reverse("contact_delete", args=[studio.contact.pk])),
        ("Fact edit form", reverse("fact_edit", args=[studio.fact.pk])),
        ("Goal edit form", reverse("goal_edit", args=[studio.goal.pk])),
        ("Interaction edit form", reverse("interaction_edit", args=[studio.interaction.pk])),
        (
            "Interaction delete confirmation",
            reverse("interaction_delete", args=[studio.interaction.pk]),
        ),
        ("Promise edit form", reverse("commitment_edit", args=[studio.promise.pk])),
        ("Promise delete confirmation", reverse("commitment_delete", args=[studio.promise.pk])),
        ("Log an interaction page", reverse("interaction_create", args=[client.pk])),
        ("Add a promise page", reverse("commitment_create", args=[client.pk])),
        ("Renegotiate page", reverse("commitment_renegotiate", args=[studio.promise.pk])),
        ("Add a goal page", reverse("goal_create", args=[client.pk])),
        ("Add a person page", reverse("contact_create", args=[client.pk])),
        ("Add a client page", reverse("client_create")),
        ("Team", reverse("team")),
        ("Workspace settings", reverse("workspace_settings")),
        ("Account settings", reverse("account_settings")),
        ("API tokens", reverse("api_tokens")),
        ("Audit log", reverse("audit_log")),
        ("Insights", reverse("insights")),
        ("Trust settings", reverse("trust_settings")),
        ("Not found", "/clients/999999/"),
    ]
    for what, path in pages:
        page.goto(path)
        assert_accessible(page, what)

    page.goto(reverse("client_detail", args=[client.pk]))
    timeline = page.locator("#timeline")
    timeline.get_by_text("Log an interaction").click()
    timeline.get_by_label("When").fill("")
    timeline.get_by_role("button", name="Log interaction").click()
    expect(timeline.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page, "Client page with an in-place form error")

    page.goto(reverse("contact_edit", args=[studio.contact.pk]))
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_label(re.compile(r"^Email")).fill("not an address")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page, "Contact form with errors")

    page.goto(reverse("commitment_edit", args=[studio.promise.pk]))
    page.get_by_label("What we promised").fill("")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page, "Promise form with errors")


def test_not_found_page_answers_404(page: Page) -> None:
    """An unknown address gets the styled 404 page with the right status."""
    response = page.goto("/no-such-page/")
    assert response is not None
    assert response.status == 404
    assert_accessible(page, "404 page")


def test_clients_and_client_page_work_at_phone_width(page: Page, base_url: str) -> None:
    """At 390 px the clients list and client page fit the screen and stay accessible."""
    studio = make_studio()
    sign_in(page, base_url, studio.owner.user)
    page.set_viewport_size(PHONE)
    for what, path in [
        ("Clients list at phone width", reverse("client_list")),
        ("Client page at phone width", reverse("client_detail", args=[studio.client.pk])),
        ("Insights at phone width", reverse("insights")),
    ]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{what} scrolls sideways by {overflow}px"
        assert_accessible(page, what)

    page.goto(reverse("client_list"))
    page.locator("summary", has=page.get_by_text("Menu", exact=True)).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    expect(page).to_have_url(re.compile(r"/clients/$"))
