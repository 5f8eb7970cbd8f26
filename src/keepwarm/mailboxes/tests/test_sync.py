from __future__ import annotations

import datetime as dt
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.utils import timezone

from keepwarm.accounts.models import AuditEvent
from keepwarm.interactions.models import Interaction
from keepwarm.mailboxes import network, services
from keepwarm.mailboxes.jobs import sync_mailboxes
from keepwarm.mailboxes.models import FolderState, MailboxAccount, MailboxSettings
from keepwarm.mailboxes.sync import (
    ALREADY_SYNCING,
    SYNC_LEASE,
    MailboxError,
    mailbox_probe,
    mailbox_sync,
)
from keepwarm.mailboxes.testing import TLS_HOST
from keepwarm.mailboxes.tests.helpers import LENA, OURS, MailboxTestCase, message


class SyncTests(MailboxTestCase):
    def emails(self) -> list[Interaction]:
        return list(Interaction.objects.filter(workspace=self.workspace).order_by("occurred_at"))

    def test_it_imports_the_mailbox_on_the_first_sync(self) -> None:
        self.dovecot.append(self.user, message(1))
        self.dovecot.append(self.user, message(2))
        account = self.add_account()
        run = mailbox_sync(account=account)
        self.assertEqual(run.error, "")
        self.assertEqual((run.imported, run.duplicates), (2, 0))
        emails = self.emails()
        self.assertEqual([e.subject for e in emails], ["Question 1", "Question 2"])
        self.assertEqual({e.client_id for e in emails}, {self.harbor.pk})
        self.assertEqual({e.direction for e in emails}, {"inbound"})
        account.refresh_from_db()
        self.assertIsNotNone(account.last_sync_at)
        self.assertEqual(account.last_error, "")

    def test_it_adds_nothing_on_a_second_sync(self) -> None:
        self.dovecot.append(self.user, message(1))
        account = self.add_account()
        mailbox_sync(account=account)
        again = mailbox_sync(account=account)
        self.assertEqual((again.error, again.imported, again.duplicates), ("", 0, 0))
        self.assertEqual(len(self.emails()), 1)

    def test_it_picks_up_only_the_new_message_next_time(self) -> None:
        self.dovecot.append(self.user, message(1))
        account = self.add_account()
        mailbox_sync(account=account)
        self.dovecot.append(self.user, message(2))
        run = mailbox_sync(account=account)
        # Only the new UID was fetched: nothing was handed to ingestion twice.
        self.assertEqual((run.imported, run.duplicates), (1, 0))
        state = FolderState.objects.get(account=account, folder="INBOX")
        self.assertEqual(state.last_uid, 2)

    def test_it_reads_a_folder_again_after_its_uidvalidity_changes_without_duplicates(
        self,
    ) -> None:
        self.dovecot.append(self.user, message(1))
        self.dovecot.append(self.user, message(2))
        account = self.add_account()
        mailbox_sync(account=account)
        self.dovecot.set_uid_validity(self.user, "INBOX", 4242)
        self.dovecot.append(self.user, message(3))
        run = mailbox_sync(account=account)
        self.assertEqual(run.error, "")
        self.assertEqual((run.imported, run.duplicates), (1, 2))
        self.assertEqual(len(self.emails()), 3)
        state = FolderState.objects.get(account=account, folder="INBOX")
        self.assertEqual((state.uid_validity, state.last_uid), (4242, 3))

    def test_it_reads_the_sent_folder_as_our_replies(self) -> None:
        self.dovecot.append(self.user, message(1))
        reply = message(
            2, sender=OURS, to=LENA, subject="Re: Question 1", body="Here it is.",
            in_reply_to="<1@harbor.example>", day=2,
        )  # fmt: skip
        self.dovecot.append(self.user, reply, folder="Sent")
        run = mailbox_sync(account=self.add_account())
        self.assertEqual((run.error, run.imported), ("", 2))
        question, answer = self.emails()
        self.assertEqual((question.direction, answer.direction), ("inbound", "outbound"))
        self.assertEqual(question.replied_by_id, answer.pk)
        self.assertEqual(question.first_response_seconds, 24 * 3600 + 60)

    def test_it_says_plainly_on_the_account_when_the_password_is_wrong(self) -> None:
        self.dovecot.append(self.user, message(1))
        account = self.add_account(password="not-the-password")
        run = mailbox_sync(account=account)
        self.assertIn("refused the username or password", run.error)
        self.assertIn("app password", run.error)
        account.refresh_from_db()
        self.assertEqual(account.last_error, run.error)
        self.assertEqual(self.emails(), [])
        with self.assertRaisesMessage(MailboxError, "refused the username or password"):
            mailbox_probe(account)

    def test_it_refuses_a_private_host_until_an_owner_allows_it(self) -> None:
        MailboxSettings.objects.filter(workspace=self.workspace).update(allow_private_hosts=False)
        self.dovecot.append(self.user, message(1))
        account = self.add_account()
        run = mailbox_sync(account=account)
        self.assertIn("private or local address (127.0.0.1)", run.error)
        self.assertEqual(self.emails(), [])
        services.mailbox_private_hosts_set(membership=self.alice_m, allow=True)
        self.assertTrue(
            AuditEvent.objects.filter(
                workspace=self.workspace, action="mailbox_settings.update", actor=self.alice
            ).exists()
        )
        run = mailbox_sync(account=account)
        self.assertEqual((run.error, run.imported), ("", 1))

    def test_it_stores_the_password_encrypted(self) -> None:
        account = self.add_account(password="pw-Plain-Marker-42")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT password_encrypted FROM {MailboxAccount._meta.db_table} WHERE id = %s",
                [account.pk],
            )
            (stored,) = cursor.fetchone()
        self.assertNotIn("pw-Plain-Marker-42", stored)
        self.assertTrue(stored.startswith("gAAAAA"))  # a Fernet token
        self.assertFalse(
            AuditEvent.objects.filter(changes__icontains="pw-Plain-Marker-42").exists()
        )

    def test_it_connects_to_the_address_it_resolved_and_checked(self) -> None:
        # The name exists in no DNS: only the pinned address can have been used.
        self.dovecot.append(self.user, message(1))
        account = self.add_account(host="imap.keepwarm-test.invalid")
        peers: list[str] = []
        real_connect = network.connect

        def connect_and_note(*args: object, **kwargs: object) -> network.PinnedIMAPClient:
            client = real_connect(*args, **kwargs)  # type: ignore[arg-type]
            peers.append(client.peer_address)
            return client

        with (
            mock.patch.object(network, "resolve", return_value=["127.0.0.1"]) as resolve,
            mock.patch("keepwarm.mailboxes.sync.connect", connect_and_note),
        ):
            run = mailbox_sync(account=account)
        self.assertEqual((run.error, run.imported), ("", 1))
        resolve.assert_called_once_with("imap.keepwarm-test.invalid", self.dovecot.port)
        self.assertEqual(peers, ["127.0.0.1"])

    def test_it_refuses_a_name_that_resolves_to_a_private_address_too(self) -> None:
        MailboxSettings.objects.filter(workspace=self.workspace).update(allow_private_hosts=False)
        account = self.add_account(host="imap.keepwarm-test.invalid")
        with mock.patch.object(network, "resolve", return_value=["93.184.216.34", "10.0.0.7"]):
            run = mailbox_sync(account=account)
        self.assertIn("private or local address (10.0.0.7)", run.error)

    @override_settings(MAIL_MAX_MESSAGE_BYTES=2000)
    def test_it_skips_a_message_over_the_size_limit_and_goes_on(self) -> None:
        self.dovecot.append(self.user, message(1, body="x" * 5000))
        self.dovecot.append(self.user, message(2))
        run = mailbox_sync(account=self.add_account())
        self.assertEqual((run.error, run.imported, run.too_large), ("", 1, 1))
        self.assertEqual(FolderState.objects.get(folder="INBOX").last_uid, 2)

    def test_it_lists_the_servers_folders_with_the_sent_one_marked(self) -> None:
        folders = mailbox_probe(self.add_account())
        by_name = {f.name: f for f in folders}
        self.assertEqual(folders[0].name, "INBOX")
        self.assertEqual(by_name["Sent"].special_use, "\\Sent")
        self.assertTrue(by_name["Sent"].is_sent)
        self.assertEqual(by_name["Archive"].suggested_role, "")

    def test_it_syncs_every_enabled_mailbox_from_the_worker(self) -> None:
        self.dovecot.append(self.user, message(1))
        self.add_account()
        paused = self.add_account(name="Old inbox", enabled=False)
        self.assertEqual(sync_mailboxes(now=mock.ANY), 1)
        self.assertFalse(paused.sync_runs.exists())


class SecureSyncTests(MailboxTestCase):
    """TLS and STARTTLS to the pinned address, the certificate checked against the name."""

    def sync_over(self, *, security: str, port: int, host: str = TLS_HOST) -> str:
        self.dovecot.append(self.user, message(1))
        account = self.add_account(host=host, port=port, security=security)
        with (
            override_settings(MAIL_CA_FILE=str(self.dovecot.ca_file)),
            mock.patch.object(network, "resolve", return_value=["127.0.0.1"]),
        ):
            run = mailbox_sync(account=account)
        if not run.error:
            self.assertEqual(run.imported, 1)
        return run.error

    def test_it_syncs_over_tls_checking_the_certificate_by_name(self) -> None:
        self.assertEqual(self.sync_over(security="tls", port=self.dovecot.tls_port), "")

    def test_it_syncs_over_starttls(self) -> None:
        self.assertEqual(self.sync_over(security="starttls", port=self.dovecot.port), "")

    def test_it_refuses_a_certificate_for_another_name(self) -> None:
        error = self.sync_over(
            security="tls", port=self.dovecot.tls_port, host="mail.other-test.invalid"
        )
        self.assertIn("The certificate of mail.other-test.invalid could not be trusted", error)

    def test_it_refuses_an_untrusted_certificate(self) -> None:
        self.dovecot.append(self.user, message(1))
        account = self.add_account(host=TLS_HOST, port=self.dovecot.tls_port, security="tls")
        with mock.patch.object(network, "resolve", return_value=["127.0.0.1"]):
            run = mailbox_sync(account=account)
        self.assertIn("could not be trusted", run.error)
        self.assertEqual(Interaction.objects.count(), 0)


class MailboxChangeTests(MailboxTestCase):
    def test_it_reads_a_mailbox_from_the_start_when_its_login_changes(self) -> None:
        self.dovecot.append(self.user, message(1))
        account = self.add_account()
        other = self.dovecot.new_user()
        self.dovecot.append(other, message(2))
        # Both folders alike (UIDVALIDITY 1000, one message at UID 1): only the reset helps.
        self.dovecot.set_uid_validity(self.user, "INBOX", 1000)
        self.dovecot.set_uid_validity(other, "INBOX", 1000)
        mailbox_sync(account=account)
        account = services.mailbox_update(
            membership=self.alice_m, account=account, name=account.name, host=account.host,
            port=account.port, security=account.security, username=other.name,
            password=other.password, inbound_folders=["INBOX"], sent_folders=[],
            our_addresses=[OURS], enabled=True,
        )  # fmt: skip
        run = mailbox_sync(account=account)
        self.assertEqual((run.error, run.imported), ("", 1))


class BacklogTests(MailboxTestCase):
    @override_settings(MAIL_SYNC_MAX_MESSAGES=2)
    def test_it_reads_a_backlog_a_few_messages_per_worker_run(self) -> None:
        for n in range(1, 5):
            self.dovecot.append(self.user, message(n))
        self.dovecot.append(self.user, message(5, sender=OURS, to=LENA), folder="Sent")
        account = self.add_account()
        self.assertEqual(sync_mailboxes(now=mock.ANY), 2)
        self.assertEqual(sync_mailboxes(now=mock.ANY), 2)
        self.assertEqual(sync_mailboxes(now=mock.ANY), 1)
        self.assertEqual(sync_mailboxes(now=mock.ANY), 0)
        self.assertEqual(account.sync_runs.filter(error="").count(), 4)
        self.assertEqual(Interaction.objects.filter(workspace=self.workspace).count(), 5)

    def test_it_stops_between_batches_when_asked(self) -> None:
        self.dovecot.append(self.user, message(1))
        run = mailbox_sync(account=self.add_account(), should_stop=lambda: True)
        self.assertEqual((run.error, run.imported), ("", 0))
        self.assertIsNotNone(run.finished_at)

    def test_it_commits_chunk_by_chunk_so_an_interrupted_sync_goes_on_where_it_stopped(
        self,
    ) -> None:
        for n in range(1, 6):
            self.dovecot.append(self.user, message(n))
        account = self.add_account(sent_folders=[])
        asked = iter([False, False, True])  # stop before the second chunk of two
        with mock.patch("keepwarm.mailboxes.sync.CHUNK", 2):
            first = mailbox_sync(account=account, should_stop=lambda: next(asked, True))
            self.assertEqual(first.imported, 2)
            self.assertEqual(FolderState.objects.get(account=account).last_uid, 2)
            rest = mailbox_sync(account=account)
        self.assertEqual((rest.error, rest.imported, rest.duplicates), ("", 3, 0))


class OneSyncAtATimeTests(MailboxTestCase):
    def test_it_leaves_a_mailbox_alone_while_another_sync_reads_it(self) -> None:
        self.dovecot.append(self.user, message(1))
        account = self.add_account()
        MailboxAccount.objects.filter(pk=account.pk).update(syncing_since=timezone.now())
        run = mailbox_sync(account=account)
        self.assertEqual((run.error, run.imported), (ALREADY_SYNCING, 0))
        self.assertFalse(account.sync_runs.exists())
        # A sync that never finished (a crashed worker) gives the mailbox up after its lease.
        MailboxAccount.objects.filter(pk=account.pk).update(
            syncing_since=timezone.now() - SYNC_LEASE - dt.timedelta(seconds=1)
        )
        run = mailbox_sync(account=account)
        self.assertEqual((run.error, run.imported), ("", 1))
        account.refresh_from_db()
        self.assertIsNone(account.syncing_since)
