"""The hostile-message corpus: each is read or quarantined with its reason, quickly."""

from __future__ import annotations

import os
import time

from django.test import SimpleTestCase

from keepwarm.mail.parse import ParsedMessage, Quarantine, html_to_text, process_message
from keepwarm.mail.testing import make_email


def _read(raw: bytes) -> ParsedMessage:
    parsed = process_message(raw)
    assert isinstance(parsed, ParsedMessage), parsed
    return parsed


def hostile_corpus() -> dict[str, bytes]:
    """Return hostile messages by name, generated here rather than stored."""
    many_parts = b"".join(
        b"--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % n for n in range(5000)
    )
    return {
        "malformed_mime": (
            b"From: lena@harbor.example\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
            b"--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
        ),
        "unknown_charset": (
            b"From: =?x-klingon?q?Lena?= <lena@harbor.example>\r\n"
            b"Subject: =?x-unknown-8?b?SGVsbG8=?=\r\n"
            b"Content-Type: text/plain; charset=x-does-not-exist\r\n\r\nCaf\xe9 \xff\xfe ok\r\n"
        ),
        "thousands_of_parts": (
            b"From: lena@harbor.example\r\nSubject: parts\r\n"
            b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + many_parts + b"--b--\r\n"
        ),
        "megabyte_headers": (
            b"From: lena@harbor.example\r\nSubject: big\r\n"
            + b"".join(b"X-Filler-%d: %s\r\n" % (n, b"x" * 900) for n in range(2000))
            + b"\r\nThe body.\r\n"
        ),
        "one_megabyte_header_line": (
            b"From: lena@harbor.example\r\nSubject: " + b"A" * 2_000_000 + b"\r\n\r\nBody\r\n"
        ),
        "header_injection": (
            b"From: lena@harbor.example\r\n"
            b"Subject: =?utf-8?q?Hello=0D=0ABcc:_victim@example.org?=\r\n"
            b"To: =?utf-8?q?a@b.example=0ACc:_x@y.example?=\r\n\r\nHi\r\n"
        ),
        "binary_garbage": os.urandom(8192),
        "nul_bytes": b"From: a@b.example\x00\x00\x00" * 200,
        "empty": b"\r\n\r\n",
        "no_headers_text": b"just some words without any header at all",
        "deep_nesting": (
            b"From: lena@harbor.example\r\nSubject: deep\r\n"
            + b"".join(
                b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (n, n)
                for n in range(400)
            )
            + b"Content-Type: text/plain\r\n\r\nbottom\r\n"
        ),
    }


class ParseTests(SimpleTestCase):
    def test_it_reads_or_quarantines_every_hostile_message_quickly(self) -> None:
        expected = {
            "malformed_mime": ParsedMessage,
            "unknown_charset": ParsedMessage,
            "thousands_of_parts": ParsedMessage,
            "megabyte_headers": ParsedMessage,
            "one_megabyte_header_line": ParsedMessage,
            "header_injection": ParsedMessage,
            "binary_garbage": Quarantine,
            "nul_bytes": Quarantine,
            "empty": Quarantine,
            "no_headers_text": Quarantine,
            "deep_nesting": ParsedMessage,
        }
        for name, raw in hostile_corpus().items():
            with self.subTest(name):
                started = time.perf_counter()
                result = process_message(raw)
                self.assertLess(time.perf_counter() - started, 2.0)
                self.assertIsInstance(result, expected[name])
                if isinstance(result, Quarantine):
                    self.assertTrue(result.reason)
                else:
                    self.assertLessEqual(len(result.subject), 2000)
                    self.assertNotIn("\n", result.subject)

    def test_it_neutralises_header_injection(self) -> None:
        parsed = _read(hostile_corpus()["header_injection"])
        self.assertEqual(parsed.subject, "Hello Bcc: victim@example.org")
        self.assertNotIn("victim@example.org", parsed.cc)
        self.assertEqual(parsed.cc, ())

    def test_it_decodes_unknown_charsets_without_failing(self) -> None:
        parsed = _read(hostile_corpus()["unknown_charset"])
        self.assertEqual(parsed.from_address, "lena@harbor.example")
        self.assertIn("ok", parsed.body)
        self.assertEqual(parsed.subject, "Hello")

    def test_it_caps_parts_and_headers(self) -> None:
        parsed = _read(hostile_corpus()["thousands_of_parts"])
        self.assertIn("parts cut at 500", parsed.defects)
        self.assertEqual(parsed.body, "part 0")
        big = _read(hostile_corpus()["megabyte_headers"])
        self.assertIn("headers cut at 256 KB", big.defects)
        self.assertEqual(big.body, "The body.")

    def test_it_prefers_plain_text_and_otherwise_converts_html_to_text(self) -> None:
        both = _read(make_email(body="Plain words", html="<p>Rich words</p>"))
        self.assertEqual(both.body, "Plain words")
        raw = (
            b"From: lena@harbor.example\r\nSubject: html\r\nContent-Type: text/html\r\n\r\n"
            b"<html><head><style>p{}</style></head><body><p>Hi &amp; welcome</p>"
            b"<script>alert(1)</script><p>Second<br>line</p></body></html>"
        )
        self.assertEqual(_read(raw).body, "Hi & welcome\n\nSecond\nline")

    def test_it_skips_attachments_for_the_body(self) -> None:
        parsed = _read(make_email(body="See the quote.", attachment=b"%PDF-1.4 binary"))
        self.assertEqual(parsed.body, "See the quote.")

    def test_it_gives_a_message_without_id_a_deterministic_one(self) -> None:
        one = _read(make_email(message_id=None))
        again = _read(make_email(message_id=None))
        other = _read(make_email(message_id=None, body="Different"))
        self.assertFalse(one.has_message_id)
        self.assertEqual(one.message_id, again.message_id)
        self.assertNotEqual(one.message_id, other.message_id)

    def test_it_ignores_transport_headers_in_the_content_hash(self) -> None:
        raw = make_email()
        relayed = b"Received: from mx.example by us; Tue, 1 Dec 2026\r\n" + raw
        self.assertEqual(_read(raw).content_hash, _read(relayed).content_hash)

    def test_it_reads_threading_and_automatic_headers(self) -> None:
        parsed = _read(
            make_email(
                in_reply_to="<a@x> junk",
                references="<root@x> <a@x>",
                headers={"Auto-Submitted": "Auto-Replied", "List-Id": "<l.example>"},
            )
        )
        self.assertEqual(parsed.in_reply_to, "<a@x>")
        self.assertEqual(parsed.references, ("<root@x>", "<a@x>"))
        self.assertEqual(parsed.auto_submitted, "auto-replied")
        self.assertEqual(parsed.list_id, "<l.example>")

    def test_html_to_text_keeps_no_markup(self) -> None:
        self.assertEqual(html_to_text('<a href="javascript:x">link</a><img src=x>'), "link")


class FastBodyTests(SimpleTestCase):
    def test_it_finds_the_same_text_as_the_full_parser(self) -> None:
        from email.message import EmailMessage

        from keepwarm.mail import parse

        nested = EmailMessage()
        nested["From"] = "lena@harbor.example"
        nested.set_content("Ünïcode plain text, long enough to be quoted-printable. " * 3)
        nested.add_alternative("<p>Rich</p>", subtype="html")
        nested.add_attachment(b"\x00\x01" * 500, maintype="application", subtype="octet-stream")
        html_only = EmailMessage()
        html_only["From"] = "lena@harbor.example"
        html_only.set_content("<p>Only <b>HTML</b></p>", subtype="html", cte="base64")
        samples = [
            make_email(),
            make_email(body="Plain", html="<p>Rich</p>"),
            make_email(body="See the quote.", attachment=b"%PDF-1.4 binary"),
            nested.as_bytes(),
            html_only.as_bytes(),
            hostile_corpus()["malformed_mime"],
            hostile_corpus()["thousands_of_parts"],
        ]
        for raw in samples:
            with self.subTest(raw[:60]):
                capped, _ = parse._cap_structure(raw)
                head, rest = parse._split_head(capped)
                fast = parse._fast_body(parse._PARSER.parsebytes(head, headersonly=True), rest)
                full = parse._body(parse._PARSER.parsebytes(capped))
                if fast is not None:
                    self.assertEqual(fast, full)
        self.assertEqual(_read(nested.as_bytes()).body[:7], "Ünïcode")
        self.assertEqual(_read(html_only.as_bytes()).body, "Only HTML")
