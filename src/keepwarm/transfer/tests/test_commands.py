from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase
from keepwarm.transfer.tests.test_calendars import calendar, event
from keepwarm.transfer.tests.test_vcards import CARD_30

PEOPLE = (
    "Firma,Name,E-mail,Shoe size\n"
    "Harbor Dental,Lena Ortiz,lena@harbor.example,38\n"
    "Crumb & Co,Sam Lee,not-an-address,44\n"
)


class CommandTests(BaseTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())

    def file(self, name: str, text: str) -> str:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out, stderr=io.StringIO(), no_color=True)
        return out.getvalue()

    def test_import_csv_prints_the_mapping_problems_and_summary(self) -> None:
        path = self.file("people.csv", PEOPLE)

        out = self.run_command(
            "import", "csv", path, "--workspace", "Alice's Studio", "--map", "Firma=client.name"
        )

        self.assertIn("Firma → Client name", out)
        self.assertIn("Shoe size → ignored", out)
        self.assertIn("Enter a valid email address.", out)
        self.assertIn("Done: 2 rows read, 1 with problems.", out)
        self.assertIn("Clients: 1 created, 0 updated, 0 unchanged.", out)
        self.assertIn("People: 1 created, 0 updated, 0 unchanged.", out)
        self.assertTrue(
            AuditEvent.objects.filter(action="contact.create", actor=self.alice).exists()
        )

        again = self.run_command(
            "import",
            "csv",
            path,
            "--workspace",
            str(self.workspace.pk),
            "--user",
            "bob@example.org",
        )
        self.assertIn("People: 0 created, 0 updated, 1 unchanged.", again)
        self.assertEqual(Contact.objects.count(), 1)

    def test_a_dry_run_saves_nothing(self) -> None:
        path = self.file("people.csv", PEOPLE)
        out = self.run_command("import", "csv", path, "--workspace", "Alice's Studio", "--dry-run")
        self.assertIn("Dry run, nothing was saved: 2 rows read, 1 with problems.", out)
        self.assertIn("People: 1 to create, 0 to update, 0 unchanged.", out)
        self.assertFalse(Client.objects.exists())

    def test_it_refuses_unclear_input(self) -> None:
        path = self.file("people.csv", "Shoe size\n38\n")
        with self.assertRaisesMessage(
            CommandError, "Choose the column that holds the client's name."
        ):
            self.run_command("import", "csv", path, "--workspace", "Alice's Studio")
        with self.assertRaisesMessage(
            CommandError, "There is no workspace with the id or exact name 'Nope'"
        ):
            self.run_command("import", "csv", path, "--workspace", "Nope")
        with self.assertRaisesMessage(CommandError, "victor@example.org may only read"):
            self.run_command(
                "import",
                "csv",
                path,
                "--workspace",
                "Alice's Studio",
                "--user",
                "victor@example.org",
            )
        with self.assertRaisesMessage(CommandError, "The file has no column “Nope”"):
            self.run_command(
                "import", "csv", path, "--workspace", "Alice's Studio", "--map", "Nope=client.name"
            )

    def test_import_vcard_and_ics(self) -> None:
        out = self.run_command(
            "import", "vcard", self.file("p.vcf", CARD_30), "--workspace", "Alice's Studio"
        )
        self.assertIn("Done: 1 card read, 0 with problems.", out)
        self.assertIn("Birthdays: 1 created", out)
        ics = calendar(
            event("a", "20260302T100000Z", "ATTENDEE:mailto:lena@harbor.example"),
            event("b", "20260302T100000Z", "ATTENDEE:mailto:who@nowhere.example", summary="Other"),
        ).decode()
        out = self.run_command(
            "import", "ics", self.file("c.ics", ics), "--workspace", "Alice's Studio"
        )
        self.assertIn("Meetings: 1 created", out)
        self.assertIn(
            "Event 2: “Other”: nobody in Keepwarm has these addresses: who@nowhere.example", out
        )
        self.assertEqual(Interaction.objects.get().subject, "Review")

    def test_export_writes_csv_and_vcards(self) -> None:
        harbor = Client.objects.create(workspace=self.workspace, name="=Harbor")
        Contact.objects.create(workspace=self.workspace, client=harbor, name="Lena")
        Client.objects.create(workspace=self.charlies_workspace, name="Theirs")
        target = self.folder / "clients.csv"

        self.run_command(
            "export", "csv", "clients", "--workspace", "Alice's Studio", "-o", str(target)
        )

        text = target.read_text(encoding="utf-8-sig")
        self.assertIn("'=Harbor", text)
        self.assertNotIn("Theirs", text)
        cards = self.run_command("export", "vcard", "--workspace", "Alice's Studio")
        self.assertIn("FN:Lena", cards)
        with self.assertRaisesMessage(CommandError, "has no client with the id"):
            self.run_command(
                "export", "vcard", "--workspace", "Charlie's Consulting", "--client", str(harbor.pk)
            )
