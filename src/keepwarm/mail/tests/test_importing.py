from __future__ import annotations

import io
import tempfile
import tracemalloc
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.db import connection

from keepwarm.clients.models import Client, Contact
from keepwarm.interactions.models import Interaction
from keepwarm.mail import importing
from keepwarm.mail.importing import import_mail_paths, split_mbox
from keepwarm.mail.models import ImportRun, UnmatchedMessage
from keepwarm.mail.testing import make_email
from keepwarm.mail.tests.test_parse import hostile_corpus
from keepwarm.testing import BaseTestCase

SEPARATOR = b"From lena@harbor.example Tue Dec  1 09:00:00 2026\n"


def write_mbox(path: Path, raws: list[bytes]) -> None:
    with path.open("wb") as handle:
        for raw in raws:
            handle.write(SEPARATOR + raw.replace(b"\nFrom ", b"\n>From ") + b"\n")


class ImportingTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        harbor = Client.objects.create(workspace=cls.workspace, name="Harbor Dental")
        Contact.objects.create(
            workspace=cls.workspace, client=harbor, name="Lena", email="lena@harbor.example"
        )

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="kw-mail-"))

    def test_it_splits_an_mbox_in_chunks_and_unquotes_from_lines(self) -> None:
        path = self.tmp / "box.mbox"
        raws = [
            make_email(message_id=f"<{n}@x>", body=f"Line {n}\nFrom here on\n") for n in range(3)
        ]
        write_mbox(path, raws)
        old = importing.CHUNK_BYTES
        importing.CHUNK_BYTES = 7  # boundaries fall across chunk ends
        try:
            found = list(split_mbox(path))
        finally:
            importing.CHUNK_BYTES = old
        self.assertEqual(len(found), 3)
        self.assertIn(b"\nFrom here on", found[1][0] or b"")
        self.assertEqual(found[-1][1], path.stat().st_size)
        # Each offset is where the next message starts.
        with path.open("rb") as handle:
            handle.seek(found[0][1])
            self.assertEqual(handle.read(5), b"From ")

    def test_the_command_imports_files_folders_and_mboxes_with_a_summary(self) -> None:
        folder = self.tmp / "eml"
        folder.mkdir()
        (folder / "a.eml").write_bytes(make_email(message_id="<a@x>"))
        (folder / "b.eml").write_bytes(make_email(message_id="<b@x>", sender="who@gmail.com"))
        corpus = hostile_corpus()
        write_mbox(
            self.tmp / "box.mbox",
            [make_email(message_id="<c@x>"), corpus["binary_garbage"], corpus["header_injection"]],
        )
        out = io.StringIO()
        ws = ["--workspace", str(self.workspace.pk)]
        call_command("import", "mail", str(folder), str(self.tmp / "box.mbox"), *ws, stdout=out)
        text = out.getvalue()
        self.assertIn("5 messages from 2 sources", text)
        self.assertRegex(text, r"Imported\s+3")
        self.assertRegex(text, r"Unmatched \(see the Unmatched page\)\s+1")
        self.assertIn("quarantined, binary data, not an email: 1", text)
        out = io.StringIO()
        call_command("import", "mail", str(folder), str(self.tmp / "box.mbox"), *ws, stdout=out)
        self.assertRegex(out.getvalue(), r"Already there \(duplicates\)\s+4")
        self.assertEqual(Interaction.objects.count(), 3)
        self.assertEqual(UnmatchedMessage.objects.count(), 1)

    def test_it_resumes_an_interrupted_import_where_it_stopped(self) -> None:
        path = self.tmp / "box.mbox"
        one = make_email(message_id="<0000@x>")
        write_mbox(path, [one.replace(b"0000", b"%04d" % n) for n in range(120)])

        def interrupt(_label: str, _done: int, _total: int, messages: int) -> None:
            if messages == 70:
                raise KeyboardInterrupt

        with (
            mock.patch("keepwarm.mail.ingest.BATCH_SIZE", 50),
            mock.patch("keepwarm.mail.importing.BATCH_SIZE", 50),
            self.assertRaises(KeyboardInterrupt),
        ):
            import_mail_paths(workspace=self.workspace, paths=[path], progress=interrupt)
        run = ImportRun.objects.get()
        self.assertIsNone(run.finished_at)
        self.assertGreater(run.offset, 0)
        self.assertEqual(run.imported, 50)
        with (
            mock.patch("keepwarm.mail.ingest.BATCH_SIZE", 50),
            mock.patch("keepwarm.mail.importing.BATCH_SIZE", 50),
        ):
            summary = import_mail_paths(workspace=self.workspace, paths=[path])
        self.assertEqual(summary.resumed, 1)
        # It starts again at the last mark (message 50): the batch committed after it
        # is found already there, and the rest is imported.
        self.assertEqual((summary.duplicates, summary.imported), (50, 20))
        self.assertEqual(Interaction.objects.count(), 120)
        run.refresh_from_db()
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(run.offset, path.stat().st_size)

    def test_it_streams_a_large_mbox_without_holding_it(self) -> None:
        path = self.tmp / "big.mbox"
        attachment = b"\x01binary" * 150_000  # about 1 MB, base64 in the file
        one = make_email(message_id="<big-0000@x>", attachment=attachment, body="Report")
        write_mbox(path, [one.replace(b"big-0000", b"big-%04d" % n) for n in range(30)])
        size = path.stat().st_size
        self.assertGreater(size, 40_000_000)
        tracemalloc.start()
        try:
            summary = import_mail_paths(workspace=self.workspace, paths=[path])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertEqual(summary.imported, 30)
        self.assertLess(peak, size / 2)

    def test_it_writes_with_rare_checkpoints_and_no_memory_map_then_puts_both_back(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("SQLite connection settings")

        def pragma(name: str) -> int:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA {name}")
                row = cursor.fetchone()
                return int(row[0]) if row else 0  # an in-memory database maps nothing

        before = (pragma("wal_autocheckpoint"), pragma("mmap_size"))
        during: list[tuple[int, int]] = []

        def progress(what: str, done: int, total: int, messages: int) -> None:
            during.append((pragma("wal_autocheckpoint"), pragma("mmap_size")))

        path = self.tmp / "box.mbox"
        write_mbox(path, [make_email(message_id="<one@x>", body="Hello")])
        import_mail_paths(workspace=self.workspace, paths=[path], progress=progress)
        pages = importing.IMPORT_WAL_BYTES // pragma("page_size")
        self.assertEqual(set(during), {(pages, 0)})
        self.assertEqual((pragma("wal_autocheckpoint"), pragma("mmap_size")), before)
