"""Today in real Chromium: keep a promise, snooze a check-in, watch both leave the list."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from keepwarm.agenda.models import AgendaAction
from keepwarm.clients import services as clients
from keepwarm.clients.models import Client
from keepwarm.commitments import services as commitments
from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.tests.browser import PHONE, assert_accessible, make_owner, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def quick_timeouts(page: Page) -> None:
    page.set_default_timeout(5_000)
    expect.set_options(timeout=5_000)


def make_agenda() -> tuple[Any, Commitment, Client]:
    """Alice's studio with a promise due today and a client nobody has called in weeks."""
    owner = make_owner()
    harbour = clients.client_create(membership=owner, name="Harbour Dental", owner=owner.user)
    promise = commitments.commitment_create(
        membership=owner,
        client=harbour,
        what="Send the booking report",
        due_on=timezone.localdate(),
    )
    quiet = clients.client_create(
        membership=owner, name="Castle Plumbing", owner=owner.user, check_in_every_days=14
    )
    Client.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - dt.timedelta(days=36))
    return owner, promise, quiet


def test_keep_a_promise_and_snooze_a_check_in_from_today(page: Page, base_url: str) -> None:
    owner, promise, quiet = make_agenda()
    sign_in(page, base_url, owner.user)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/today/$"))
    items = page.locator("#agenda li.agenda-item")
    expect(items).to_have_count(2)
    promise_item = items.filter(has_text="Send the booking report")
    check_in = items.filter(has_text="Check in with Castle Plumbing")
    expect(check_in).to_contain_text("no contact since they were added 36 days ago")
    expect(check_in.locator(".badge")).to_have_text("Overdue 22 days")
    assert_accessible(page, "Today")
    page.evaluate("window.__kwSameDocument = true")

    promise_item.get_by_role("button", name="Mark kept").click()
    expect(page.locator("#toast")).to_have_text("Promise marked kept.")
    expect(items.filter(has_text="Send the booking report")).to_have_count(0)
    expect(items).to_have_count(1)

    check_in.locator("summary", has_text="Snooze").click()
    check_in.get_by_role("button", name="In 3 days").click()
    expect(page.locator("#toast")).to_contain_text("Snoozed until")
    expect(items).to_have_count(0)
    expect(page.get_by_role("heading", name="Nothing needs you today")).to_be_visible()
    assert page.evaluate("window.__kwSameDocument === true"), "the page reloaded"
    assert_accessible(page, "Today, all done")

    promise.refresh_from_db()
    assert promise.status == CommitmentStatus.KEPT
    snooze = AgendaAction.objects.get(key=f"check_in:{quiet.pk}")
    assert snooze.snooze_until == timezone.localdate() + dt.timedelta(days=3)


def test_today_works_without_javascript(browser: Any, base_url: str) -> None:
    owner, promise, _ = make_agenda()
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    sign_in(page, base_url, owner.user)
    page.goto("/today/")
    item = page.locator("li.agenda-item", has_text="Send the booking report")
    item.get_by_role("button", name="Kept late").click()
    expect(page).to_have_url(re.compile(r"/today/"))
    expect(page.locator(".flash")).to_contain_text("Promise marked kept late.")
    expect(page.locator("li.agenda-item")).to_have_count(1)
    promise.refresh_from_db()
    assert promise.status == CommitmentStatus.LATE
    context.close()


def test_today_fits_a_phone_and_says_why_in_words(page: Page, base_url: str) -> None:
    owner, _, _ = make_agenda()
    sign_in(page, base_url, owner.user)
    page.set_viewport_size(PHONE)
    page.goto("/today/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"Today scrolls sideways by {overflow}px"
    expect(page.locator(".agenda-why").first).to_be_visible()
    page.locator("summary", has_text="Dismiss").first.click()
    assert_accessible(page, "Today at phone width")
