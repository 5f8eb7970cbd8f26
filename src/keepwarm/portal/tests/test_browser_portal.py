"""Browser test: a client opens the portal, reads a report, answers NPS 4 with a comment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment
from keepwarm.feedback.models import FeedbackResponse
from keepwarm.messaging.models import OutboundMessage
from keepwarm.portal import services
from keepwarm.portal.models import ReportRead
from keepwarm.reports.models import ReportState, StatusReport
from keepwarm.tests.browser import assert_accessible, make_owner, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quick_timeouts(page: Page) -> None:
    page.set_default_timeout(5_000)
    expect.set_options(timeout=5_000)


def test_a_client_reads_a_report_and_says_they_are_unhappy(page: Page, live_server: Any) -> None:
    owner = make_owner()
    client = Client.objects.create(
        workspace=owner.workspace, name="Meadowbank Vets", owner=owner.user
    )
    report = StatusReport.objects.create(
        workspace=owner.workspace,
        client=client,
        subject="Weekly update from Alice's Studio",
        body_markdown="**Done:** the booking form sends confirmations again.",
        state=ReportState.SENT,
        sent_at=timezone.now() - dt.timedelta(hours=3),
    )
    _, secret = services.portal_link_create(membership=owner, client=client)

    page.goto(live_server.url + reverse("portal_open", args=[secret]))
    assert secret not in page.url
    assert page.url.endswith("/portal/")
    expect(page.get_by_role("heading", name="Hello, Meadowbank Vets")).to_be_visible()
    assert_accessible(page, "The client portal")

    page.get_by_role("link", name="Weekly update from Alice's Studio").click()
    expect(page.get_by_text("the booking form sends confirmations again")).to_be_visible()
    assert ReportRead.objects.filter(report=report).exists()
    page.get_by_role("link", name="Back to your page").click()
    expect(page.get_by_text("you read it")).to_be_visible()

    page.get_by_label("4", exact=True).check()
    page.get_by_label("Anything you would like to add?").fill(
        "Nobody told us the bookings were broken. Very disappointing."
    )
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for your answer")
    answer = FeedbackResponse.objects.get()
    assert (answer.score, answer.unhappy) == (4, True)

    # A promise ten days overdue would otherwise lead the agenda; the unhappy client goes first.
    Commitment.objects.create(
        workspace=owner.workspace,
        client=client,
        what="Send the new price list",
        due_on=timezone.localdate() - dt.timedelta(days=10),
    )
    sign_in(page, live_server.url, owner.user)
    page.goto(live_server.url + reverse("today"))
    first = page.locator("#agenda li.agenda-item").first
    expect(first).to_contain_text("is unhappy")
    expect(first).to_contain_text("4 of 10")
    # Its action opens a recovery case, filled in with the low score.
    expect(first.locator("a[href*='/recovery/new/?signal=low_feedback']")).to_have_count(1)

    page.goto(live_server.url + reverse("client_detail", args=[client.pk]))
    panel = page.locator("#feedback")
    expect(panel).to_contain_text("Recommend 4 of 10")
    expect(panel).to_contain_text("Unhappy")
    expect(panel.get_by_role("link", name="Open a recovery case")).to_be_visible()
    assert_accessible(page, "The client page with feedback and the portal link")

    page.get_by_role("link", name="Replace or turn off the link").click()
    page.get_by_role("button", name="Make a new link").click()
    new_link = page.get_by_label("Portal link")
    assert "/p/" in new_link.input_value()
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    assert_accessible(page, "The portal link page")

    page.goto(live_server.url + reverse("feedback_request_create", args=[client.pk]))
    assert_accessible(page, "Ask for feedback")


def test_the_answer_page_of_an_email_is_accessible(page: Page, live_server: Any) -> None:
    from keepwarm.clients.models import Contact
    from keepwarm.feedback import services as feedback
    from keepwarm.feedback.tests.helpers import answer_links

    owner = make_owner()
    client = Client.objects.create(workspace=owner.workspace, name="Harbour Dental")
    contact = Contact.objects.create(
        workspace=owner.workspace, client=client, name="Maria", email="maria@example.com"
    )
    feedback.feedback_request_create(membership=owner, client=client, contact=contact, kind="nps")

    token, _ = answer_links(OutboundMessage.objects.get().body_text)[0]
    page.goto(live_server.url + reverse("feedback_answer", args=[token, 9]))
    expect(page.get_by_label("9", exact=True)).to_be_checked()
    assert_accessible(page, "The feedback answer page")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert FeedbackResponse.objects.get().score == 9
