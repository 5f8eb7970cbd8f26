"""Browser test in real Chromium: typing in the top bar shows results in place, as you type."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from keepwarm.tests.browser import assert_accessible, make_studio, sign_in

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


def test_typing_in_the_top_bar_shows_results_in_place(page: Page, base_url: str) -> None:
    """Results replace the page as you type, the address follows, and a result opens its page."""
    studio = make_studio()
    sign_in(page, base_url, studio.owner.user)
    page.goto("/clients/", timeout=30_000)
    page.get_by_role("searchbox", name="Search everything").press_sequentially("tyr")
    results = page.locator("#search-results")
    expect(results).to_contain_text("1 result for “tyr”")
    expect(results.locator("mark")).to_have_text("Tyrone")
    expect(page).to_have_url(f"{base_url}/search/?q=tyr")
    assert_accessible(page, "Search results")

    # The page's own box swaps only the results, and the tabs narrow them by kind.
    box = page.get_by_role("searchbox", name="Words to find")
    box.fill("harbour")
    expect(results).to_contain_text("results for “harbour”")
    results.get_by_role("link", name="People").click()
    expect(results).to_contain_text("1 result for “harbour”")
    results.get_by_role("link", name="Maria Okafor").click()
    expect(page).to_have_url(f"{base_url}/contacts/{studio.contact.pk}/")
