"""Browser test in real Chromium: a recovery case walked through all eight steps to retained."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from keepwarm.commitments.models import Commitment, CommitmentStatus
from keepwarm.interactions.models import Interaction
from keepwarm.recovery.models import AgreedAction, RecoveryCase
from keepwarm.recovery.steps import GUIDES
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


def test_a_case_walks_through_all_eight_steps_and_ends_retained(page: Page, base_url: str) -> None:
    """From the suggestion on the client page to retained, with our step in the promise ledger."""
    studio = make_studio()
    Interaction.objects.create(
        workspace=studio.owner.workspace,
        client=studio.client,
        channel="email",
        direction="inbound",
        occurred_at=timezone.now() - dt.timedelta(days=2),
        subject="Really disappointed",
        sentiment=-0.8,
    )
    sign_in(page, base_url, studio.owner.user)
    page.goto(f"/clients/{studio.client.pk}/", timeout=30_000)
    recovery = page.locator("#recovery")
    expect(recovery).to_contain_text("Harbour Dental sent a clearly upset email 2 days ago.")
    assert_accessible(page, "Client page with a recovery suggestion")
    recovery.get_by_role("link", name="Open a case about this").click()

    expect(
        page.get_by_role("heading", name="Open a recovery case for Harbour Dental")
    ).to_be_visible()
    expect(page.get_by_label("What happened")).to_have_value(
        "Harbour Dental sent a clearly upset email 2 days ago."
    )
    page.get_by_label("We took too long to respond").check()
    assert_accessible(page, "New recovery case form")
    page.get_by_role("button", name="Open the case").click()

    expect(page.get_by_role("heading", name="Winning back Harbour Dental's trust")).to_be_visible()
    expect(page.locator("#next-step")).to_contain_text("Next: step 1, prepare")
    expect(page.locator("#next-step")).to_contain_text("Be prepared for the client being unhappy.")
    assert_accessible(page, "Recovery case page, just opened")

    # Steps are marked in place (htmx): the page is not reloaded between them.
    page.evaluate("window.__kwSameDocument = true")
    for number, guide in enumerate(GUIDES, start=1):
        step = page.locator(f"#step-{guide.key}")
        step.get_by_label("Notes").fill(f"Notes on {guide.label.lower()}.")
        step.get_by_role("button", name="Mark done").click()
        expect(page.locator(f"#step-{guide.key}")).to_contain_text("Done by Alice Archer")
        expect(page.get_by_role("heading", name="Where it stands").locator("..")).to_contain_text(
            f"{number} of 8 steps done."
        )
        if number < 8:
            expect(page.locator("#next-step")).to_contain_text(f"Next: step {number + 1}")
    expect(page.locator("#next-step")).to_contain_text("All eight steps are done")
    assert page.evaluate("window.__kwSameDocument === true"), "the page reloaded"

    agreement = page.locator("#agreement")
    due = timezone.localdate() + dt.timedelta(days=5)
    agreement.get_by_text("Add an agreed step").click()
    agreement.get_by_label("We will").check()
    agreement.get_by_label("What was agreed").fill("Answer every email the same morning")
    agreement.get_by_label("By when").fill(due.isoformat())
    agreement.get_by_role("button", name="Add step").click()
    agreement = page.locator("#agreement")
    expect(agreement).to_contain_text("Answer every email the same morning")
    expect(agreement).to_contain_text("Open promise")
    agreement.get_by_text("Add an agreed step").click()
    agreement.get_by_label("The client will").check()
    agreement.get_by_label("What was agreed").fill("Send urgent requests by phone")
    agreement.get_by_role("button", name="Add step").click()
    page.locator("#agreement").get_by_role("button", name="Mark done").click()
    expect(page.locator("#agreement").get_by_role("button", name="Mark not done")).to_be_visible()
    assert_accessible(page, "Recovery case page, all steps done")

    outcome = page.locator("#outcome")
    outcome.get_by_label("They stayed with us (retained)").check()
    outcome.get_by_label("Closing note").fill("Fiona is happy with same-morning replies.")
    outcome.get_by_role("button", name="Close the case").click()
    expect(page.locator("#outcome")).to_contain_text("Retained: Harbour Dental stayed with us.")
    assert_accessible(page, "Recovery case page, retained")

    case = RecoveryCase.objects.get()
    assert case.outcome == "retained"
    assert case.steps.count() == 8
    assert AgreedAction.objects.get(side="theirs").done_at is not None
    ours = AgreedAction.objects.get(side="ours")
    assert ours.commitment is not None
    promise = Commitment.objects.get(pk=ours.commitment.pk)
    assert (promise.what, promise.due_on, promise.status) == (
        "Answer every email the same morning",
        due,
        CommitmentStatus.OPEN,
    )

    page.get_by_role("link", name="Back to Harbour Dental").click()
    open_promises = page.get_by_role("list", name="Open promises, soonest due first")
    expect(open_promises).to_contain_text("Answer every email the same morning")
    expect(page.locator("#recovery")).to_contain_text("Retained")


def test_a_tough_topic_is_added_raised_and_listed_honestly(page: Page, base_url: str) -> None:
    """Add a mistake to admit, see it flagged on the client page, raise it, see it admitted."""
    studio = make_studio()
    sign_in(page, base_url, studio.owner.user)
    page.goto(f"/clients/{studio.client.pk}/topics/new/", timeout=30_000)
    assert_accessible(page, "New tough topic form")
    page.get_by_role("button", name="Add topic").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    page.get_by_label("What it is about").select_option(label="A mistake to admit")
    page.get_by_label("What to say").fill("We sent the October invoice twice. Sorry.")
    expect(page.locator("#plain-check")).to_contain_text("Reading ease")
    page.get_by_label("Raise it by").fill((timezone.localdate() - dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Add topic").click()

    topics = page.locator("#topics")
    expect(topics).to_contain_text("Not raised, 2 days past its date")
    mistakes = page.locator("#mistakes")
    expect(mistakes).to_contain_text("We sent the October invoice twice.")
    expect(mistakes).to_contain_text("not admitted yet")
    assert_accessible(page, "Client page with a tough topic")
    topics.get_by_text("Mark raised").first.click()
    topics.get_by_label("How it went").fill("Carl thanked us; refunded the same day.")
    topics.get_by_role("button", name="Mark raised").click()
    expect(page.locator("#mistakes")).to_contain_text("admitted today")
    expect(page.locator("#mistakes")).to_contain_text("Carl thanked us; refunded the same day.")

    page.goto("/insights/", timeout=30_000)
    expect(page.get_by_role("heading", name="Winning back trust")).to_be_visible()
    assert_accessible(page, "Insights with the recovery section")
