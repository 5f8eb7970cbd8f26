from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from keepwarm.clients.models import Client, Contact
from keepwarm.lib.schedule import get_job
from keepwarm.testing import BaseTestCase
from keepwarm.transfer import jobs  # noqa: F401  (registers the job)
from keepwarm.transfer.models import ImportUpload
from keepwarm.transfer.tests.test_vcards import CARD_30

PEOPLE = (
    b"Firm,Name,E-mail,Shoe size\r\n"
    b"Harbor Dental,Lena Ortiz,lena@harbor.example,38\r\n"
    b"Crumb & Co,Sam Lee,not-an-address,44\r\n"
)


def upload(data: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


class ImportPagesTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.alice)

    def post_upload(self, data: bytes, source: str = "csv", name: str = "people.csv") -> Any:
        return self.client.post(
            reverse("transfer_upload"), {"source": source, "file": upload(data, name)}
        )

    def test_it_walks_through_upload_columns_dry_run_and_import(self) -> None:
        response = self.post_upload(PEOPLE)
        stored = ImportUpload.objects.get(workspace=self.workspace)
        self.assertRedirects(response, reverse("transfer_columns", args=[stored.pk]))

        page = self.client.get(reverse("transfer_columns", args=[stored.pk]))
        self.assertContains(page, "What is in each column?")
        self.assertContains(page, "For example: “Harbor Dental”, “Crumb &amp; Co”")
        self.assertNotContains(page, "Crumb & Co")
        # "Firm" is not a header Keepwarm knows: ignored until chosen.
        self.assertContains(page, '<option value="" selected>Ignore this column</option>', count=2)

        columns = {
            "column_0": "client.name",
            "column_1": "contact.name",
            "column_2": "contact.email",
            "column_3": "",
        }
        response = self.client.post(reverse("transfer_columns", args=[stored.pk]), columns)
        self.assertRedirects(response, reverse("transfer_review", args=[stored.pk]))

        review = self.client.get(reverse("transfer_review", args=[stored.pk]))
        self.assertContains(review, "What the import would do")
        self.assertContains(review, "Clients: 1 to create, 0 to update, 0 unchanged")
        self.assertContains(
            review,
            "<td>3</td><td>E-mail</td><td>Enter a valid email address.</td>",
            html=False,
        )
        self.assertContains(review, "Import 1 row</button>")
        self.assertFalse(Client.objects.exists())

        done = self.client.post(reverse("transfer_run", args=[stored.pk]))
        self.assertContains(done, "What was imported")
        self.assertContains(done, "People: 1 created, 0 updated, 0 unchanged")
        self.assertEqual(list(Contact.objects.values_list("name", flat=True)), ["Lena Ortiz"])
        self.assertFalse(ImportUpload.objects.exists())

    def test_a_mapping_error_keeps_the_upload_and_the_choices(self) -> None:
        self.post_upload(PEOPLE)
        stored = ImportUpload.objects.get()
        columns = {
            "column_0": "contact.email",
            "column_1": "contact.name",
            "column_2": "contact.email",
        }

        response = self.client.post(reverse("transfer_columns", args=[stored.pk]), columns)

        self.assertContains(response, "Only one column can fill “Email”.", status_code=400)
        self.assertContains(response, '<option value="contact.name" selected>', status_code=400)
        self.assertTrue(ImportUpload.objects.filter(pk=stored.pk).exists())

    def test_a_vcard_upload_goes_straight_to_the_dry_run(self) -> None:
        response = self.post_upload(CARD_30.encode(), "vcard", "lena.vcf")
        stored = ImportUpload.objects.get()
        self.assertRedirects(response, reverse("transfer_review", args=[stored.pk]))
        review = self.client.get(reverse("transfer_review", args=[stored.pk]))
        self.assertContains(review, "People: 1 to create")
        self.assertContains(review, "Birthdays: 1 to create")

    def test_a_file_of_the_wrong_kind_is_explained(self) -> None:
        self.post_upload(b"not a calendar", "ics", "x.ics")
        stored = ImportUpload.objects.get()
        response = self.client.get(reverse("transfer_review", args=[stored.pk]))
        self.assertContains(response, "Keepwarm cannot read this file", status_code=400)

    @override_settings(KEEPWARM_IMPORT_MAX_BYTES=100)
    def test_it_refuses_a_file_over_the_limit(self) -> None:
        response = self.post_upload(PEOPLE * 5)
        self.assertContains(response, "the most Keepwarm takes is 0 MB", status_code=400)
        huge = self.post_upload(PEOPLE * 1000)
        self.assertContains(
            huge, "The file is over 0 MB, the most Keepwarm takes.", status_code=400
        )
        self.assertFalse(ImportUpload.objects.exists())

    def test_uploads_nobody_imports_are_forgotten_after_a_day(self) -> None:
        self.post_upload(PEOPLE)
        stored = ImportUpload.objects.get()
        self.assertEqual(get_job("transfer.forget_uploads").run(now=timezone.now()), 0)
        later = timezone.now() + dt.timedelta(days=1, minutes=1)
        self.assertEqual(get_job("transfer.forget_uploads").run(now=later), 1)
        self.assertFalse(ImportUpload.objects.filter(pk=stored.pk).exists())

    @override_settings(KEEPWARM_IMPORT_MAX_ROWS=1)
    def test_it_sends_a_long_file_to_the_command_line(self) -> None:
        self.post_upload(PEOPLE)
        stored = ImportUpload.objects.get()
        for response in (
            self.client.get(reverse("transfer_columns", args=[stored.pk])),
            self.client.get(reverse("transfer_review", args=[stored.pk])),
            self.client.post(reverse("transfer_run", args=[stored.pk])),
        ):
            self.assertContains(
                response, "it holds 2 rows; the web page imports at most 1.", status_code=400
            )
            self.assertContains(response, "keepwarm import csv FILE", status_code=400)
        self.assertFalse(Client.objects.exists())

    def test_a_viewer_may_export_but_not_import(self) -> None:
        self.login(self.victor)
        page = self.client.get(reverse("transfer_home"))
        self.assertContains(page, "you can export but not import")
        self.assertNotContains(page, "Upload and check")
        self.assertEqual(self.post_upload(PEOPLE).status_code, 403)
        self.assertFalse(ImportUpload.objects.exists())
        response = self.client.get(reverse("transfer_export_csv") + "?kind=clients")
        self.assertEqual(response.status_code, 200)

    def test_charlie_cannot_reach_alices_upload(self) -> None:
        self.post_upload(PEOPLE)
        stored = ImportUpload.objects.get()
        self.login(self.charlie)
        for name in ("transfer_columns", "transfer_review"):
            self.assertEqual(self.client.get(reverse(name, args=[stored.pk])).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("transfer_run", args=[stored.pk])).status_code, 404
        )
        self.assertFalse(Client.objects.exists())


class ExportPagesTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.alice)
        self.harbor = Client.objects.create(workspace=self.workspace, name="@Harbor")
        self.lena = Contact.objects.create(
            workspace=self.workspace, client=self.harbor, name="Lena", email="lena@harbor.example"
        )

    def test_it_streams_a_spreadsheet_safe_csv(self) -> None:
        with self.assertNumQueries(7):  # the signed-in member (6, as on every page), the rows
            response = self.client.get(reverse("transfer_export_csv") + "?kind=clients")
            body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('attachment; filename="keepwarm-clients-', response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(body)))
        self.assertEqual(rows[1][1], "'@Harbor")

    def test_an_unknown_kind_is_not_found(self) -> None:
        self.assertEqual(
            self.client.get(reverse("transfer_export_csv") + "?kind=users").status_code, 404
        )

    def test_it_downloads_vcards_of_a_person_and_a_client(self) -> None:
        one = self.client.get(reverse("contact_vcard", args=[self.lena.pk]))
        self.assertEqual(one["Content-Type"], "text/vcard; charset=utf-8")
        self.assertIn(b"FN:Lena", b"".join(one.streaming_content))  # type: ignore[attr-defined]
        every = self.client.get(reverse("client_vcards", args=[self.harbor.pk]))
        body = b"".join(every.streaming_content)  # type: ignore[attr-defined]
        self.assertIn(b"EMAIL;TYPE=INTERNET,PREF:lena@harbor.example", body)
        self.login(self.charlie)
        self.assertEqual(
            self.client.get(reverse("contact_vcard", args=[self.lena.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("client_vcards", args=[self.harbor.pk])).status_code, 404
        )
