"""Text signals computed from what clients write to us."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# A line that starts what is not the writer's own new text: a signature, or the quoted
# message underneath ("On Tue, Maya wrote:", Outlook's "-----Original Message-----").
_CUT = re.compile(
    r"^(?:--\s*|-{3,}\s*Original Message\s*-{3,}|_{10,}|On\b.{0,200}\bwrote:)$",
    re.IGNORECASE,
)


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """Return the one VADER analyzer; loading its lexicon takes a moment, so only once."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def own_words(text: str) -> str:
    """Return the writer's own words: no quoted lines, nothing after a signature or quote."""
    lines = text.splitlines()
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _CUT.match(stripped) or _wrapped_attribution(stripped, lines[index + 1 : index + 2]):
            break
        if not stripped.startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()


def _wrapped_attribution(line: str, following: list[str]) -> bool:
    """Return whether an "On ... wrote:" attribution starts here and wraps onto the next line."""
    return (
        line.startswith("On ")
        and bool(following)
        and following[0].strip().endswith("wrote:")
        and len(line) + len(following[0]) < 250
    )


def sentiment(text: str) -> float | None:
    """Return how positive the text reads, -1 to 1 (VADER compound), or None when empty."""
    words = own_words(text or "")
    if not words:
        return None
    return float(_analyzer().polarity_scores(words)["compound"])


# A VADER compound score at or below this reads as clearly upset, not merely terse.
CLEARLY_NEGATIVE = -0.5


def is_clearly_negative(score: float | None) -> bool:
    """Return whether a sentiment score says the writer is clearly unhappy."""
    return score is not None and score <= CLEARLY_NEGATIVE
