"""Search the workspace: the user's words into a safe full-text query, ranked hits, snippets."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload
from urllib.parse import urlencode

from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from keepwarm.clients.models import FactCategory
from keepwarm.interactions.models import Channel
from keepwarm.search.models import DocumentKind, SearchDocument

MAX_QUERY = 200
MAX_TERMS = 8
MAX_TERM = 40
SNIPPET_WIDTH = 200
TITLE_WIDTH = 200

# Letters and digits only: the words FTS5's unicode61 tokenizer and PostgreSQL's parser
# (with the punctuation schema.py splits on) both make. Quotes, operators, NEAR(, * and -
# never reach the database as syntax.
_WORD = re.compile(r"[^\W_]+")

KIND_LABELS = {
    DocumentKind.CLIENT: "Client",
    DocumentKind.CONTACT: "Person",
    DocumentKind.INTERACTION: "Interaction",
    DocumentKind.FACT: "Personal fact",
    DocumentKind.GOAL: "Goal",
}
# The tabs above the results, in this order.
KIND_TABS = (
    (DocumentKind.CLIENT, "Clients"),
    (DocumentKind.CONTACT, "People"),
    (DocumentKind.INTERACTION, "Emails, calls and meetings"),
    (DocumentKind.FACT, "Personal facts"),
    (DocumentKind.GOAL, "Goals"),
)
_CHANNELS = dict(Channel.choices)
_CATEGORIES = dict(FactCategory.choices)


def search_terms(q: str) -> list[str]:
    """Return the distinct words of a query, lower-cased, at most MAX_TERMS of them."""
    terms: list[str] = []
    for word in _WORD.findall(q[:MAX_QUERY].lower()):
        word = word[:MAX_TERM]
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _prefix(term: str) -> bool:
    # A one-letter prefix would read most of the index; a single letter matches as a word.
    return len(term) > 1


def fts5_query(terms: list[str]) -> str:
    """Return an FTS5 MATCH expression: every term, quoted, as a word prefix."""
    return " ".join(f'"{t}"*' if _prefix(t) else f'"{t}"' for t in terms)


def tsquery(terms: list[str]) -> str:
    """Return a to_tsquery('simple', ...) expression: every term, quoted, as a prefix."""
    return " & ".join(f"'{t}':*" if _prefix(t) else f"'{t}'" for t in terms)


# Snippets -----------------------------------------------------------------------------------


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    parts = [
        re.escape(t) + (r"[^\W_]*" if _prefix(t) else r"(?![^\W_])")
        for t in sorted(terms, key=len, reverse=True)
    ]
    return re.compile(r"(?<![^\W_])(?:" + "|".join(parts) + ")", re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    # Escape everything, then wrap only the matched words: the text can never add markup.
    if pattern is None:
        return mark_safe(html.escape(text))  # noqa: S308
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<mark>{html.escape(match.group())}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308


def _cut(text: str, start: int, width: int) -> str:
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def highlight(text: str, terms: list[str], *, width: int = SNIPPET_WIDTH) -> SafeString:
    """Return up to `width` characters of `text` around its first match, matches marked."""
    text = " ".join(text.split())
    pattern = _pattern(terms)
    start = 0
    if len(text) > width and pattern is not None:
        match = pattern.search(text)
        if match and match.end() > width - 20:
            start = max(0, match.start() - width // 3)
            space = text.find(" ", start, match.start())
            start = space + 1 if space != -1 else start
    return _marked(_cut(text, start, width), pattern)


# Results ------------------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str
    type_label: str
    id: int
    client_id: int | None
    client_name: str | None
    title: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    happened_at: dt.datetime | None


def _url(doc: Any) -> str:
    kind, pk = doc.kind, doc.object_id
    if kind == DocumentKind.CLIENT:
        return reverse("client_detail", args=[pk])
    if kind == DocumentKind.CONTACT:
        return reverse("contact_detail", args=[pk])
    if kind == DocumentKind.FACT:
        return reverse("contact_detail", args=[doc.parent_id]) + f"#fact-{pk}"
    if kind == DocumentKind.GOAL:
        return reverse("client_detail", args=[doc.client_id]) + f"#goal-{pk}"
    url = reverse("interaction_list", args=[doc.client_id])
    if doc.happened_at is not None:
        # The timeline's own cursor, set just past this interaction: its page starts with it.
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        micros = (doc.happened_at - epoch) // dt.timedelta(microseconds=1)
        url += "?" + urlencode({"before": f"{micros}.{pk + 1}"})
    return url + f"#interaction-{pk}"


def _type_label(doc: Any) -> str:
    if doc.kind == DocumentKind.INTERACTION:
        return str(_CHANNELS.get(doc.subkind, "Interaction"))
    if doc.kind == DocumentKind.FACT:
        category = _CATEGORIES.get(doc.subkind)
        return f"Personal fact · {category}" if category else "Personal fact"
    return KIND_LABELS.get(doc.kind, doc.kind)


def _hit(doc: Any, terms: list[str]) -> Hit:
    title = doc.title.strip()
    if not title and doc.kind == DocumentKind.INTERACTION:
        title = f"{_type_label(doc)} without a subject"
    body = doc.body
    if doc.kind == DocumentKind.FACT and doc.contact_name:
        body = f"About {doc.contact_name}"
    return Hit(
        kind=doc.kind,
        type_label=_type_label(doc),
        id=doc.object_id,
        client_id=doc.client_id,
        client_name=doc.client_name,
        title=title,
        title_html=highlight(title, terms, width=TITLE_WIDTH),
        snippet_html=highlight(body, terms),
        url=_url(doc),
        happened_at=doc.happened_at,
    )


_SELECT = (
    "SELECT d.id, d.kind, d.object_id, d.client_id, d.parent_id, d.subkind, d.title, d.body, "
    "d.happened_at, c.name AS client_name, p.name AS contact_name "
)
_JOINS = (
    "LEFT JOIN clients_client c ON c.id = d.client_id "
    "LEFT JOIN clients_contact p ON p.id = d.parent_id AND d.kind = 'fact' "
)


class SearchResults(Sequence[Hit]):
    """The hits of one query in one workspace: counted once, fetched a page at a time.

    Every statement is filtered by the workspace id that each index row carries.
    """

    def __init__(self, *, workspace_id: int, q: str, kind: str = "") -> None:
        self.workspace_id = workspace_id
        self.q = q
        self.terms = search_terms(q)
        self.kind = kind if kind in DocumentKind.values else ""
        self._counts: dict[str, int] | None = None

    def _match(self) -> tuple[str, str, list[Any]]:
        """Return (FROM, WHERE, params) of the match in this workspace, on this database."""
        if connection.vendor == "sqlite":
            source = "FROM search_fts f JOIN search_document d ON d.id = f.rowid "
            where = "WHERE search_fts MATCH %s AND d.workspace_id = %s "
            return source, where, [fts5_query(self.terms), self.workspace_id]
        source = "FROM search_document d "
        where = "WHERE d.document @@ to_tsquery('simple', %s) AND d.workspace_id = %s "
        return source, where, [tsquery(self.terms), self.workspace_id]

    def counts(self) -> dict[str, int]:
        """Return how many hits there are of each kind (kinds without hits are left out)."""
        if self._counts is None:
            self._counts = {}
            if self.terms:
                source, where, params = self._match()
                sql = f"SELECT d.kind, COUNT(*) {source}{where}GROUP BY d.kind"
                self._counts = dict(self._fetch(sql, params))
        return self._counts

    @property
    def total(self) -> int:
        return sum(self.counts().values())

    def __len__(self) -> int:
        counts = self.counts()
        return counts.get(self.kind, 0) if self.kind else sum(counts.values())

    @overload
    def __getitem__(self, index: int) -> Hit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...
    def __getitem__(self, index: int | slice) -> Hit | list[Hit]:
        if isinstance(index, int):
            return self.page(index, 1)[0]
        start, stop, _ = index.indices(len(self))
        return self.page(start, stop - start)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self[:])

    def page(self, offset: int, limit: int) -> list[Hit]:
        """Return `limit` hits from `offset`, best first."""
        if limit <= 0 or not len(self):
            return []
        source, where, params = self._match()
        if self.kind:
            where += "AND d.kind = %s "
            params.append(self.kind)
        if connection.vendor == "sqlite":
            # bm25 is lower for better matches; a title match weighs ten times a body one.
            order = "ORDER BY bm25(search_fts, 10.0, 1.0), d.id DESC "
        else:
            order = "ORDER BY ts_rank(d.document, to_tsquery('simple', %s)) DESC, d.id DESC "
            params.append(params[0])
        sql = f"{_SELECT}{source}{_JOINS}{where}{order}LIMIT %s OFFSET %s"
        docs = self._raw(sql, [*params, limit, offset])
        return [_hit(doc, self.terms) for doc in docs]

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
        except DatabaseError:
            if connection.vendor != "sqlite":
                raise
            # The terms are quoted words, so FTS5 should never refuse them; if a tokenizer
            # edge case still does, the answer is "no hits", never an error page.
            return []

    def _raw(self, sql: str, params: list[Any]) -> list[Any]:
        try:
            return list(SearchDocument.objects.raw(sql, params))
        except DatabaseError:
            if connection.vendor != "sqlite":
                raise
            return []
