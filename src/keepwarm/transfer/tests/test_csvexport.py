from __future__ import annotations

import csv
import datetime as dt
import io
import unittest
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from keepwarm.clients.models import Client, Contact
from keepwarm.commitments.models import Commitment
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase
from keepwarm.transfer.csvexport import export_csv
from keepwarm.transfer.tests.test_csvimport import run_import
from keepwarm.transfer.textio import neutralise, restore


def exported(kind: str, workspace_id: int) -> bytes:
    return "".join(export_csv(kind, workspace_id)).encode()


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


class NeutraliseTests(unittest.TestCase):
    def test_it_quotes_cells_a_spreadsheet_would_run(self) -> None:
        for cell in ("=1+1", "+1 555", "-2", "@SUM(A1)", "\tx", "\rx"):
            self.assertEqual(neutralise(cell), "'" + cell)
            self.assertEqual(restore(neutralise(cell)), cell)
        for cell in ("Harbor", "1+1", "", "'quoted", "a=b"):
            self.assertEqual(neutralise(cell), cell)

    def test_a_quote_before_a_formula_survives_the_round_trip(self) -> None:
        for cell in ("'=x", "''=x", "''", "'"):
            self.assertEqual(restore(neutralise(cell)), cell)

    @given(st.text(max_size=20))
    @settings(max_examples=50)
    def test_restore_undoes_neutralise(self, cell: str) -> None:
        safe = neutralise(cell)
        self.assertFalse(safe.startswith(("=", "+", "-", "@", "\t", "\r")))
        self.assertEqual(restore(safe), cell)


class CsvExportTests(BaseTestCase):
    def test_it_exports_each_kind_of_the_workspace_only(self) -> None:
        harbor = Client.objects.create(
            workspace=self.workspace, name="=HYPERLINK(evil)", owner=self.alice
        )
        lena = Contact.objects.create(
            workspace=self.workspace, client=harbor, name="Lena", phone="+1 555 0100"
        )
        meeting = Interaction.objects.create(
            workspace=self.workspace,
            client=harbor,
            channel="meeting",
            direction="outbound",
            subject="@review",
            occurred_at=dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC),
        )
        meeting.contacts.set([lena])
        Commitment.objects.create(
            workspace=self.workspace, client=harbor, what="Send quote", due_on=dt.date(2026, 3, 5)
        )
        Client.objects.create(workspace=self.charlies_workspace, name="Charlie's client")

        clients = rows_of(exported("clients", self.workspace.pk))
        self.assertEqual(clients[0][:2], ["Client id", "Client name"])
        self.assertEqual(len(clients), 2)
        self.assertEqual(clients[1][1], "'=HYPERLINK(evil)")
        self.assertEqual(clients[1][6], "alice@example.org")
        contacts = rows_of(exported("contacts", self.workspace.pk))
        self.assertEqual(contacts[1][3], "Lena")
        self.assertEqual(contacts[1][7], "'+1 555 0100")
        interactions = rows_of(exported("interactions", self.workspace.pk))
        self.assertEqual(
            interactions[1][3:7], ["2026-03-01T10:00:00+00:00", "Meeting", "From us", "'@review"]
        )
        self.assertEqual(interactions[1][8], "Lena")
        commitments = rows_of(exported("commitments", self.workspace.pk))
        self.assertEqual(commitments[1][3:], ["Send quote", "", "", "2026-03-05", "Open", ""])
        self.assertNotIn(
            b"Charlie", b"".join(exported(k, self.workspace.pk) for k in ("clients", "contacts"))
        )

    def test_its_queries_do_not_grow_with_rows(self) -> None:
        for n in range(5):
            client = Client.objects.create(workspace=self.workspace, name=f"Client {n}")
            meeting = Interaction.objects.create(
                workspace=self.workspace, client=client, channel="call", direction="outbound"
            )
            meeting.contacts.set(
                [Contact.objects.create(workspace=self.workspace, client=client, name=f"P{n}")]
            )
        for kind, queries in (
            ("clients", 1),
            ("contacts", 1),
            ("interactions", 2),
            ("commitments", 1),
        ):
            with self.assertNumQueries(queries):
                rows_of(exported(kind, self.workspace.pk))

    def test_clients_and_people_import_back_unchanged(self) -> None:
        harbor = Client.objects.create(
            workspace=self.workspace,
            name="Harbor Dental",
            status="prospect",
            kind="individual",
            industry="Dental",
            website="https://harbor.example",
            owner=self.bob,
            notes='Line one\nLine two, with "quotes"',
            annual_value=Decimal("1200.50"),
        )
        Contact.objects.create(
            workspace=self.workspace,
            client=harbor,
            name="Lena",
            email="lena@harbor.example",
            other_emails="l2@harbor.example\nl3@harbor.example",
            phone="+1 555",
            other_phones="-1\n0800",
            preferred_channel="text",
            receives_reports=True,
            role="=boss",
        )
        Contact.objects.create(workspace=self.workspace, client=harbor, name="No email")
        for kind in ("clients", "contacts"):
            result = run_import(self.alice_m, exported(kind, self.workspace.pk))
            self.assertEqual(result.errors, [], kind)
            for counted in ("created", "updated"):
                self.assertEqual(result.count("client", counted), 0, (kind, counted))
                self.assertEqual(result.count("contact", counted), 0, (kind, counted))
        self.assertEqual(Contact.objects.count(), 2)


names = (
    st.text(st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"]), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)
notes = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=200)


def _valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= 254


emails = st.emails().filter(_valid_email)


class CsvRoundTripTests(HypothesisTestCase, BaseTestCase):
    @given(
        people=st.lists(
            st.tuples(names, names, st.one_of(st.just(""), emails), notes), min_size=1, max_size=4
        )
    )
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_any_text_survives_export_and_import(
        self, people: list[tuple[str, str, str, str]]
    ) -> None:
        for client_name, person, email, note in people:
            client = Client.objects.create(workspace=self.workspace, name=client_name, notes=note)
            Contact.objects.create(
                workspace=self.workspace, client=client, name=person, email=email, notes=note
            )
        before = sorted(
            Contact.objects.filter(workspace=self.workspace).values_list(
                "pk", "client_id", "client__name", "client__notes", "name", "email", "notes"
            )
        )
        for kind in ("clients", "contacts"):
            data = exported(kind, self.workspace.pk)
            for row in rows_of(data):
                for cell in row:
                    self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell)
            result = run_import(self.alice_m, data)
            self.assertEqual(result.errors, [])
            self.assertEqual(
                result.count("contact", "updated") + result.count("client", "updated"), 0
            )
        after = sorted(
            Contact.objects.filter(workspace=self.workspace).values_list(
                "pk", "client_id", "client__name", "client__notes", "name", "email", "notes"
            )
        )
        self.assertEqual(after, before)
        Client.objects.filter(workspace=self.workspace).delete()
