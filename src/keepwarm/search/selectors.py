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
    "JOIN search_document d ON d.id = h.id "
    "LEFT JOIN clients_client c ON c.id = d.client_id "
    "LEFT JOIN clients_contact p ON p.id = d.parent_id AND d.kind = 'fact' "
)

# How many hits of one kind are counted, and how many of its newest hits are ranked. A
# broad word in a big workspace (a prefix while typing, at 1,000,000 emails) then costs
# as much as a narrow one; an added word brings a complete, ranked list back.
CAP = 1_000


class SearchResults(Sequence[Hit]):
    """The hits of one query in one workspace: counted once, fetched a page at a time.

    Every statement is filtered by the workspace id that each index row carries. When a
    kind has more than CAP hits, the newest CAP of them are the ones ranked and paged.
    """

    def __init__(self, *, workspace_id: int, q: str, kind: str = "") -> None:
        self.workspace_id = workspace_id
        self.q = q
        self.terms = search_terms(q)
        self.kind = kind if kind in DocumentKind.values else ""
        self._counts: dict[str, int] | None = None

    # The match of a set of kinds, on each database ------------------------------------------

    def _fts5(self, kinds: tuple[str, ...]) -> str:
        words = fts5_query(self.terms)
        # One scope word names the workspace and the kind: "w12kclient".
        scopes = " OR ".join(f'"w{self.workspace_id}k{kind}"' for kind in kinds)
        return f"scope : ({scopes}) AND {{title body}} : ({words})"

    def _pg_where(self, kinds: tuple[str, ...]) -> tuple[str, list[Any]]:
        marks = ", ".join(["%s"] * len(kinds))
        where = (
            "d.document @@ to_tsquery('simple', %s) AND d.workspace_id = %s "
            f"AND d.kind IN ({marks})"
        )
        return where, [tsquery(self.terms), self.workspace_id, *kinds]

    def _newest(self, kinds: tuple[str, ...]) -> tuple[str, list[Any]]:
        """Return a subquery of the newest CAP hits of each of these kinds: id and score."""
        if connection.vendor == "sqlite":
            sql = (
                "SELECT * FROM (SELECT rowid AS id, bm25(search_fts, 10.0, 1.0, 0.0) AS score "
                "FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s)"
            )
            return sql, [self._fts5(kinds), CAP * len(kinds)]
        where, params = self._pg_where(kinds)
        sql = f"(SELECT d.id FROM search_document d WHERE {where} ORDER BY d.id DESC LIMIT %s)"  # noqa: S608
        return sql, [*params, CAP]

    # Counting ------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Return how many hits of each kind there are, each at most CAP + 1 (kinds without
        hits are left out)."""
        if self._counts is None:
            self._counts = {}
            if self.terms:
                parts, params = [], []
                for kind in DocumentKind.values:
                    if connection.vendor == "sqlite":
                        inner = "SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s"
                        params += [self._fts5((kind,)), CAP + 1]
                    else:
                        where, kind_params = self._pg_where((kind,))
                        inner = f"SELECT 1 FROM search_document d WHERE {where} LIMIT %s"  # noqa: S608
                        params += [*kind_params, CAP + 1]
                    parts.append(f"(SELECT COUNT(*) FROM ({inner}) AS k)")  # noqa: S608
                rows = self._fetch("SELECT " + ", ".join(parts), params)
                if rows:
                    self._counts = {
                        k: int(n) for k, n in zip(DocumentKind.values, rows[0], strict=True) if n
                    }
        return self._counts

    @property
    def total(self) -> int:
        """Return how many hits there are, counting at most CAP of each kind."""
        return sum(min(n, CAP) for n in self.counts().values())

    @property
    def more(self) -> bool:
        """Return whether some kind has more hits than were counted."""
        return any(n > CAP for n in self.counts().values())

    def __len__(self) -> int:
        counts = self.counts()
        if self.kind:
            return min(counts.get(self.kind, 0), CAP)
        return self.total

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

    # One page ------------------------------------------------------------------------------

    def page(self, offset: int, limit: int) -> list[Hit]:
        """Return `limit` hits from `offset`, best first."""
        if limit <= 0 or not len(self):
            return []
        # Each subquery reads short lists: on PostgreSQL one kind through the (workspace,
        # kind, id) index; on SQLite the workspace-and-kind words, the interactions apart
        # (a common word's long list is then read twice, not once per kind).
        groups: list[tuple[str, ...]]
        if self.kind:
            groups = [(self.kind,)]
        elif connection.vendor == "sqlite":
            records = tuple(k for k in DocumentKind.values if k != DocumentKind.INTERACTION)
            groups = [(DocumentKind.INTERACTION.value,), records]
        else:
            groups = [(kind,) for kind in DocumentKind.values]
        subqueries: list[str] = []
        params: list[Any] = []
        for group in groups:
            sql, group_params = self._newest(group)
            subqueries.append(sql)
            params += group_params
        hits = " UNION ALL ".join(subqueries)
        if connection.vendor == "sqlite":
            # bm25 is lower for better matches; a title match weighs ten times a body one.
            order = "ORDER BY h.score, d.id DESC "
        else:
            # ts_rank weighs the title (A) 1.0 and the body (B) 0.4.
            order = "ORDER BY ts_rank(d.document, to_tsquery('simple', %s)) DESC, d.id DESC "
            params.append(tsquery(self.terms))
        sql = f"{_SELECT}FROM ({hits}) AS h {_JOINS}{order}LIMIT %s OFFSET %s"
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
