"""Template helpers for the plain-language check: the text with what it found marked."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from keepwarm.lib.plain import PlainCheck

register = template.Library()

# Each mark says what it is in words (for screen readers and in the legend), never by colour
# alone: long sentences are underlined dotted, passive phrases dashed, unusual words wavy.
_CLASSES = ("plain-long", "plain-passive", "plain-word")


def _marks(text: str, check: PlainCheck) -> list[tuple[int, int, int, str]]:
    """Return (start, end, kind, label) of every mark that fits `text`."""
    marks: list[tuple[int, int, int, str]] = []
    for note in check.sentences:
        if note.end > len(text) or text[note.start : note.end] != note.text:
            continue  # Checked on another text: mark nothing rather than the wrong words.
        if note.too_long:
            marks.append((note.start, note.end, 0, f"Long sentence, {note.words} words: "))
        marks.extend((a, b, 1, "Possibly passive: ") for a, b in note.passive_spans)
        marks.extend((a, b, 2, "Unusual word: ") for a, b in note.hard_word_spans)
    marks.sort(key=lambda m: (m[0], -m[1], m[2]))
    return marks


def highlight(text: str, check: PlainCheck) -> SafeString:
    """Return `text` as escaped HTML with long sentences, passive phrases and hard words marked."""
    out: list[str] = []
    position = 0
    # The ends and kinds of the marks now open, innermost last.
    open_marks: list[tuple[int, int]] = []

    def close_until(limit: int) -> None:
        nonlocal position
        while open_marks and open_marks[-1][0] <= limit:
            end, kind = open_marks.pop()
            out.append(escape(text[position:end]))
            position = end
            if kind == 0:
                out.append('<span class="visually-hidden"> (end of long sentence)</span>')
            out.append("</mark>")

    for start, end, kind, label in _marks(text, check):
        if start < position or end <= start:
            continue
        close_until(start)
        if open_marks and open_marks[-1][0] < end:
            continue  # Would cross a mark already open; nesting keeps the HTML sound.
        out.append(escape(text[position:start]))
        position = start
        out.append(
            f'<mark class="{_CLASSES[kind]}"><span class="visually-hidden">{escape(label)}</span>'
        )
        open_marks.append((end, kind))
    close_until(len(text))
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped.


@register.simple_tag
def plain_highlight(text: str, check: PlainCheck) -> SafeString:
    """Render the checked text with what the plain-language check found marked."""
    return highlight(str(text or ""), check)
