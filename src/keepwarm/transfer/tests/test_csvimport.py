from __future__ import annotations

import csv
import io

from django.core.exceptions import PermissionDenied

from keepwarm.accounts.models import AuditEvent
from keepwarm.clients.models import Client, Contact
from keepwarm.testing import BaseTestCase
from keepwarm.transfer.csvimport import csv_import, csv_open
from keepwarm.transfer.fields import guess_mapping, parse_map_option
from keepwarm.transfer.models import ExternalRef
from keepwarm.transfer.results import ImportResult


def run_import(
    membership: object, data: bytes, *, dry_run: bool = False, mapping: list[str] | None = None
) -> ImportResult:
    opened = csv_open(io.BytesIO(data))
    return csv_import(
        membership=membership,  # type: ignore[arg-type]
        rows=opened.rows,
        mapping=mapping or guess_mapping(opened.headers),
        headers=opened.headers,
        dry_run=dry_run,
    )


PEOPLE = (
    b"Company,Name,E-mail,Phone,Job title\r\n"
    b"Harbor Dental,Lena Ortiz,lena@harbor.example,+1 555 0100,Office manager\r\n"
    b"Harbor Dental,Sam Ortiz,sam@harbor.example,,Dentist\r\n"
    b"Crumb & Co,,,,\r\n"
)


class MappingGuessTests(BaseTestCase):
    def test_it_guesses_common_headers(self) -> None:
        self.assertEqual(
            guess_mapping(["Company", "Name", "E-mail", "Phone", "Job title", "Favourite colour"]),
            ["client.name", "contact.name", "contact.email", "contact.phone", "contact.role", ""],
        )

    def test_it_reads_name_and_notes_as_the_clients_without_person_columns(self) -> None:
        self.assertEqual(
            guess_mapping(["Name", "Status", "Notes"]),
            ["client.name", "client.status", "client.notes"],
        )

    def test_it_recognises_its_own_export_headers(self) -> None:
        self.assertEqual(
            guess_mapping(["Client id", "Client name", "Contact id", "Contact name", "Email"]),
            ["client.id", "client.name", "contact.id", "contact.name", "contact.email"],
        )

    def test_it_never_fills_a_field_twice(self) -> None:
        self.assertEqual(guess_mapping(["Email", "E-mail"]), ["contact.email", ""])

    def test_it_parses_the_map_option(self) -> None:
        headers = ["Firma", "Mail", "Junk"]
        self.assertEqual(
            parse_map_option("Firma=client.name, mail=contact.email,Junk=ignore", headers),
            {0: "client.name", 1: "contact.email", 2: ""},
        )
        with self.assertRaisesMessage(ValueError, "The file has no column “Nope”"):
            parse_map_option("Nope=client.name", headers)
        with self.assertRaisesMessage(ValueError, "“client.colour” is not a Keepwarm field"):
            parse_map_option("Firma=client.colour", headers)


class CsvImportTests(BaseTestCase):
    def test_it_creates_clients_and_people(self) -> None:
        result = run_import(self.alice_m, PEOPLE)

        self.assertEqual(result.errors, [])
        self.assertEqual(
            (result.count("client", "created"), result.count("contact", "created")), (2, 2)
        )
        harbor = Client.objects.get(workspace=self.workspace, name="Harbor Dental")
        lena = Contact.objects.get(client=harbor, name="Lena Ortiz")
        self.assertEqual(
            (lena.email, lena.phone, lena.role),
            ("lena@harbor.example", "+1 555 0100", "Office manager"),
        )
        self.assertTrue(Client.objects.filter(name="Crumb & Co", contacts__isnull=True).exists())
        self.assertTrue(
            AuditEvent.objects.filter(action="contact.create", actor=self.alice).exists()
        )

    def test_a_dry_run_writes_nothing_and_counts_what_it_would_do(self) -> None:
        before = (Client.objects.count(), Contact.objects.count(), AuditEvent.objects.count())

        result = run_import(self.alice_m, PEOPLE, dry_run=True)

        self.assertEqual(
            (Client.objects.count(), Contact.objects.count(), AuditEvent.objects.count()), before
        )
        self.assertTrue(result.dry_run)
        self.assertEqual(
            (result.count("client", "created"), result.count("contact", "created")), (2, 2)
        )
        self.assertIn("Create client “Harbor Dental”", result.outcomes[0].actions)

    def test_running_it_again_updates_instead_of_duplicating(self) -> None:
        run_import(self.alice_m, PEOPLE)
        changed = PEOPLE.replace(b"Office manager", b"Practice manager").replace(b"HARBOR", b"x")
        changed = changed.replace(b"Harbor Dental,Sam", b"harbor dental,Sam")

        result = run_import(self.alice_m, changed)

        self.assertEqual(result.errors, [])
        self.assertEqual(Client.objects.filter(workspace=self.workspace).count(), 2)
        self.assertEqual(Contact.objects.filter(workspace=self.workspace).count(), 2)
        self.assertEqual(result.count("contact", "updated"), 1)
        self.assertEqual(result.count("contact", "unchanged"), 1)
        self.assertEqual(result.count("client", "unchanged"), 2)
        self.assertEqual(Contact.objects.get(name="Lena Ortiz").role, "Practice manager")
        # A name matched ignoring case is not renamed.
        self.assertTrue(Client.objects.filter(name="Harbor Dental").exists())

    def test_it_reports_bad_rows_and_imports_the_rest(self) -> None:
        data = (
            b"Company,Name,Email,Status,Check in every days\n"
            b"Harbor Dental,Lena Ortiz,not-an-address,,\n"
            b"Bakery,,,sleeping,\n"
            b",Nobody,nobody@x.example,,\n"
            b"Greenway,Ann Lee,ann@greenway.example,Prospect,0\n"
            b"Greenway,Ann Lee,ann@greenway.example,Prospect,7\n"
        )

        result = run_import(self.alice_m, data)

        reasons = [(e.row, e.field, e.reason) for e in result.errors]
        self.assertEqual(
            reasons,
            [
                (2, "Email", "Enter a valid email address."),
                (3, "Status", "“sleeping” is not one of: Prospect, Active, Paused, Former."),
                (4, "Company", "Give the client's name: no client matches this row."),
                (5, "Check in every days", "“0” is not a whole number above 0."),
            ],
        )
        self.assertEqual(result.failed_rows, 4)
        # Row 2 left nothing behind, not even its client.
        self.assertFalse(Client.objects.filter(name="Harbor Dental").exists())
        greenway = Client.objects.get(name="Greenway")
        self.assertEqual((greenway.status, greenway.check_in_every_days), ("prospect", 7))

    def test_it_remembers_external_ids(self) -> None:
        data = b"Account ID,Company,Person ID,Name,Email\nA-1,Harbor Dental,P-9,Lena Ortiz,\n"
        mapping = [
            "client.external_id",
            "client.name",
            "contact.external_id",
            "contact.name",
            "contact.email",
        ]
        run_import(self.alice_m, data, mapping=mapping)
        renamed = data.replace(b"Dental,", b"Dental Care,").replace(b"Ortiz,", b"Ortiz-Ruiz,")

        result = run_import(self.alice_m, renamed, mapping=mapping)

        self.assertEqual(
            (result.count("client", "updated"), result.count("contact", "updated")), (1, 1)
        )
        self.assertEqual(Client.objects.get(workspace=self.workspace).name, "Harbor Dental Care")
        self.assertEqual(Contact.objects.get(workspace=self.workspace).name, "Lena Ortiz-Ruiz")
        self.assertEqual(
            ExternalRef.objects.filter(workspace=self.workspace, source="csv").count(), 2
        )

    def test_it_keeps_two_programs_ids_apart(self) -> None:
        mapping = ["client.external_id", "client.name"]
        opened = csv_open(io.BytesIO(b"Id,Company\n1,Harbor Dental\n"))
        csv_import(
            membership=self.alice_m,
            rows=opened.rows,
            mapping=mapping,
            headers=opened.headers,
            program="HubSpot",
        )
        opened = csv_open(io.BytesIO(b"Id,Company\n1,Crumb & Co\n"))
        result = csv_import(
            membership=self.alice_m,
            rows=opened.rows,
            mapping=mapping,
            headers=opened.headers,
            program="Pipedrive",
        )
        self.assertEqual(result.count("client", "created"), 1)
        self.assertEqual(
            sorted(ExternalRef.objects.values_list("source", flat=True)),
            ["csv:hubspot", "csv:pipedrive"],
        )

    def test_it_never_matches_another_workspaces_records(self) -> None:
        theirs = Client.objects.create(workspace=self.charlies_workspace, name="Harbor Dental")
        data = f"Client id,Client name\n{theirs.pk},Harbor Dental\n".encode()

        run_import(self.alice_m, data)

        theirs.refresh_from_db()
        self.assertEqual(Client.objects.filter(name="Harbor Dental").count(), 2)
        self.assertTrue(
            Client.objects.filter(workspace=self.workspace, name="Harbor Dental").exists()
        )

    def test_it_reads_semicolons_cp1252_and_a_bom(self) -> None:
        semicolons = "Firma;Name;E-Mail\nCafé Müller;Jürgen Groß;jg@cafe.example\n"
        run_import(self.alice_m, semicolons.encode("cp1252"))
        self.assertTrue(
            Contact.objects.filter(name="Jürgen Groß", client__name="Café Müller").exists()
        )
        tabs = "\ufeffCompany\tName\nZoë's\tZoë Ng\n"
        run_import(self.alice_m, tabs.encode("utf-8"))
        self.assertTrue(Contact.objects.filter(name="Zoë Ng", client__name="Zoë's").exists())

    def test_it_joins_first_and_last_names_and_owner_emails(self) -> None:
        data = b"Company,First name,Last name,Owner\nHarbor,Lena,Ortiz,BOB@example.org\n"
        run_import(self.alice_m, data)
        self.assertEqual(Client.objects.get(name="Harbor").owner, self.bob)
        self.assertTrue(Contact.objects.filter(name="Lena Ortiz").exists())

    def test_a_long_note_imports_and_a_broken_file_stops_with_a_reason(self) -> None:
        note = "x" * 200_000
        run_import(self.alice_m, f'Company,Client notes\nHarbor,"{note}"\n'.encode())
        self.assertEqual(len(Client.objects.get(name="Harbor").notes), 200_000)
        opened = csv_open(io.BytesIO(b"Company\nCrumb\n" + b"y" * 40 + b"\nLater\n"))
        limit = csv.field_size_limit(20)  # as if row 3 held a cell over the reader's limit
        try:
            result = csv_import(
                membership=self.alice_m,
                rows=opened.rows,
                mapping=["client.name"],
                headers=opened.headers,
            )
        finally:
            csv.field_size_limit(limit)
        self.assertEqual(result.count("client", "created"), 1)
        self.assertEqual(result.errors[0].row, 3)
        self.assertIn("The file cannot be read from here on", result.errors[0].reason)

    def test_a_viewer_cannot_import(self) -> None:
        with self.assertRaises(PermissionDenied):
            run_import(self.victor_m, PEOPLE)
        self.assertFalse(Client.objects.exists())
