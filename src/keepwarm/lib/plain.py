"""The plain-language check: reading ease, long sentences, unusual words and passive hints."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

DEFAULT_TARGET = 60.0
# wordfreq's Zipf scale is log10 of uses per billion words: 3 is once per million words.
# Between "synergy" (3.22) and "invoice" (3.27) lies the line between words a client may
# not know and everyday ones; a workspace's glossary takes care of its own trade's words.
HARD_WORD_ZIPF = 3.25
# More words than this in one sentence is hard to follow in one reading.
LONG_SENTENCE_WORDS = 25
# Longer texts are checked only this far, which keeps every check well under a second.
MAX_CHECK_CHARS = 100_000

# How many of each finding the advice names one by one before it sums up the rest.
_ADVICE_LONG = 3
_ADVICE_WORDS = 3
_ADVICE_PASSIVE = 2

# Flesch reading ease for English, as textstat computes it.
_FRE_BASE = 206.835
_FRE_SENTENCE_LENGTH = 1.015
_FRE_SYLLABLES = 84.6

# Everyday swaps for words that are often flagged; the advice offers them when it can.
SIMPLER_WORDS: dict[str, str] = {
    "utilise": "use",
    "utilize": "use",
    "utilisation": "use",
    "utilization": "use",
    "synergy": "working together",
    "synergies": "working together",
    "remediation": "fix",
    "remediate": "fix",
    "optimise": "improve",
    "deliverables": "what we will deliver",
    "onboarding": "getting started",
    "ideate": "come up with ideas",
    "actionable": "practical",
    "touchpoint": "contact",
    "touchpoints": "contacts",
    "idempotent": "safe to repeat",
    "reschedule": "move",
    "heretofore": "until now",
    "hereby": "now",
    "henceforth": "from now on",
    "aforementioned": "this",
    "endeavour": "try",
    "commence": "start",
    "ascertain": "find out",
    "expedite": "speed up",
    "granular": "detailed",
    "rebrand": "new look",
    "downtime": "time it is down",
    "uptime": "time it is working",
    "configure": "set up",
    "stakeholder": "person involved",
    "stakeholders": "people involved",
}


@dataclass(frozen=True)
class HardWord:
    """A word a reader is unlikely to know, how common it is, and how often the text uses it."""

    word: str
    zipf: float
    count: int
    suggestion: str = ""


@dataclass
class SentenceNote:
    """One sentence (or bullet, or heading) of the text and what the check found in it."""

    text: str
    start: int
    end: int
    words: int
    too_long: bool = False
    passive: list[str] = field(default_factory=list)
    hard_words: list[str] = field(default_factory=list)
    # Where each passive phrase and unusual word is in the whole input: (start, end).
    passive_spans: list[tuple[int, int]] = field(default_factory=list)
    hard_word_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.too_long or bool(self.passive) or bool(self.hard_words)

    def opening(self, words: int = 2) -> str:
        """Return the sentence's first few words, with an ellipsis when there are more."""
        parts = _LEADING_MARKUP.sub("", " ".join(self.text.split())).split(" ")
        head = " ".join(parts[:words])
        return head + "…" if len(parts) > words else head


@dataclass
class PlainCheck:
    """How plainly a text reads against a target, and what to change."""

    reading_ease: float | None
    target: float
    meets_target: bool
    sentence_count: int
    avg_sentence_words: float
    longest_sentence_words: int
    sentences: list[SentenceNote]
    hard_words: list[HardWord]
    passive_hints: list[str]
    advice: list[str]
    word_count: int = 0
    truncated: bool = False

    @property
    def reading_ease_label(self) -> str:
        """Return the reading ease as shown: whole, unless rounding would hide a miss."""
        if self.reading_ease is None:
            return ""
        whole = f"{self.reading_ease:.0f}"
        if not self.meets_target and float(whole) >= self.target:
            return f"{self.reading_ease:.1f}"
        return whole

    @property
    def target_label(self) -> str:
        return f"{self.target:g}"

    @property
    def flagged_sentences(self) -> list[SentenceNote]:
        return [s for s in self.sentences if s.flagged]

    @property
    def long_sentences(self) -> list[SentenceNote]:
        return [s for s in self.sentences if s.too_long]

    @property
    def is_empty(self) -> bool:
        return self.reading_ease is None


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Text structure ---------------------------------------------------------------------------

# The typographic apostrophe that phones and word processors type (U+2019).
_RSQUO = "\u2019"
_LINE_ENDS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+")
_BULLET = re.compile(r"[ \t]*(?:[-*+•‣◦▪\u2013]|\d{1,3}[.)])[ \t]+")
_RULE = re.compile(r"[ \t]*([-*_=])(?:[ \t]*\1){2,}[ \t]*")
_FENCE = re.compile(r"[ \t]*(?:```|~~~)")
_QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)+")
_LEADING_MARKUP = re.compile(r"^[\W_]+")

# Spans that are not prose: links, email addresses, code, HTML tags, Markdown link targets.
_SKIP = re.compile(
    r"(?:https?|ftp)://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]}]"
    r"|www\.[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]}]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|`[^`\n]*`"
    r"|</?[A-Za-z][^<>\n]{0,200}>"
    r"|\]\([^()\s]*\)",
    re.IGNORECASE,
)
# A word, a number, or an abbreviation or domain written with dots ("e.g", "3.5").
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")
# Sentence ends: ., !, ? or an ellipsis, then any closing quotes, brackets or emphasis.
_TERMINATOR = re.compile(r"([.!?…]+)[\"'\u201d\u2019)\]*_]*(?=\s)")
# After these (with their dot) a sentence goes on, whatever comes next: "Dr. Okafor".
_NEVER_ENDS = _words(
    """
    dr mr mrs ms mx prof st rev fr sr jr vs approx cf e.g i.e eg ie viz no nos fig tel
    ext dept mt gen col capt lt sgt hon ca nr pp vol ch sec
    """
)
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ'\u2019\-]+")
_PREVIOUS_WORD = re.compile(r"[\w.'\u2019-]+$")


def _spans_of(pattern: re.Pattern[str], text: str) -> tuple[list[int], list[int]]:
    """Return the starts and ends of the pattern's matches, for `_in_spans`."""
    starts: list[int] = []
    ends: list[int] = []
    for match in pattern.finditer(text):
        starts.append(match.start())
        ends.append(match.end())
    return starts, ends


def _in_spans(pos: int, spans: tuple[list[int], list[int]]) -> bool:
    index = bisect_right(spans[0], pos) - 1
    return index >= 0 and pos < spans[1][index]


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each paragraph, list item and heading, without its markers."""
    pos = 0
    current: list[int] | None = None
    current_is_item = False
    in_fence = False
    for line in text.splitlines(keepends=True):
        line_start = pos
        pos += len(line)
        content = line.rstrip(_LINE_ENDS)
        line_end = line_start + len(content)
        if _FENCE.match(content):
            in_fence = not in_fence
        if in_fence or _FENCE.match(content) or not content.strip() or _RULE.fullmatch(content):
            if current:
                yield current[0], current[1]
            current = None
            continue
        heading = _HEADING.match(content)
        if heading:
            if current:
                yield current[0], current[1]
            current = None
            yield line_start + heading.end(), line_end
            continue
        quote = _QUOTE.match(content)
        offset = quote.end() if quote else 0
        bullet = _BULLET.match(content, offset)
        indented = content[:1] in (" ", "\t")
        if bullet or current is None or (current_is_item and not indented):
            if current:
                yield current[0], current[1]
            current = [line_start + (bullet.end() if bullet else offset), line_end]
            current_is_item = bool(bullet)
            if not bullet and _is_greeting(content):
                # "Hi Maria," on a line of its own is not the start of the next sentence.
                yield current[0], current[1]
                current = None
            continue
        current[1] = line_end
    if current:
        yield current[0], current[1]


def _is_greeting(line: str) -> bool:
    stripped = line.strip()
    return stripped.endswith(",") and len(stripped.split()) <= 6


def _ends_sentence(text: str, match: re.Match[str], block_start: int, block_end: int) -> bool:
    after = match.end()
    while after < block_end and text[after].isspace():
        after += 1
    if after >= block_end:
        return True
    following = text[after]
    if following.islower():
        return False
    marks = match.group(1)
    if marks != ".":
        return True
    previous = _PREVIOUS_WORD.search(text, max(block_start, match.start() - 40), match.start())
    word = previous.group() if previous else ""
    if word.lower() in _NEVER_ENDS:
        return False
    # An initial, as in "J. Okafor".
    return not (len(word) == 1 and word.isupper())


def _sentence_ranges(text: str, skip: tuple[list[int], list[int]]) -> Iterator[tuple[int, int]]:
    for block_start, block_end in _blocks(text):
        start = block_start
        for match in _TERMINATOR.finditer(text, block_start, block_end):
            if _in_spans(match.start(), skip):
                continue
            if _ends_sentence(text, match, block_start, block_end):
                yield _trimmed(text, start, match.end())
                start = match.end()
        if start < block_end:
            yield _trimmed(text, start, block_end)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# Words --------------------------------------------------------------------------------------


@dataclass
class _Token:
    raw: str
    lower: str
    start: int
    end: int


def _tokens(text: str, start: int, end: int, skip: tuple[list[int], list[int]]) -> list[_Token]:
    found = []
    for match in _TOKEN.finditer(text, start, end):
        if _in_spans(match.start(), skip):
            continue
        raw = match.group()
        found.append(_Token(raw, raw.lower().replace(_RSQUO, "'"), match.start(), match.end()))
    return found


@lru_cache(maxsize=100_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


@lru_cache(maxsize=100_000)
def _syllables(word: str) -> int:
    import textstat

    return int(textstat.syllable_count(word))


def warm_up() -> None:
    """Load the word lists the check needs (a second or so), so the first check is quick."""
    check_text("Warm up the word lists, e.g. synergy.")


def _lemmas(word: str) -> list[str]:
    """Return simple base forms of an English word: "plumbers" → "plumber", "updated" → "update"."""
    out: list[str] = []
    if word.endswith("'s"):
        out.append(word[:-2])
    elif word.endswith("s'"):
        out.append(word[:-1])
    if len(word) > 4 and word.endswith("ies"):
        out.append(word[:-3] + "y")
    if len(word) > 3 and word.endswith("es"):
        out.append(word[:-2])
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    if len(word) > 4 and word.endswith("ied"):
        out.append(word[:-3] + "y")
    if len(word) > 4 and word.endswith("ed"):
        out += [word[:-2], word[:-1]]
        if word[-3] == word[-4]:
            out.append(word[:-3])
    if len(word) > 5 and word.endswith("ing"):
        out += [word[:-3], word[:-3] + "e"]
        if word[-4] == word[-5]:
            out.append(word[:-4])
    if len(word) > 4 and word.endswith("ly"):
        out.append(word[:-2])
        if word.endswith("ily"):
            out.append(word[:-3] + "y")
    return out


@lru_cache(maxsize=100_000)
def word_zipf(word: str) -> float:
    """Return how common a lowercase word is (Zipf), counting its simple base forms too."""
    best = _zipf(word)
    for lemma in _lemmas(word):
        if best >= HARD_WORD_ZIPF:
            break
        best = max(best, _zipf(lemma))
    return best


def _hard_zipf(word: str, glossary: frozenset[str]) -> float | None:
    """Return the Zipf of a lowercase word a reader may not know, or None for a known one."""
    if word in glossary or any(lemma in glossary for lemma in _lemmas(word)):
        return None
    zipf = word_zipf(word)
    if zipf >= HARD_WORD_ZIPF:
        return None
    if "-" in word:
        # "follow-up", "re-run": hard only when one of its parts is.
        parts = [p for p in word.split("-") if len(p) > 1]
        zipfs = [_hard_zipf(p, glossary) for p in parts]
        hard = [z for z in zipfs if z is not None]
        return min(hard) if hard else None
    return zipf


def _candidate(token: _Token, first: bool, names: set[str]) -> bool:
    """Return whether a token is a word worth looking up (not a number, name or code)."""
    raw = token.raw
    if "." in raw or any(c.isdigit() for c in raw) or not _LATIN.fullmatch(raw):
        return False
    letters = sum(c.isalpha() for c in raw)
    if letters < 2:
        return False
    if raw.isupper():
        return True  # An acronym: "SSL" is as foreign to a client as "idempotent".
    if any(c.isupper() for c in raw[1:]):
        return False  # "WordPress", "iPhone": a name.
    if raw[0].isupper():
        return first and token.lower not in names
    return True


def normalise_term(term: str) -> str:
    """Return a glossary term as the check compares it: lowercase, single spaces."""
    return " ".join(term.replace(_RSQUO, "'").lower().split()).strip(" .,;:!?\"'()[]")


def parse_glossary(text: str) -> list[str]:
    """Return a glossary's terms, one per line, without blanks or repeats (first spelling wins)."""
    seen: set[str] = set()
    terms: list[str] = []
    for line in text.splitlines():
        term = " ".join(line.split())
        key = normalise_term(term)
        if key and key not in seen:
            seen.add(key)
            terms.append(term)
    return terms


@lru_cache(maxsize=64)
def _glossary_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = "|".join(
        r"\s+".join(re.escape(part).replace("'", f"['{_RSQUO}]") for part in phrase.split())
        for phrase in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


# Passive voice ----------------------------------------------------------------------------

_BE = _words(
    """
    am is are was were be been being isn't aren't wasn't weren't i'm we're you're
    they're
    """
)
_BETWEEN = _words(
    """
    not never also already just still all now then always often usually being only even
    soon recently currently finally mostly fully partly
    """
)
_NOT_ADVERBS = _words("reply supply apply family italy july fly ally rely early only")
_IRREGULAR_PARTICIPLES = _words(
    """
    arisen awoken beaten become begun bent bet bid bitten blown born borne bought bound
    bred brought broken built burnt caught chosen cut dealt done drawn driven drunk dug
    eaten fallen fed felt fought found flown forbidden forgiven forgotten frozen given
    gotten ground grown hung heard held hidden hit hurt kept knelt known laid led learnt
    left lent let lit lost made meant met mistaken overtaken paid proven put quit read
    rebuilt redone rewritten ridden rung run said sent set sewn shaken shed shown shrunk
    shut slung sold sought sped spent split spoken spread sprung stolen stuck stung
    sworn swept swum struck taken taught thrown thought told torn understood undertaken
    upheld upset withdrawn withheld woken won worn wound woven written
    """
)
# Words ending in -ed that after "is" or "were" describe a state or feeling, not an action.
_STATE_WORDS = _words(
    """
    aged bed bored beloved based concerned confused crooked delighted detailed
    disappointed excited experienced frustrated hundred interested kindred married naked
    pleased ragged red relieved rugged sacred satisfied scared shed skilled
    sophisticated supposed surprised talented thrilled tired used wicked worried
    advanced complicated dedicated annoyed
    """
)
_ED_PARTICIPLES = _words("agreed freed guaranteed decreed refereed")
# Shown with the phrase when they come just before "be" or "been": "will be sent".
_AUXILIARIES = _words(
    """
    has have had having will would can could should must may might shall to hasn't
    haven't hadn't won't wouldn't can't couldn't shouldn't
    """
)


def _is_participle(word: str) -> bool:
    if word in _IRREGULAR_PARTICIPLES:
        return True
    if len(word) < 4 or not word.endswith("ed") or word in _STATE_WORDS:
        return False
    return not word.endswith("eed") or word in _ED_PARTICIPLES


def _is_between(word: str) -> bool:
    return word in _BETWEEN or (len(word) > 4 and word.endswith("ly") and word not in _NOT_ADVERBS)


def _passive(tokens: list[_Token]) -> list[tuple[int, int]]:
    """Return (first, last) token indexes of each "to be" + past participle phrase."""
    found: list[tuple[int, int]] = []
    index = 0
    while index < len(tokens):
        if tokens[index].lower in _BE:
            after = index + 1
            while (
                after < len(tokens)
                and after - index <= 2
                and _is_between(tokens[after].lower)
                and not _is_participle(tokens[after].lower)
            ):
                after += 1
            if after < len(tokens) and _is_participle(tokens[after].lower):
                first = index
                if index and tokens[index].lower in ("be", "been"):
                    first -= tokens[index - 1].lower in _AUXILIARIES
                found.append((first, after))
                index = after + 1
                continue
        index += 1
    return found


# The check ----------------------------------------------------------------------------------


def _reading_ease(words: int, sentences: int, syllables: int) -> float | None:
    if not words or not sentences:
        return None
    score = (
        _FRE_BASE
        - _FRE_SENTENCE_LENGTH * (words / sentences)
        - _FRE_SYLLABLES * (syllables / words)
    )
    # The formula runs past both ends for very short or very dense text; the scale is 0-100.
    return round(min(100.0, max(0.0, score)), 1)


def reading_ease(text: str) -> float | None:
    """Return the reading ease `check_text` gives `text`, without the rest of the check."""
    text = text[:MAX_CHECK_CHARS]
    skip = _spans_of(_SKIP, text)
    words = sentences = syllables = 0
    for start, end in _sentence_ranges(text, skip):
        tokens = _tokens(text, start, end, skip)
        if tokens:
            sentences += 1
            words += len(tokens)
            syllables += sum(_syllables(t.lower) for t in tokens)
    return _reading_ease(words, sentences, syllables)


def check_text(
    text: str, *, target: float = DEFAULT_TARGET, glossary: Iterable[str] = ()
) -> PlainCheck:
    """Return how plainly `text` reads against `target` (Flesch reading ease), and what to do.

    Glossary terms (case-insensitive, several words allowed) are never flagged as unusual.
    """
    truncated = len(text) > MAX_CHECK_CHARS
    if truncated:
        text = text[:MAX_CHECK_CHARS]
    terms = {normalise_term(term) for term in glossary}
    terms.discard("")
    single = frozenset(t for t in terms if " " not in t)
    phrases = _glossary_pattern(tuple(sorted(t for t in terms if " " in t)))
    skip = _spans_of(_SKIP, text)
    known = _spans_of(phrases, text) if phrases is not None else ([], [])

    ranges = list(_sentence_ranges(text, skip))
    sentence_tokens = [(s, e, _tokens(text, s, e, skip)) for s, e in ranges]
    # A word written with a capital in mid-sentence is a name wherever it appears.
    names = {
        t.lower
        for _, _, tokens in sentence_tokens
        for t in tokens[1:]
        if t.raw[:1].isupper() and not t.raw.isupper()
    }

    notes: list[SentenceNote] = []
    hard: dict[str, HardWord] = {}
    passive_hints: list[str] = []
    total_words = total_syllables = 0
    for start, end, tokens in sentence_tokens:
        if not tokens:
            continue
        note = SentenceNote(text=text[start:end], start=start, end=end, words=len(tokens))
        note.too_long = note.words > LONG_SENTENCE_WORDS
        total_words += len(tokens)
        total_syllables += sum(_syllables(t.lower) for t in tokens)
        for position, token in enumerate(tokens):
            if phrases is not None and _in_spans(token.start, known):
                continue
            if not _candidate(token, position == 0, names):
                continue
            zipf = _hard_zipf(token.lower, single)
            if zipf is None:
                continue
            shown = token.raw if token.raw.isupper() else token.lower
            seen = hard.get(token.lower)
            hard[token.lower] = (
                replace(seen, count=seen.count + 1)
                if seen
                else HardWord(shown, zipf, 1, SIMPLER_WORDS.get(token.lower, ""))
            )
            if shown not in note.hard_words:
                note.hard_words.append(shown)
            note.hard_word_spans.append((token.start, token.end))
        for first, last in _passive(tokens):
            phrase = " ".join(text[tokens[first].start : tokens[last].end].split())
            note.passive.append(phrase)
            note.passive_spans.append((tokens[first].start, tokens[last].end))
            passive_hints.append(phrase)
        notes.append(note)

    hard_words = list(hard.values())
    ease = _reading_ease(total_words, len(notes), total_syllables)
    check = PlainCheck(
        reading_ease=ease,
        target=float(target),
        meets_target=ease is None or ease >= target,
        sentence_count=len(notes),
        avg_sentence_words=round(total_words / len(notes), 1) if notes else 0.0,
        longest_sentence_words=max((n.words for n in notes), default=0),
        sentences=notes,
        hard_words=hard_words,
        passive_hints=passive_hints,
        advice=[],
        word_count=total_words,
        truncated=truncated,
    )
    check.advice = _advice(check, total_syllables)
    return check


# Advice -------------------------------------------------------------------------------------

_PARTS = ((50, "two"), (75, "three"))


def _openings(sentences: list[SentenceNote]) -> list[str]:
    """Return an opening for each sentence, long enough to tell it from the others."""
    out = []
    for note in sentences:
        words = 2
        while words < 8 and any(
            other is not note and other.opening(words) == note.opening(words) for other in sentences
        ):
            words += 1
        out.append(note.opening(words))
    return out


def _more(count: int, what: str) -> str:
    return f"{count} more {what}{'' if count == 1 else 's'}"


def _advice(check: PlainCheck, syllables: int) -> list[str]:
    """Return plain sentences saying what to change, most useful first."""
    advice: list[str] = []
    long = check.long_sentences
    shown = long[:_ADVICE_LONG]
    for note, opening in zip(shown, _openings(shown), strict=True):
        parts = next((name for limit, name in _PARTS if note.words <= limit), "shorter ones")
        advice.append(f"Split the {note.words}-word sentence starting '{opening}' into {parts}.")
    if len(long) > _ADVICE_LONG:
        extra = len(long) - _ADVICE_LONG
        advice.append(f"Split the {_more(extra, 'long sentence')} the same way.")
    for word in check.hard_words[:_ADVICE_WORDS]:
        swap = f"'{word.suggestion}'" if word.suggestion else "a simpler word"
        advice.append(
            f"Swap '{word.word}' for {swap}, or add it to the glossary if your clients use it."
        )
    if len(check.hard_words) > _ADVICE_WORDS:
        extra = len(check.hard_words) - _ADVICE_WORDS
        advice.append(f"Look at the {_more(extra, 'unusual word')} the same way.")
    for phrase in check.passive_hints[:_ADVICE_PASSIVE]:
        advice.append(
            f"Say who did it instead of '{phrase}' (a hint: it reads like the passive voice)."
        )
    if len(check.passive_hints) > _ADVICE_PASSIVE:
        extra = len(check.passive_hints) - _ADVICE_PASSIVE
        advice.append(f"Look at the {_more(extra, 'possibly passive phrase')} the same way.")
    if check.meets_target or check.reading_ease is None:
        return advice
    if check.avg_sentence_words > 20:
        advice.append(
            f"Your sentences average {check.avg_sentence_words:.0f} words: aim for 15 to 20."
        )
    if check.word_count and syllables / check.word_count > 1.6:
        advice.append("Many words are long: use short, everyday words where you can.")
    if not advice:
        advice.append(
            f"Use shorter sentences and everyday words to reach this client's target of "
            f"{check.target_label}."
        )
    return advice
