from __future__ import annotations

from django.urls import reverse

from keepwarm.accounts.models import AuditEvent
from keepwarm.interactions.models import Interaction
from keepwarm.mailboxes import crypto
from keepwarm.mailboxes.models import MailboxAccount, MailboxSettings
from keepwarm.mailboxes.selectors import mailboxes_for
from keepwarm.mailboxes.sync import mailbox_sync
from keepwarm.mailboxes.tests.helpers import OURS, MailboxTestCase, message


class MailboxPageTests(MailboxTestCase):
    def form(self, **overrides: str) -> dict[str, str]:
        data = {
            "name": "Studio inbox",
            "host": self.dovecot.host,
            "port": str(self.dovecot.port),
            "security": "none",
            "username": self.user.name,
            "password": self.user.password,
            "inbound_folders": "INBOX",
            "sent_folders": "",
            "our_addresses": OURS,
            "enabled": "on",
        }
        data.update(overrides)
        return data

    def test_it_lists_mailboxes_with_their_last_sync_in_few_queries(self) -> None:
        self.dovecot.append(self.user, message(1))
        mailbox_sync(account=self.add_account())
        self.add_account(name="Second inbox", password="wrong")
        mailbox_sync(account=MailboxAccount.objects.get(name="Second inbox"))
        self.login(self.bob)
        with self.assertNumQueries(10):
            response = self.client.get(reverse("mailbox_list"))
        self.assertContains(response, "Studio inbox")
        self.assertContains(response, "1 new, 0 already here")
        self.assertContains(response, "refused the username or password")
        # bob may look but not change: no add button, no sync buttons.
        self.assertNotContains(response, reverse("mailbox_create"))
        self.assertNotContains(response, self.user.password)

    def test_it_says_what_to_do_when_there_is_no_mailbox(self) -> None:
        self.login(self.alice)
        response = self.client.get(reverse("mailbox_list"))
        self.assertContains(response, "No mailbox is connected yet")
        self.assertContains(response, "Allow mail servers on private networks")

    def test_it_adds_a_mailbox_and_never_shows_the_password_again(self) -> None:
        self.login(self.alice)
        response = self.client.post(reverse("mailbox_create"), self.form())
        account = MailboxAccount.objects.get(workspace=self.workspace)
        self.assertRedirects(response, reverse("mailbox_edit", args=[account.pk]))
        self.assertEqual(crypto.decrypt(account.password_encrypted), self.user.password)
        page = self.client.get(reverse("mailbox_edit", args=[account.pk]))
        self.assertNotContains(page, self.user.password)
        self.assertNotContains(page, account.password_encrypted)
        self.assertTrue(AuditEvent.objects.filter(action="mailbox.create").exists())

    def test_it_shows_errors_beside_the_fields(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            reverse("mailbox_create"),
            self.form(host="imaps://mail.example.com/", password="", our_addresses="nope"),
        )
        for text in (
            "There is a problem",
            "no imaps://, port or path",
            "“nope” is not an email address",
            "Give the password or app password of this mailbox.",
        ):
            self.assertContains(response, text, status_code=400)
        self.assertFalse(MailboxAccount.objects.exists())

    def test_it_keeps_the_password_when_an_edit_leaves_it_empty(self) -> None:
        account = self.add_account()
        before = account.password_encrypted
        self.login(self.alice)
        response = self.client.post(
            reverse("mailbox_edit", args=[account.pk]),
            self.form(name="Renamed", password="", sent_folders="Sent"),
        )
        self.assertRedirects(response, reverse("mailbox_list"))
        account.refresh_from_db()
        self.assertEqual((account.name, account.password_encrypted), ("Renamed", before))
        self.assertEqual(account.folder_names, ["INBOX", "Sent"])
        self.client.post(reverse("mailbox_edit", args=[account.pk]), self.form(password="new-pw"))
        account.refresh_from_db()
        self.assertEqual(crypto.decrypt(account.password_encrypted), "new-pw")

    def test_it_refuses_changes_by_a_member(self) -> None:
        account = self.add_account()
        self.login(self.bob)
        self.assertEqual(self.client.post(reverse("mailbox_create"), self.form()).status_code, 403)
        self.assertEqual(
            self.client.get(reverse("mailbox_edit", args=[account.pk])).status_code, 403
        )
        self.assertEqual(
            self.client.post(reverse("mailbox_sync", args=[account.pk])).status_code, 403
        )

    def test_it_lets_only_an_owner_allow_private_hosts(self) -> None:
        MailboxSettings.objects.filter(workspace=self.workspace).update(allow_private_hosts=False)
        self.bob_m.role = "manager"
        self.bob_m.save()
        self.login(self.bob)
        url = reverse("mailbox_private_hosts")
        self.assertEqual(self.client.post(url, {"allow_private_hosts": "on"}).status_code, 403)
        self.login(self.alice)
        self.assertRedirects(
            self.client.post(url, {"allow_private_hosts": "on"}), reverse("mailbox_list")
        )
        self.assertTrue(MailboxSettings.objects.get(workspace=self.workspace).allow_private_hosts)

    def test_it_tests_the_connection_and_saves_the_chosen_folders(self) -> None:
        account = self.add_account(sent_folders=[])
        self.login(self.alice)
        response = self.client.post(reverse("mailbox_check", args=[account.pk]))
        self.assertContains(response, f"Signed in to {self.dovecot.host}")
        self.assertContains(response, 'value="Sent" id="folder-2" checked')
        self.assertContains(response, ">Sent</span>")  # the \Sent special-use badge
        response = self.client.post(
            reverse("mailbox_folders", args=[account.pk]),
            {"folder": ["INBOX", "Sent"], "role:INBOX": "inbound", "role:Sent": "sent"},
        )
        self.assertRedirects(response, reverse("mailbox_edit", args=[account.pk]))
        account.refresh_from_db()
        self.assertEqual(
            account.folders,
            [{"name": "INBOX", "role": "inbound"}, {"name": "Sent", "role": "sent"}],
        )

    def test_it_shows_a_failed_connection_test_in_plain_words(self) -> None:
        account = self.add_account(password="wrong")
        self.login(self.alice)
        response = self.client.post(reverse("mailbox_check", args=[account.pk]))
        self.assertContains(response, "Keepwarm could not read this mailbox")
        self.assertContains(response, "refused the username or password")

    def test_it_syncs_now_from_the_page(self) -> None:
        self.dovecot.append(self.user, message(1))
        account = self.add_account()
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("mailbox_sync", args=[account.pk]))
        self.assertRedirects(response, reverse("mailbox_list"))
        self.assertEqual(Interaction.objects.filter(workspace=self.workspace).count(), 1)
        self.assertTrue(AuditEvent.objects.filter(action="mailbox.sync").exists())

    def test_it_deletes_a_mailbox_after_confirming(self) -> None:
        self.dovecot.append(self.user, message(1))
        account = self.add_account()
        mailbox_sync(account=account)
        self.login(self.alice)
        url = reverse("mailbox_delete", args=[account.pk])
        self.assertContains(self.client.get(url), "messages it already brought in stay")
        self.assertRedirects(self.client.post(url), reverse("mailbox_list"))
        self.assertFalse(mailboxes_for(self.workspace).exists())
        self.assertEqual(Interaction.objects.filter(workspace=self.workspace).count(), 1)


class MailboxApiTests(MailboxTestCase):
    def test_it_lists_mailboxes_without_secrets_in_few_queries(self) -> None:
        self.dovecot.append(self.user, message(1))
        mailbox_sync(account=self.add_account())
        self.add_account(name="Second")
        headers = self.api_headers(self.victor)
        with self.assertNumQueries(6):
            response = self.client.get("/api/mailboxes", headers=headers)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 2)
        first = body["results"][1] if body["results"][0]["name"] == "Second" else body["results"][0]
        self.assertEqual(first["last_run"]["imported"], 1)
        text = response.content.decode()
        self.assertNotIn("password", text)
        self.assertNotIn(self.user.password, text)

    def test_it_syncs_a_mailbox_on_request(self) -> None:
        self.dovecot.append(self.user, message(1))
        account = self.add_account()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"/api/mailboxes/{account.pk}/sync", headers=self.api_headers(self.alice)
            )
        self.assertEqual(response.status_code, 202)
        self.assertEqual(response.json(), {"id": account.pk, "queued": True})
        account.refresh_from_db()
        self.assertIsNotNone(account.last_sync_at)
        response = self.client.post(
            f"/api/mailboxes/{account.pk}/sync", headers=self.api_headers(self.bob)
        )
        self.assertEqual(response.status_code, 403)
