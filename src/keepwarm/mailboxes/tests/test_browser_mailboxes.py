"""Settings → Mailboxes in real Chromium on a phone: add one, test it, choose folders, sync."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Interaction
from keepwarm.mailboxes.models import MailboxAccount, MailboxSettings
from keepwarm.mailboxes.testing import Dovecot
from keepwarm.mailboxes.tests.helpers import LENA, OURS, message
from keepwarm.tests.browser import PHONE, assert_accessible, make_owner, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_hashers(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def quick_timeouts(page: Page) -> None:
    page.set_default_timeout(5_000)
    expect.set_options(timeout=5_000)


def test_add_a_mailbox_choose_its_folders_and_sync_it(
    page: Page, base_url: str, dovecot_server: Dovecot
) -> None:
    owner = make_owner(email=OURS)
    harbor = Client.objects.create(workspace=owner.workspace, name="Harbor Dental")
    Contact.objects.create(workspace=owner.workspace, client=harbor, name="Lena", email=LENA)
    MailboxSettings.objects.create(workspace=owner.workspace, allow_private_hosts=True)
    user = dovecot_server.new_user()
    dovecot_server.append(user, message(1))
    page.set_viewport_size(PHONE)
    sign_in(page, base_url, owner.user)
    page.goto("/settings/mailboxes/")
    expect(page.get_by_text("No mailbox is connected yet")).to_be_visible()
    page.get_by_role("link", name="Add a mailbox").click()
    page.get_by_label("Name", exact=True).fill("Studio inbox")
    page.get_by_label("IMAP server").fill(dovecot_server.host)
    page.get_by_label("None: plain text").check()
    page.get_by_label("Port", exact=True).fill(str(dovecot_server.port))
    page.get_by_label("Username", exact=True).fill(user.name)
    page.get_by_label("Password or app password").fill(user.password)
    assert_accessible(page, "the new mailbox form")
    page.get_by_role("button", name="Add mailbox").click()
    expect(page.get_by_role("heading", name="Studio inbox")).to_be_visible()
    expect(page.get_by_label("Password or app password")).to_have_value("")
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text(f"Signed in to {dovecot_server.host}")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Sent", exact=True)).to_be_checked()
    assert_accessible(page, "the connection test")
    page.get_by_role("button", name="Read these folders").click()
    expect(page.get_by_text("Watching 2 folders")).to_be_visible()
    account = MailboxAccount.objects.get(workspace=owner.workspace)
    assert account.folder_names == ["INBOX", "Sent"]
    page.get_by_role("button", name="Sync now").click()
    row = page.locator(".mailbox-list li", has_text="Studio inbox")
    expect(row).to_contain_text("1 new, 0 already here")
    assert_accessible(page, "the mailbox list")
    assert Interaction.objects.filter(workspace=owner.workspace, client=harbor).count() == 1
