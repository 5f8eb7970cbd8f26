from __future__ import annotations

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from keepwarm.lib.text import own_words, sentiment


class SentimentTests(SimpleTestCase):
    def test_it_reads_happy_text_as_positive(self) -> None:
        score = sentiment("Thank you so much, the new site looks wonderful!")
        assert score is not None
        self.assertGreater(score, 0.5)

    def test_it_reads_angry_text_as_negative(self) -> None:
        score = sentiment("I am really frustrated. Nobody has answered and this is unacceptable.")
        assert score is not None
        self.assertLess(score, -0.5)

    def test_it_returns_none_for_empty_text(self) -> None:
        self.assertIsNone(sentiment(""))
        self.assertIsNone(sentiment("  \n\n "))
        self.assertIsNone(sentiment("> only a quote\n> of someone else"))

    def test_it_ignores_quoted_lines(self) -> None:
        angry_quote = "Thanks, that's great.\n> This is terrible, I hate it, awful awful awful."
        self.assertEqual(sentiment(angry_quote), sentiment("Thanks, that's great."))

    def test_it_ignores_everything_after_a_signature(self) -> None:
        text = "Lovely work, thank you.\n-- \nFiona Grant\nTerrible Towers Ltd"
        self.assertEqual(sentiment(text), sentiment("Lovely work, thank you."))

    def test_it_ignores_the_message_we_sent_below_their_reply(self) -> None:
        text = (
            "Fine, see you then.\n\nOn Tue, 3 Nov 2026 at 10:00, Maya Okafor "
            "<maya@brightside.example> wrote:\nWe are sorry, the site crashed badly."
        )
        self.assertEqual(sentiment(text), sentiment("Fine, see you then."))

    def test_it_ignores_an_attribution_that_wraps_onto_two_lines(self) -> None:
        text = (
            "Great, thanks!\nOn Tue, 3 Nov 2026 at 10:00, Maya Okafor\n"
            "<maya@brightside.example> wrote:\nDisaster, everything broke."
        )
        self.assertEqual(own_words(text), "Great, thanks!")

    def test_it_ignores_an_outlook_original_message(self) -> None:
        text = "Ok.\n-----Original Message-----\nFrom: us\nWe failed you badly."
        self.assertEqual(own_words(text), "Ok.")

    def test_it_keeps_ordinary_dashes_and_the_word_on(self) -> None:
        text = "On Monday we go live -- finally.\nPrices - as agreed."
        self.assertEqual(own_words(text), text)

    @given(st.text(max_size=300))
    def test_it_always_answers_within_minus_one_and_one(self, text: str) -> None:
        score = sentiment(text)
        if score is not None:
            self.assertGreaterEqual(score, -1.0)
            self.assertLessEqual(score, 1.0)
