"""The brief in real Chromium: open it from Today, print it, then share what it suggests."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from keepwarm.clients import services as clients
from keepwarm.interactions.models import Interaction
from keepwarm.tests.browser import assert_accessible, make_owner, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_open_the_brief_from_today_and_print_it(page: Page, base_url: str) -> None:
    page.set_default_timeout(5_000)
    expect.set_options(timeout=5_000)
    owner = make_owner()
    harbor = clients.client_create(
        membership=owner, name="Harbor Dental", owner=owner.user, industry="Dental practice"
    )
    lena = clients.contact_create(membership=owner, client=harbor, name="Lena Ortiz")
    clients.goal_create(membership=owner, client=harbor, text="More online bookings", priority=1)
    clients.fact_create(
        membership=owner,
        contact=lena,
        category="health",
        text="Knee operation next week",
        follow_up_on=timezone.localdate() + dt.timedelta(days=5),
    )
    clients.resource_create(
        membership=owner,
        title="Online bookings checklist",
        url="https://example.com/bookings",
        industries="dental",
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    meeting = Interaction.objects.create(
        workspace=owner.workspace,
        client=harbor,
        channel="meeting",
        direction="outbound",
        occurred_at=dt.datetime.combine(tomorrow, dt.time(10, 0), tzinfo=dt.UTC),
        subject="Quarterly review",
    )
    sign_in(page, base_url, owner.user)
    page.goto("/today/")
    item = page.locator("li.agenda-item", has_text="Prepare for tomorrow's meeting")
    item.get_by_role("link", name=re.compile("^Open")).click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/brief/$"))
    expect(page.get_by_role("heading", name="Brief: Harbor Dental")).to_be_visible()
    expect(page.locator("#brief-questions + ol")).to_contain_text("More online bookings")
    assert_accessible(page, "the brief")

    page.emulate_media(media="print")
    # No navigation and no buttons on paper; black on white; links spelled out.
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    colours = page.evaluate(
        "() => [getComputedStyle(document.body).color, "
        "getComputedStyle(document.body).backgroundColor]"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"], colours
    link = page.locator("[aria-labelledby=brief-resources] a", has_text="Online bookings checklist")
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://example.com/bookings" in after, after
    # One page: A4 at 96 dpi with 12 mm margins leaves about 1030 px of height.
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the brief printed on {pages} pages"

    # Back on screen: share the suggested resource from the client page, with the live check.
    page.emulate_media(media="screen")
    page.goto(f"/clients/{harbor.pk}/")
    panel = page.locator("#resources")
    panel.get_by_role("link", name=re.compile("^Share")).click()
    expect(page.get_by_role("heading", name="Share “Online bookings checklist”")).to_be_visible()
    expect(page.locator(".plain-summary")).to_contain_text("Reading ease")
    assert_accessible(page, "the share form")
    page.get_by_role("button", name="Share it").click()
    expect(page.locator(".flash")).to_contain_text("logged it as a value-add")
    expect(page.locator("#resources")).to_contain_text("Nothing in the library fits")
    page.goto("/resources/")
    assert_accessible(page, "the resource library")
