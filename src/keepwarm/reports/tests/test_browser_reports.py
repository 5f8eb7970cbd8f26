"""Browser test: review a draft, see a jargon word marked, fix it, send it, find it logged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from keepwarm.clients import services as clients
from keepwarm.lib.plain import check_text
from keepwarm.reports.models import ReportState, StatusReport
from keepwarm.reports.services import report_start, report_update
from keepwarm.tests.browser import assert_accessible, make_owner, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JARGON = (
    "Hi Maria,\n\nWe will leverage synergies across the booking funnel this week.\n\n"
    "Best wishes,\nAlice\n"
)
PLAIN = "Hi Maria,\n\nWe made the booking page quicker this week.\n\nBest wishes,\nAlice\n"


@pytest.fixture(autouse=True)
def fast_hashers(settings: Any) -> None:
    """Hash passwords with MD5 so signing in costs milliseconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def quick_timeouts(page: Page) -> None:
    """Fail in seconds: every page here answers from a local server."""
    page.set_default_timeout(8_000)
    expect.set_options(timeout=8_000)


def test_review_fix_and_send_a_report(page: Page, base_url: str) -> None:
    # Load the word lists once here (the live server shares this process), not in a request.
    check_text("Warm up the synergy word list.")
    owner = make_owner()
    client = clients.client_create(
        membership=owner,
        name="Harbour Dental",
        report_cadence="weekly",
        report_time_zone="Europe/London",
    )
    clients.contact_create(
        membership=owner,
        client=client,
        name="Maria Okafor",
        email="maria@harbour-dental.example",
        receives_reports=True,
    )
    report = report_start(membership=owner, client=client)
    report = report_update(membership=owner, report=report, body_markdown=JARGON)
    sign_in(page, base_url, owner.user)

    page.goto("/reports/")
    expect(page.get_by_role("heading", name=re.compile("Due now|Drafts"))).to_be_visible()
    assert_accessible(page, "Reports list")

    # The first plain-language check in a process loads its word lists: give it time.
    page.goto(f"/reports/{report.pk}/", timeout=60_000)
    check = page.locator("#plain-check")
    expect(check.locator("mark.plain-word", has_text="synergies")).to_be_visible()
    expect(check).to_contain_text("below this client's target")
    assert_accessible(page, "Report review")

    body = page.get_by_label("The report")
    body.fill(PLAIN)
    # The live check follows the text: the jargon word is gone, the target is met.
    expect(check).to_contain_text("meets this client's target", timeout=30_000)
    expect(check.locator("mark.plain-word", has_text="synergies")).to_have_count(0)

    page.get_by_role("button", name="Send report now").click()
    expect(page.locator(".flash")).to_contain_text("Report sent to Maria Okafor")
    report.refresh_from_db()
    assert report.state in (ReportState.SENDING, ReportState.SENT)
    assert report.body_markdown == PLAIN

    page.get_by_role("link", name="See it on Harbour Dental's timeline").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(report.subject)
    expect(page.locator("#reports")).to_contain_text("Last sent")
    assert StatusReport.objects.get().interaction_id is not None
    assert_accessible(page, "Client page with its Reports panel")

    page.goto(f"/reports/{report.pk}/")
    expect(page.get_by_role("heading", name="Sent", exact=True)).to_be_visible()
    assert_accessible(page, "A sent report")

    page.goto(f"/clients/{client.pk}/job-report/")
    page.get_by_label("What was wrong").fill("The booking form stopped sending emails.")
    page.get_by_label("What we did").fill("We renewed the mail setting and tested it.")
    assert_accessible(page, "Job report form")
    page.get_by_role("button", name="Read it through").click()
    expect(page.get_by_role("heading", name="Job report for Harbour Dental")).to_be_visible()

    page.goto("/reports/settings/")
    assert_accessible(page, "Report settings")
