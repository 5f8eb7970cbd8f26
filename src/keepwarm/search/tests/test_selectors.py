"""The user's words become safe full-text queries; snippets are escaped, then marked."""

from __future__ import annotations

from django.test import SimpleTestCase

from keepwarm.search.selectors import (
    MAX_TERMS,
    fts5_query,
    highlight,
    search_terms,
    tsquery,
)

HOSTILE = [
    '"',
    "'",
    "''",
    "NEAR(harbor",
    "NEAR(a b, 2)",
    "*",
    "harbor*",
    "-",
    "-harbor",
    "a OR b",
    "AND",
    "NOT harbor",
    "^harbor",
    "title:harbor",
    "{title body}: x",
    "(((",
    "a & b | !c <-> d:*",
    "Robert'); DROP TABLE clients_client;--",
    '"unterminated',
    "\x00",
    "💥 🔥",
    "ünïcödé Ørsted ß",
    "日本語のテキスト",
    "x" * 1000,
    "%_\\",
]


class SearchTermsTests(SimpleTestCase):
    def test_it_keeps_only_words(self) -> None:
        self.assertEqual(
            search_terms('  "Harbor"  NEAR(dental* -x '), ["harbor", "near", "dental", "x"]
        )
        self.assertEqual(search_terms("*** --- ((("), [])
        self.assertEqual(search_terms("lena@harbor.example"), ["lena", "harbor", "example"])

    def test_it_caps_the_query(self) -> None:
        self.assertEqual(len(search_terms(" ".join(f"w{n}" for n in range(50)))), MAX_TERMS)
        self.assertEqual(search_terms("a a A"), ["a"])

    def test_it_builds_quoted_prefix_queries(self) -> None:
        self.assertEqual(fts5_query(["harb", "x"]), '"harb"* "x"')
        self.assertEqual(tsquery(["harb", "x"]), "'harb':* & 'x'")
        for q in HOSTILE:
            for term in search_terms(q):
                self.assertTrue(term.isalnum(), repr(term))


class HighlightTests(SimpleTestCase):
    def test_it_escapes_everything_then_marks_matches(self) -> None:
        out = highlight('<script>alert("x")</script> Your invoice & receipt', ["invoic"])
        self.assertEqual(
            str(out),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Your <mark>invoice</mark> "
            "&amp; receipt",
        )

    def test_it_marks_word_starts_only(self) -> None:
        self.assertEqual(
            str(highlight("Harbor and Arbor", ["arbor"])), "Harbor and <mark>Arbor</mark>"
        )
        self.assertEqual(str(highlight("a cat, acat", ["a"])), "<mark>a</mark> cat, acat")

    def test_it_cuts_around_the_first_match(self) -> None:
        text = "word " * 100 + "the needle here " + "word " * 100
        out = str(highlight(text, ["needle"], width=80))
        self.assertTrue(out.startswith("…"))
        self.assertTrue(out.endswith("…"))
        self.assertIn("<mark>needle</mark>", out)
        self.assertLess(len(out), 120)

    def test_it_never_marks_inside_an_entity(self) -> None:
        self.assertEqual(str(highlight("a & b", ["amp"])), "a &amp; b")
        self.assertEqual(str(highlight("<mark>", ["mark"])), "&lt;<mark>mark</mark>&gt;")
