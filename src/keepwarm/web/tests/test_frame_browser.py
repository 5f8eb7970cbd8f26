from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, ViewportSize, expect

from keepwarm.accounts.models import Membership, Role, User, Workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def member_page(live_server: Any, page: Page) -> Page:
    """Return a browser page signed in as a workspace owner, showing a page in the frame."""
    user = User.objects.create_user("ada@example.org", "x", name="Ada Lovelace")
    workspace = Workspace.objects.create(name="Ada's Agency")
    Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size(WIDE)
    # The 404 page is the frame's own: top bar, toast region and scripts, nothing else.
    page.goto(f"{live_server.url}/frame-check/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    return page


def serious_violations(page: Page) -> list[str]:
    """Return axe-core's serious and critical findings on the page."""
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_the_nav_is_a_row_on_wide_screens_and_a_menu_on_phones(member_page: Page) -> None:
    page = member_page
    clients = page.get_by_role("link", name="Clients")
    menu_button = page.locator("details.nav-menu > summary")
    expect(clients).to_be_visible()
    expect(menu_button).to_be_hidden()

    page.set_viewport_size(PHONE)
    expect(clients).to_be_hidden()
    menu_button.click()
    expect(clients).to_be_visible()
    page.keyboard.press("Escape")
    expect(clients).to_be_hidden()
    expect(menu_button).to_be_focused()


def test_the_user_menu_closes_on_a_click_outside(member_page: Page) -> None:
    page = member_page
    team = page.get_by_role("link", name="Team")
    page.get_by_text("Ada Lovelace").click()
    expect(team).to_be_visible()
    page.get_by_role("heading", name="Page not found").click()
    expect(team).to_be_hidden()


def test_an_htmx_response_can_raise_a_toast(member_page: Page) -> None:
    page = member_page
    page.route(
        "**/toast-check",
        lambda route: route.fulfill(
            status=200, headers={"HX-Trigger": '{"toast": "Promise marked kept."}'}, body=""
        ),
    )
    page.evaluate("htmx.ajax('GET', '/toast-check', {target: 'body', swap: 'none'})")
    toast = page.locator("#toast")
    expect(toast).to_be_visible()
    expect(toast).to_have_text("Promise marked kept.")


def test_the_frame_has_no_serious_accessibility_problems(member_page: Page) -> None:
    page = member_page
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    page.locator("details.nav-menu > summary").click()
    assert serious_violations(page) == []
