"""The demo's unmatched mail: a stranger asking for a quote, and a newsletter."""

from __future__ import annotations

import email.utils

from keepwarm.accounts.models import User, Workspace
from keepwarm.demo.routine import Clock
from keepwarm.mail.ingest import ingest_messages


def _raw(
    key: str, sender: str, to: str, subject: str, body: str, at: str, extra: str = ""
) -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {at}\r\n"
        f"Message-ID: <{key}@demo.keepwarm.invalid>\r\n{extra}"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
    ).encode()


def create_mail(workspace: Workspace, clock: Clock, users: dict[str, User]) -> None:
    """Bring two emails from unknown senders in through the real ingestion path."""
    studio = next(iter(users.values())).email
    quote_at = email.utils.format_datetime(clock.at(clock.day(-1), "16:40"))
    news_at = email.utils.format_datetime(clock.at(clock.day(-2), "07:15"))
    raws = [
        _raw(
            "joinery-quote",
            "Pat Kelly <pat.kelly@kellyjoinery.example>",
            studio,
            "Website for a joinery?",
            "Hello, a friend recommended you. We are a small joinery and need a simple "
            "website with a gallery of our work. Could you give us a rough price?\n\n"
            "Pat Kelly",
            quote_at,
        ),
        _raw(
            "hosting-news",
            "Hosting News <news@hostingnews.example>",
            studio,
            "December hosting news",
            "Our data centre maintenance window is on the 14th from 02:00 to 04:00.",
            news_at,
            "List-Id: <news.hostingnews.example>\r\n",
        ),
    ]
    list(ingest_messages(workspace=workspace, raws=raws, source="demo"))
