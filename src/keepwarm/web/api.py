"""JSON API for writing helpers that belong to no record: the plain-language check."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from keepwarm.accounts.api_auth import ApiTokenAuth
from keepwarm.clients.access import get_client_for_member
from keepwarm.lib.api import READ_ERRORS, Id, InSchema, Text, member
from keepwarm.lib.plain import (
    DEFAULT_TARGET,
    MAX_CHECK_CHARS,
    PlainCheck,
    check_text,
    parse_glossary,
)

router = Router(tags=["writing"])

# 0 to 100 as a JSON number: "60" and true are refused, not quietly read as numbers.
ReadingEase = Annotated[float, Field(ge=0, le=100, strict=True)]


class PlainLanguageIn(InSchema):
    text: Text = Field(max_length=MAX_CHECK_CHARS, description="The text to check.")
    client_id: Id | None = Field(
        None, description="Check against this client's target (404 if not in your workspace)."
    )
    target: ReadingEase | None = Field(
        None, description="Reading ease to aim for; defaults to the client's target, else 60."
    )


class SentenceOut(Schema):
    text: str = Field(description="The sentence as written (a bullet or heading counts as one).")
    start: int = Field(description="Where it starts in the text, in characters from 0.")
    end: int = Field(description="Where it ends (exclusive): text[start:end] is the sentence.")
    words: int
    too_long: bool = Field(description="More than 25 words.")
    passive: list[str] = Field(description="Phrases that look like the passive voice (a hint).")
    hard_words: list[str] = Field(description="Words in it a reader may not know.")


class HardWordOut(Schema):
    word: str
    zipf: float = Field(
        description="How common the word is in English, on wordfreq's Zipf scale (3 is once "
        "per million words)."
    )
    count: int = Field(description="How many times the text uses it.")
    suggestion: str = Field(description="An everyday word to use instead, when we know one.")


class PlainLanguageOut(Schema):
    reading_ease: float | None = Field(
        description="Flesch reading ease, 0 (very hard) to 100 (very easy); null for empty text."
    )
    target: float
    meets_target: bool
    word_count: int
    sentence_count: int
    avg_sentence_words: float
    longest_sentence_words: int
    sentences: list[SentenceOut]
    hard_words: list[HardWordOut] = Field(description="Unusual words, in order of first use.")
    passive_hints: list[str]
    advice: list[str] = Field(description="What to change, in plain sentences.")


@router.post(
    "/plain-language",
    response={200: PlainLanguageOut, **READ_ERRORS},
    auth=ApiTokenAuth(post_reads=True),
    summary="Check how plainly a text reads",
)
def plain_language_check_api(request: HttpRequest, payload: PlainLanguageIn) -> PlainCheck:
    """Check how plainly a text reads: reading ease, long sentences, unusual words, advice.

    Changes nothing, so a read-only token may call it. The workspace's glossary is applied.
    """
    membership = member(request)
    target = DEFAULT_TARGET
    if payload.client_id is not None:
        client = get_client_for_member(membership, payload.client_id)
        target = float(client.plain_language_target)
    if payload.target is not None:
        target = float(payload.target)
    glossary = parse_glossary(membership.workspace.plain_language_glossary)
    return check_text(payload.text, target=target, glossary=glossary)
