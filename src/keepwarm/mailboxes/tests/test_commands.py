from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command

from keepwarm.interactions.models import Interaction
from keepwarm.mailboxes.tests.helpers import MailboxTestCase, message


class MailCommandTests(MailboxTestCase):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("mail", *args, stdout=out)
        return out.getvalue()

    def test_it_syncs_and_prints_a_summary(self) -> None:
        self.dovecot.append(self.user, message(1))
        self.dovecot.append(self.user, message(2))
        account = self.add_account()
        out = self.run_command("sync", "--account", str(account.pk))
        self.assertIn("Mailbox sync", out)
        self.assertIn("Studio inbox", out)
        self.assertIn(" 2 ", out)
        self.assertEqual(Interaction.objects.filter(workspace=self.workspace).count(), 2)
        listing = self.run_command("accounts")
        self.assertIn("2 new", listing)

    def test_it_fails_with_the_reason_when_a_mailbox_cannot_be_read(self) -> None:
        self.add_account(password="wrong")
        out = StringIO()
        with self.assertRaisesMessage(CommandError, "1 of 1 mailboxes could not be read"):
            call_command("mail", "sync", "--workspace", self.workspace.name, stdout=out)
        self.assertIn("Studio inbox: The mail server refused the username", out.getvalue())

    def test_it_says_when_there_is_nothing_to_sync(self) -> None:
        self.assertIn("No enabled mailboxes", self.run_command("sync"))
        self.assertIn("No mailboxes", self.run_command("accounts"))
        with self.assertRaisesMessage(CommandError, "There is no mailbox 999"):
            self.run_command("sync", "--account", "999")
        with self.assertRaisesMessage(CommandError, "no workspace with the id or exact name"):
            self.run_command("accounts", "--workspace", "Nobody's")
        self.assertIn(
            "No mailboxes", self.run_command("accounts", "--workspace", str(self.workspace.pk))
        )
