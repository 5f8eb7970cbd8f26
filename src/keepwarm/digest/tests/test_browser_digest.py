"""Browser tests in real Chromium: the calendar link made, copied, fetched and turned off."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from keepwarm.clients.models import Client
from keepwarm.digest.links import unsubscribe_token
from keepwarm.digest.models import CalendarFeed
from keepwarm.interactions.models import Interaction
from keepwarm.tests.browser import PHONE, assert_accessible, make_studio, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_hashers(settings: Any) -> None:
    """Hash passwords with MD5 so signing in costs milliseconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def quick_timeouts(page: Page) -> None:
    """Fail in seconds: every page here answers from a local server."""
    page.set_default_timeout(5_000)
    expect.set_options(timeout=5_000)


def test_a_calendar_link_is_made_copied_and_turned_off(page: Page, base_url: str) -> None:
    """From the user menu to a working feed, then revoked; every state accessible."""
    studio = make_studio()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, base_url, studio.owner.user)
    page.goto("/clients/", timeout=30_000)
    page.get_by_text("Account menu for Alice Archer").click()
    page.get_by_role("link", name="Calendar and digest").click()
    expect(page.get_by_role("heading", name="Calendar and digest", level=1)).to_be_visible()
    assert_accessible(page, "Calendar and digest settings")

    page.get_by_role("button", name="Make a calendar link").click()
    link = page.get_by_role("textbox", name="Calendar link")
    url = link.input_value()
    assert url.endswith(".ics") and "/calendar/kwcal_" in url
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Copied. Now paste it into your calendar app.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert_accessible(page, "Calendar settings showing the new link")

    path = url[url.index("/calendar/") :]
    feed = page.request.get(base_url + path)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "Promise to Harbour Dental: Send the booking report" in feed.text().replace("\r\n ", "")

    page.goto("/settings/calendar/")
    page.get_by_role("link", name="Turn off the link").click()
    assert_accessible(page, "Turn off the calendar link")
    page.get_by_role("button", name="Turn off the link").click()
    expect(page.get_by_text("Your calendar link is turned off.")).to_be_visible()
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
    assert page.request.get(base_url + path).status == 404


def test_settings_unsubscribe_and_fairness_work_at_phone_width(page: Page, base_url: str) -> None:
    """The settings page, the unsubscribe page and Insights' fairness section on a phone."""
    studio = make_studio()
    Client.objects.create(workspace=studio.owner.workspace, name="Quiet Quarry")
    Interaction.objects.create(
        workspace=studio.owner.workspace,
        client=studio.client,
        channel="email",
        direction="outbound",
        occurred_at=timezone.now(),
    )
    page.set_viewport_size(PHONE)
    page.goto(f"/digest/unsubscribe/{unsubscribe_token(studio.owner)}/", timeout=30_000)
    assert_accessible(page, "Unsubscribe confirmation")
    page.get_by_role("button", name="Stop the daily digest").click()
    expect(page.get_by_role("heading", name="You will not get the daily digest")).to_be_visible()
    studio.owner.refresh_from_db()
    assert not studio.owner.digest_enabled

    sign_in(page, base_url, studio.owner.user)
    page.goto("/settings/calendar/")
    expect(page.get_by_label("Email me my agenda each day")).not_to_be_checked()
    page.get_by_label("Email me my agenda each day").check()
    page.get_by_label("Time to send it").fill("07:30")
    page.get_by_role("button", name="Save digest settings").click()
    expect(page.get_by_text("Saved. Your digest comes each day at 07:30.")).to_be_visible()
    assert_accessible(page, "Calendar and digest settings on a phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the settings page scrolls sideways ({width}px)"

    page.goto("/insights/")
    fairness = page.locator("#fairness")
    expect(fairness).to_contain_text("far below an equal share")
    assert_accessible(page, "Insights with the fairness report on a phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"Insights scrolls sideways ({width}px)"
