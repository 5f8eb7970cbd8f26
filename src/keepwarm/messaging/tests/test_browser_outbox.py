"""Browser tests in real Chromium: the outbox, an uncertain email sent again, axe on each page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from keepwarm.messaging.models import MessageState, OutboundMessage
from keepwarm.messaging.services import message_id_for
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


def make_message(workspace: Any, n: int, state: str, error: str = "") -> OutboundMessage:
    return OutboundMessage.objects.create(
        workspace=workspace,
        key=f"report:{n}",
        kind="report",
        message_id=message_id_for(f"report:{n}"),
        from_email="Keepwarm <keepwarm@localhost>",
        to=["maria@harbour-dental.example"],
        subject=f"Weekly update from Alice's Studio ({n})",
        body_text="This week we finished the booking page.\n\nNext: the reminders.",
        state=state,
        attempts=1,
        last_error=error,
    )


def test_an_uncertain_email_is_found_and_sent_again(page: Page, base_url: str) -> None:
    """From the user menu to the outbox, the email, the confirmation and the send."""
    studio = make_studio()
    workspace = studio.owner.workspace
    make_message(workspace, 1, MessageState.SENT)
    make_message(workspace, 2, MessageState.FAILED, "The mail server answered 550 No such user")
    uncertain = make_message(workspace, 3, MessageState.UNCERTAIN, "Keepwarm stopped mid-send.")
    sign_in(page, base_url, studio.owner.user)
    page.goto("/clients/", timeout=30_000)
    page.get_by_text("Account menu for Alice Archer").click()
    page.get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", name="Outbox", level=1)).to_be_visible()
    expect(page.get_by_text("2 emails need you.")).to_be_visible()
    expect(page.get_by_text("3 emails")).to_be_visible()
    assert_accessible(page, "The outbox")

    page.get_by_label("Show").select_option("uncertain")
    expect(page.get_by_text("1 email matches the filter")).to_be_visible()
    assert "state=uncertain" in page.url
    page.get_by_role("link", name="Weekly update from Alice's Studio (3)", exact=True).click()
    expect(page.get_by_text("This week we finished the booking page.")).to_be_visible()
    assert_accessible(page, "One uncertain email")

    page.get_by_role("link", name="Send again").click()
    expect(page.get_by_role("heading", name="Send this email again?")).to_be_visible()
    assert_accessible(page, "Send again, confirmed")
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_text("will be sent again in a moment")).to_be_visible()
    uncertain.refresh_from_db()
    # The tests' tasks run inline: it went straight away, to Django's test outbox.
    assert uncertain.state == MessageState.SENT

    page.set_viewport_size(PHONE)
    page.goto("/outbox/")
    assert_accessible(page, "The outbox on a phone")
