"""A report's Markdown as the client receives it: clean HTML email and a readable plain text."""

from __future__ import annotations

import re

import nh3
from django.template.loader import render_to_string
from markdown_it import MarkdownIt

# No raw HTML in, no images (nothing remote is ever loaded), only links a mail reader opens.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
ALLOWED_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a",
    "blockquote", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)")
_HARD_BREAK = re.compile(r"(?: {2,}|\\)$", re.MULTILINE)


def markdown_to_html(markdown: str) -> str:
    """Return the Markdown as sanitised HTML (the body's inner part)."""
    html = _MARKDOWN.render(markdown)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def markdown_to_text(markdown: str) -> str:
    """Return the Markdown as plain text a person reads happily: no markup characters left."""
    lines = []
    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        if heading:
            title = heading.group(2)
            lines.append(title)
            lines.append("-" * len(title))
            continue
        line = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", line)
        line = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), line)
        lines.append(line)
    text = _HARD_BREAK.sub("", "\n".join(lines))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def email_html(*, subject: str, markdown: str, sender: str) -> str:
    """Return the whole HTML email: one column, system fonts, no remote images."""
    return render_to_string(
        "reports/email/report.html",
        {"subject": subject, "body": markdown_to_html(markdown), "sender": sender},
    )


def email_text(*, markdown: str, sender: str) -> str:
    """Return the plain-text part of the email."""
    return render_to_string(
        "reports/email/report.txt", {"body": markdown_to_text(markdown), "sender": sender}
    )
