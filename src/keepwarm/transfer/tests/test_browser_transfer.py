"""Browser test in real Chromium: a CSV import from upload to done, on a phone, accessible."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from keepwarm.clients.models import Contact
from keepwarm.tests.browser import PHONE, assert_accessible, make_owner, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = (
    b"Firm,Name,E-mail,Shoe size\r\n"
    b"Harbour Dental,Maria Okafor,maria@harbour-dental.example,38\r\n"
    b"Brightside Bakery,Sam Lee,not-an-address,44\r\n"
)


@pytest.fixture(autouse=True)
def fast_hashers(settings: Any) -> None:
    """Hash passwords with MD5 so signing in costs milliseconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def quick_timeouts(page: Page) -> None:
    """Fail in seconds: every page here answers from a local server."""
    page.set_default_timeout(5_000)
    expect.set_options(timeout=5_000)


def test_a_csv_is_uploaded_mapped_checked_and_imported_on_a_phone(
    page: Page, base_url: str
) -> None:
    """Upload, fix a column the guess missed, read the dry run, import; every page accessible."""
    owner = make_owner()
    page.set_viewport_size(PHONE)
    sign_in(page, base_url, owner.user)
    page.goto("/settings/import-export/", timeout=30_000)
    expect(page.get_by_role("heading", name="Import and export", level=1)).to_be_visible()
    assert_accessible(page, "Import and export")

    csv_file: FilePayload = {"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE}
    page.get_by_label("File", exact=True).set_input_files(files=[csv_file])
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="What is in each column?")).to_be_visible()
    assert_accessible(page, "Choosing the columns")
    page.get_by_label("Firm").select_option("client.name")
    page.get_by_role("button", name="Check what would happen").click()

    expect(page.get_by_role("heading", name="What the import would do")).to_be_visible()
    expect(page.get_by_text("People: 1 to create, 0 to update, 0 unchanged")).to_be_visible()
    expect(page.get_by_role("cell", name="Enter a valid email address.")).to_be_visible()
    assert_accessible(page, "The dry run")
    assert not Contact.objects.exists()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the dry run scrolls sideways on a phone ({width} px)"

    page.get_by_role("button", name="Import 1 row").click()
    expect(page.get_by_role("heading", name="Imported people.csv")).to_be_visible()
    assert_accessible(page, "The import's result")
    assert list(Contact.objects.values_list("name", flat=True)) == ["Maria Okafor"]
