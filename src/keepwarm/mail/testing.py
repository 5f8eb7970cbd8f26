"""Build raw emails for tests and benchmarks."""

from __future__ import annotations

import datetime as dt
import email.utils
from email.message import EmailMessage


def make_email(
    *,
    sender: str = "Lena Ortiz <lena@harbor.example>",
    to: str = "alice@example.org",
    subject: str = "Opening hours",
    body: str = "Could you change our opening hours on the website?",
    at: dt.datetime | None = None,
    message_id: str | None = "<m1@harbor.example>",
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    html: str | None = None,
    attachment: bytes | None = None,
) -> bytes:
    """Return one email as bytes, as a mail server would store it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(at or dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="quote.pdf")
    return msg.as_bytes()
