"""Which inbound emails need a reply: not automatic ones, not a closing "thanks!"."""

from __future__ import annotations

import re

from keepwarm.lib.text import own_words
from keepwarm.mail.parse import ParsedMessage

_ROBOT_SENDERS = re.compile(
    r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|bounces?|"
    r"notifications?|auto-?reply)(?:[+._-].*)?@",
    re.IGNORECASE,
)
_THANKS = re.compile(r"\b(?:thanks|thank\s+you|thank\s+u|thx|ty|cheers|much\s+appreciated)\b", re.I)
# A thank-you that still asks for something is not a closing one.
_STILL_ASKING = re.compile(
    r"\?|\b(?:but|however|please|can\s+you|could\s+you|would\s+you|when|still|problem|issue|"
    r"wrong|not)\b",
    re.IGNORECASE,
)
_CLOSING_WORDS = 12


def automatic_reason(message: ParsedMessage) -> str:
    """Return why a message was sent by a machine, or "" when a person wrote it."""
    if message.auto_submitted and message.auto_submitted != "no":
        return "auto-submitted"
    if message.list_id:
        return "mailing list"
    if message.precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"precedence {message.precedence}"
    if message.return_path.strip() == "<>" or message.content_type == "multipart/report":
        return "bounce"
    if _ROBOT_SENDERS.match(message.from_address):
        return "no-reply sender"
    return ""


def is_closing_thanks(body: str) -> bool:
    """Return whether the writer's own words are only a short thank-you that asks nothing."""
    words = own_words(body)
    if not words or len(words.split()) > _CLOSING_WORDS:
        return False
    return bool(_THANKS.search(words)) and not _STILL_ASKING.search(words)


def needs_reply_reason(message: ParsedMessage) -> str:
    """Return why an inbound message needs no reply, or "" when it does."""
    reason = automatic_reason(message)
    if reason:
        return reason
    if is_closing_thanks(message.body):
        return "closing thanks"
    return ""
