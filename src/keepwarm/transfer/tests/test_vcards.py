from __future__ import annotations

import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from keepwarm.clients.models import Client, ClientKind, Contact, ImportantDate
from keepwarm.testing import BaseTestCase
from keepwarm.transfer.models import ExternalRef
from keepwarm.transfer.results import ImportResult
from keepwarm.transfer.tests.test_csvexport import emails, names
from keepwarm.transfer.vcards import export_vcards, read_cards, vcard_import

CARD_30 = """BEGIN:VCARD
VERSION:3.0
UID:abc-123
FN:Lena Ortiz
N:Ortiz;Lena;;;
ORG:Harbor Dental
TITLE:Office manager
EMAIL;TYPE=INTERNET,WORK:lena.work@harbor.example
EMAIL;TYPE=INTERNET,HOME,PREF:lena@harbor.example
TEL;TYPE=CELL:+1 555 0101
TEL;TYPE=WORK,VOICE:+1 555 0100
BDAY:1985-03-04
NOTE:Prefers mornings
END:VCARD
"""

CARD_40 = """BEGIN:VCARD
VERSION:4.0
UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
FN:Sam Lee
EMAIL;TYPE=work;PREF=1:sam@crumb.example
EMAIL;TYPE=home:sam.lee@mail.example
TEL;VALUE=uri;TYPE="voice,cell":tel:+44-20-7946-0000
BDAY:--0229
ORG:Crumb & Co
END:VCARD
"""


def import_text(membership: object, text: str, *, dry_run: bool = False) -> ImportResult:
    return vcard_import(
        membership=membership,  # type: ignore[arg-type]
        cards=read_cards(io.StringIO(text)),
        dry_run=dry_run,
    )


class VcardImportTests(BaseTestCase):
    def test_it_imports_a_30_card_with_several_emails_and_phones(self) -> None:
        result = import_text(self.alice_m, CARD_30)

        self.assertEqual(result.errors, [])
        lena = Contact.objects.get(workspace=self.workspace)
        self.assertEqual(lena.client.name, "Harbor Dental")
        self.assertEqual(lena.role, "Office manager")
        self.assertEqual(lena.email, "lena@harbor.example")  # the PREF one first
        self.assertEqual(lena.other_emails, "lena.work@harbor.example")
        self.assertEqual((lena.phone, lena.other_phones), ("+1 555 0101", "+1 555 0100"))
        self.assertEqual(lena.notes, "Prefers mornings")
        birthday = ImportantDate.objects.get(contact=lena)
        self.assertEqual(
            (birthday.kind, birthday.date, birthday.yearly), ("birthday", dt.date(1985, 3, 4), True)
        )
        self.assertEqual(result.count("birthday", "created"), 1)

    def test_it_imports_a_40_card_and_a_birthday_without_a_year(self) -> None:
        import_text(self.alice_m, CARD_40)

        sam = Contact.objects.get(workspace=self.workspace)
        self.assertEqual(
            (sam.name, sam.email, sam.other_emails),
            ("Sam Lee", "sam@crumb.example", "sam.lee@mail.example"),
        )
        self.assertEqual(sam.phone, "tel:+44-20-7946-0000")
        self.assertEqual(sam.client.name, "Crumb & Co")
        self.assertEqual(ImportantDate.objects.get(contact=sam).date, dt.date(1904, 2, 29))

    def test_it_is_idempotent_by_uid_then_email(self) -> None:
        import_text(self.alice_m, CARD_30 + CARD_40)
        moved = CARD_30.replace("Office manager", "Practice manager").replace(
            "1985-03-04", "1985-03-05"
        )
        no_uid = CARD_40.replace("UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\n", "")

        result = import_text(self.alice_m, moved + no_uid)

        self.assertEqual(Contact.objects.filter(workspace=self.workspace).count(), 2)
        self.assertEqual(result.count("contact", "updated"), 1)
        self.assertEqual(result.count("contact", "unchanged"), 1)
        self.assertEqual(result.count("birthday", "updated"), 1)
        self.assertEqual(Contact.objects.get(name="Lena Ortiz").role, "Practice manager")
        self.assertEqual(ImportantDate.objects.filter(contact__name="Lena Ortiz").count(), 1)
        self.assertEqual(ExternalRef.objects.filter(source="vcard").count(), 2)

    def test_a_card_without_org_becomes_an_individual_client(self) -> None:
        import_text(self.alice_m, "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nEND:VCARD\n")
        self.assertEqual(Client.objects.get(workspace=self.workspace).kind, ClientKind.INDIVIDUAL)

    def test_it_reports_a_bad_card_and_imports_the_rest(self) -> None:
        bad = "BEGIN:VCARD\nVERSION:3.0\nFN:Bad Mail\nEMAIL:not an address\nEND:VCARD\n"
        no_name = "BEGIN:VCARD\nVERSION:3.0\nEMAIL:x@y.example\nEND:VCARD\n"
        result = import_text(self.alice_m, bad + no_name + CARD_30)

        self.assertEqual(
            [(e.row, e.field, e.reason) for e in result.errors],
            [(1, "EMAIL", "Enter a valid email address."), (2, "FN", "The card has no name (FN).")],
        )
        self.assertEqual(list(Contact.objects.values_list("name", flat=True)), ["Lena Ortiz"])
        # The bad card's client was not left behind.
        self.assertEqual(Client.objects.count(), 1)

    def test_a_dry_run_writes_nothing(self) -> None:
        result = import_text(self.alice_m, CARD_30, dry_run=True)
        self.assertEqual(result.count("contact", "created"), 1)
        self.assertEqual(
            (Client.objects.count(), Contact.objects.count(), ExternalRef.objects.count()),
            (0, 0, 0),
        )


class VcardExportTests(BaseTestCase):
    def test_it_exports_a_client_s_people_with_their_uid(self) -> None:
        import_text(self.alice_m, CARD_30 + CARD_40)
        harbor = Client.objects.get(name="Harbor Dental")

        text = "".join(export_vcards(self.workspace.pk, client_id=harbor.pk))

        self.assertEqual(text.count("BEGIN:VCARD"), 1)
        self.assertIn("UID:abc-123", text)
        self.assertIn("EMAIL;TYPE=INTERNET,PREF:lena@harbor.example", text)
        self.assertIn("ORG:Harbor Dental", text)
        self.assertIn("BDAY:1985-03-04", text)
        self.assertIn("TITLE:Office manager", text)

    def test_version_40_uses_pref_parameters_and_yearless_birthdays(self) -> None:
        import_text(self.alice_m, CARD_40)
        text = "".join(export_vcards(self.workspace.pk, version="4.0"))
        self.assertIn("VERSION:4.0", text)
        self.assertIn("EMAIL;PREF=1:sam@crumb.example", text)
        self.assertIn("BDAY:--0229", text)

    def test_it_exports_only_the_workspace(self) -> None:
        theirs = Client.objects.create(workspace=self.charlies_workspace, name="Theirs")
        Contact.objects.create(workspace=self.charlies_workspace, client=theirs, name="Secret")
        self.assertEqual("".join(export_vcards(self.workspace.pk)), "")


vcard_text = (
    st.text(st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"]), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


class VcardRoundTripTests(HypothesisTestCase, BaseTestCase):
    @given(
        people=st.lists(
            st.tuples(
                names,
                vcard_text,
                st.lists(emails, max_size=3, unique_by=str.casefold),
                st.lists(
                    st.from_regex(r"\+?[0-9][0-9 ]{3,15}[0-9]", fullmatch=True),
                    max_size=2,
                    unique=True,
                ),
                st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31))),
                st.text(
                    st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r"),
                    max_size=80,
                ),
            ),
            min_size=1,
            max_size=3,
        )
    )
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_any_contact_survives_export_and_import(self, people: list[tuple]) -> None:
        for org, name, addresses, phones, birthday, note in people:
            client, _ = Client.objects.get_or_create(workspace=self.workspace, name=org)
            contact = Contact.objects.create(
                workspace=self.workspace,
                client=client,
                name=name,
                email=addresses[0] if addresses else "",
                other_emails="\n".join(addresses[1:]),
                phone=phones[0] if phones else "",
                other_phones="\n".join(phones[1:]),
                notes=note,
            )
            if birthday:
                ImportantDate.objects.create(
                    workspace=self.workspace, contact=contact, kind="birthday", date=birthday
                )
        fields = (
            "pk",
            "client_id",
            "name",
            "email",
            "other_emails",
            "phone",
            "other_phones",
            "notes",
        )
        before = sorted(Contact.objects.filter(workspace=self.workspace).values_list(*fields))
        dates = sorted(ImportantDate.objects.values_list("contact_id", "date"))

        result = import_text(self.alice_m, "".join(export_vcards(self.workspace.pk)))

        self.assertEqual(result.errors, [])
        self.assertEqual(result.count("contact", "updated") + result.count("contact", "created"), 0)
        self.assertEqual(
            sorted(Contact.objects.filter(workspace=self.workspace).values_list(*fields)), before
        )
        self.assertEqual(sorted(ImportantDate.objects.values_list("contact_id", "date")), dates)
        Client.objects.filter(workspace=self.workspace).delete()
