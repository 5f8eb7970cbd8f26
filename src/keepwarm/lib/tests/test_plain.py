from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

import keepwarm
from keepwarm.lib.plain import (
    HARD_WORD_ZIPF,
    LONG_SENTENCE_WORDS,
    MAX_CHECK_CHARS,
    PlainCheck,
    check_text,
    parse_glossary,
    reading_ease,
    word_zipf,
)


def sentences(text: str) -> list[str]:
    return [s.text for s in check_text(text).sentences]


def hard(text: str, **kwargs: object) -> list[str]:
    return [w.word for w in check_text(text, **kwargs).hard_words]  # type: ignore[arg-type]


class ReadingEaseTests(SimpleTestCase):
    def test_it_scores_a_known_text_by_the_flesch_formula(self) -> None:
        # 28 words, 3 sentences, 33 syllables:
        # 206.835 - 1.015 * 28/3 - 84.6 * 33/28 = 97.654...
        text = (
            "We fixed the leak under the kitchen sink on Tuesday. The new pipe should last "
            "for years. Please call us if you see any water on the floor."
        )
        check = check_text(text)
        self.assertEqual(check.reading_ease, 97.7)
        self.assertEqual(check.word_count, 28)
        self.assertEqual(check.sentence_count, 3)
        self.assertEqual(check.avg_sentence_words, 9.3)
        self.assertEqual(check.longest_sentence_words, 11)
        self.assertTrue(check.meets_target)

    def test_it_agrees_with_textstat_on_plain_prose(self) -> None:
        import textstat

        text = (
            "Relationships are important, because it is how you earn the trust of another "
            "individual based on how well you treat someone. When establishing new clients "
            "there are a few things you need to do before you try and sell your product. "
            "He was fired shortly after."
        )
        check = check_text(text)
        self.assertEqual(check.reading_ease, round(textstat.flesch_reading_ease(text), 1))
        self.assertEqual(check.reading_ease, 66.2)

    def test_it_scores_dense_text_low_and_misses_the_target(self) -> None:
        text = (
            "Notwithstanding the aforementioned considerations, the organisation's "
            "infrastructure modernisation initiative necessitates comprehensive "
            "stakeholder consultation."
        )
        check = check_text(text, target=60)
        assert check.reading_ease is not None
        self.assertLess(check.reading_ease, 10)
        self.assertFalse(check.meets_target)

    def test_it_keeps_the_score_between_0_and_100(self) -> None:
        self.assertEqual(check_text("Thanks!").reading_ease, 100.0)
        self.assertEqual(
            check_text("Incomprehensibility characterises institutionalisation.").reading_ease,
            0.0,
        )

    def test_it_has_no_score_for_empty_text(self) -> None:
        for text in ("", "   \n\n", "---", "https://example.com/page"):
            check = check_text(text)
            self.assertIsNone(check.reading_ease, text)
            self.assertTrue(check.meets_target)
            self.assertEqual(check.sentence_count, 0)
            self.assertEqual(check.advice, [])
            self.assertTrue(check.is_empty)

    def test_it_compares_against_the_target(self) -> None:
        text = "The new booking page went live on Monday morning."
        check = check_text(text)
        assert check.reading_ease is not None
        self.assertTrue(check_text(text, target=check.reading_ease).meets_target)
        self.assertFalse(check_text(text, target=check.reading_ease + 0.1).meets_target)
        self.assertEqual(check_text(text, target=65).target, 65.0)

    def test_its_label_never_rounds_a_miss_up_to_the_target(self) -> None:
        check = PlainCheck(59.6, 60.0, False, 1, 10.0, 10, [], [], [], [])
        self.assertEqual(check.reading_ease_label, "59.6")
        self.assertEqual(check.target_label, "60")
        check = PlainCheck(48.4, 60.0, False, 1, 10.0, 10, [], [], [], [])
        self.assertEqual(check.reading_ease_label, "48")


class SentenceSplitterTests(SimpleTestCase):
    def test_it_splits_on_full_stops_questions_and_exclamations(self) -> None:
        self.assertEqual(
            sentences("We came. Did it work? Yes! It did…  Good."),
            ["We came.", "Did it work?", "Yes!", "It did…", "Good."],
        )

    def test_it_keeps_abbreviations_inside_the_sentence(self) -> None:
        self.assertEqual(
            sentences(
                "Dr. Okafor and Mrs. Patel came at 9 a.m. today. Bring a form, e.g. The "
                "blue one, i.e. the long one. J. Smith signed it."
            ),
            [
                "Dr. Okafor and Mrs. Patel came at 9 a.m. today.",
                "Bring a form, e.g. The blue one, i.e. the long one.",
                "J. Smith signed it.",
            ],
        )

    def test_it_keeps_numbers_urls_and_emails_whole(self) -> None:
        text = (
            "It costs £3.50 or 3.5% more. See https://harbour.example/a.b?x=1. "
            "Write to maria.okafor@harbour.example. Version 2.1.0 is live."
        )
        self.assertEqual(
            sentences(text),
            [
                "It costs £3.50 or 3.5% more.",
                "See https://harbour.example/a.b?x=1.",
                "Write to maria.okafor@harbour.example.",
                "Version 2.1.0 is live.",
            ],
        )
        check = check_text(text)
        # Neither links nor addresses count as words, nor are they unusual.
        self.assertEqual(check.sentences[1].words, 1)
        self.assertEqual(check.sentences[2].words, 2)
        self.assertEqual(check.hard_words, [])

    def test_it_counts_bullets_and_headings_as_sentences(self) -> None:
        text = (
            "## This week\n"
            "We did three things:\n"
            "- Fixed the footer links\n"
            "* Moved the booking page\n"
            "  to the new server\n"
            "1. Sent the invoice\n"
            "\n"
            "Thanks,\nAlice"
        )
        self.assertEqual(
            sentences(text),
            [
                "This week",
                "We did three things:",
                "Fixed the footer links",
                "Moved the booking page\n  to the new server",
                "Sent the invoice",
                "Thanks,",
                "Alice",
            ],
        )

    def test_it_joins_a_sentence_wrapped_over_lines(self) -> None:
        self.assertEqual(
            sentences("We will send the report\non Friday. Then we rest."),
            ["We will send the report\non Friday.", "Then we rest."],
        )

    def test_it_skips_code_blocks_rules_and_quote_markers(self) -> None:
        text = "Run this:\n```\nsudo systemctl restart nginx. Done.\n```\n---\n> Quoted line here."
        self.assertEqual(sentences(text), ["Run this:", "Quoted line here."])

    def test_its_offsets_slice_to_the_sentence(self) -> None:
        text = "Hi Maria,\r\n\r\nThe leak is fixed.  The bill follows!\n- One more thing"
        for note in check_text(text).sentences:
            self.assertEqual(text[note.start : note.end], note.text)

    def test_it_flags_sentences_over_the_long_limit(self) -> None:
        long = " ".join(["Word"] * (LONG_SENTENCE_WORDS + 1)) + "."
        just = " ".join(["Word"] * LONG_SENTENCE_WORDS) + "."
        check = check_text(f"{long} {just}")
        self.assertEqual([s.too_long for s in check.sentences], [True, False])
        self.assertEqual(check.longest_sentence_words, LONG_SENTENCE_WORDS + 1)


class HardWordTests(SimpleTestCase):
    def test_its_threshold_sits_between_jargon_and_everyday_words(self) -> None:
        self.assertLess(word_zipf("synergy"), HARD_WORD_ZIPF)
        self.assertLess(word_zipf("idempotent"), HARD_WORD_ZIPF)
        for everyday in ("invoice", "website", "plumbing", "update"):
            self.assertGreaterEqual(word_zipf(everyday), HARD_WORD_ZIPF, everyday)

    def test_it_flags_jargon_but_not_everyday_words(self) -> None:
        text = (
            "Our synergy makes the invoice step idempotent. The website update fixed the plumbing."
        )
        self.assertEqual(hard(text), ["synergy", "idempotent"])
        check = check_text(text)
        self.assertEqual(check.hard_words[0].zipf, 3.22)
        self.assertEqual(check.sentences[0].hard_words, ["synergy", "idempotent"])

    def test_it_reads_inflections_as_their_base_word(self) -> None:
        self.assertEqual(
            hard("The plumbers sent updates, invoiced us and are rebuilding the bookings."), []
        )

    def test_it_counts_each_word_once_with_how_often_it_appears(self) -> None:
        check = check_text("Synergy matters. We love synergy. Synergy!")
        self.assertEqual(len(check.hard_words), 1)
        self.assertEqual(check.hard_words[0].word, "synergy")
        self.assertEqual(check.hard_words[0].count, 3)
        self.assertEqual(check.hard_words[0].suggestion, "working together")

    def test_it_ignores_names_numbers_links_and_markdown(self) -> None:
        text = (
            "**Bold** news: we met Okafor at Mailchimp about the WordPress site. "
            "Call 07700900123, read `idempotent` or [the page](https://x.example/idempotent). "
            "Code C3PO and v2 are ours."
        )
        self.assertEqual(hard(text), [])

    def test_it_flags_a_capitalised_word_only_at_the_start_of_a_sentence(self) -> None:
        self.assertEqual(hard("Idempotent jobs are safe."), ["idempotent"])
        # Capitalised in mid-sentence elsewhere, so a name.
        self.assertEqual(hard("Okafor came. We thanked Okafor."), [])

    def test_it_flags_unusual_acronyms(self) -> None:
        self.assertEqual(hard("The SSL certificate is renewed."), ["SSL"])
        self.assertEqual(hard("The USA and the UK are fine."), [])

    def test_it_checks_each_part_of_a_hyphenated_word(self) -> None:
        self.assertEqual(hard("Book a follow-up and a check-in."), [])
        self.assertEqual(hard("A synergy-driven plan."), ["synergy-driven"])

    def test_it_never_flags_glossary_terms(self) -> None:
        text = "Your sourdough starter needs a root canal, says the hygienist, and SSL."
        self.assertEqual(hard(text), ["sourdough", "hygienist", "SSL"])
        self.assertEqual(hard(text, glossary=["Sourdough", "HYGIENIST", "ssl"]), [])

    def test_its_glossary_covers_plurals_and_phrases(self) -> None:
        self.assertEqual(hard("Two mockups and a wireframe.", glossary=["mockup", "wireframe"]), [])
        text = "We reviewed the idempotent   queue and the idempotent step."
        self.assertEqual(hard(text, glossary=["idempotent queue"]), ["idempotent"])
        check = check_text(text, glossary=["idempotent queue"])
        self.assertEqual(check.hard_words[0].count, 1)

    def test_it_notes_where_each_hard_word_is(self) -> None:
        text = "We value synergy."
        note = check_text(text).sentences[0]
        self.assertEqual([text[a:b] for a, b in note.hard_word_spans], ["synergy"])


class PassiveTests(SimpleTestCase):
    def passive(self, text: str) -> list[str]:
        return check_text(text).passive_hints

    def test_it_hints_at_be_and_a_past_participle(self) -> None:
        self.assertEqual(self.passive("The invoice was sent on Monday."), ["was sent"])
        self.assertEqual(self.passive("The pipes were replaced."), ["were replaced"])
        self.assertEqual(self.passive("The leak has been fixed."), ["has been fixed"])
        self.assertEqual(self.passive("It will be done by Friday."), ["will be done"])
        self.assertEqual(self.passive("The site is being rebuilt."), ["is being rebuilt"])
        self.assertEqual(self.passive("It was quickly written."), ["was quickly written"])
        self.assertEqual(self.passive("They weren't told."), ["weren't told"])

    def test_it_leaves_active_sentences_and_states_alone(self) -> None:
        for text in (
            "We sent the invoice.",
            "We are interested in your idea.",
            "I was tired after the visit.",
            "She is excited about the launch.",
            "The shop is open on Sundays.",
            "We need more time.",
        ):
            self.assertEqual(self.passive(text), [], text)

    def test_it_notes_where_each_phrase_is(self) -> None:
        text = "Sorry, the form was broken."
        note = check_text(text).sentences[0]
        self.assertEqual(note.passive, ["was broken"])
        self.assertEqual([text[a:b] for a, b in note.passive_spans], ["was broken"])


class AdviceTests(SimpleTestCase):
    def test_it_says_which_long_sentence_to_split(self) -> None:
        text = (
            "Because the server was down and the records had not updated in time, the site "
            "could not take any bookings on Tuesday and many of your patients had to phone "
            "the front desk instead of booking online."
        )
        check = check_text(text)
        self.assertIn("Split the 37-word sentence starting 'Because the…' into two.", check.advice)

    def test_it_names_enough_words_to_tell_long_sentences_apart(self) -> None:
        long = " ".join(["and then more"] * 10)
        check = check_text(f"We did this {long}. We did that {long}.")
        self.assertEqual(
            check.advice[:2],
            [
                "Split the 33-word sentence starting 'We did this…' into two.",
                "Split the 33-word sentence starting 'We did that…' into two.",
            ],
        )

    def test_it_suggests_a_swap_or_the_glossary(self) -> None:
        check = check_text("We utilise the footer.")
        self.assertEqual(
            check.advice[:2],
            [
                "Swap 'utilise' for 'use', or add it to the glossary if your clients use it.",
                "Swap 'footer' for a simpler word, or add it to the glossary if your clients "
                "use it.",
            ],
        )

    def test_it_hints_at_passive_voice(self) -> None:
        self.assertEqual(
            check_text("The invoice was sent.").advice,
            ["Say who did it instead of 'was sent' (a hint: it reads like the passive voice)."],
        )

    def test_it_sums_up_past_a_handful(self) -> None:
        words = "synergy idempotent touchpoint ideate remediation wireframe mockup"
        check = check_text(f"Please review {words}. It was done. It was sent. It was paid.")
        self.assertEqual(len(check.hard_words), 7)
        self.assertIn("Look at the 4 more unusual words the same way.", check.advice)
        self.assertEqual(len([a for a in check.advice if a.startswith("Swap")]), 3)
        self.assertEqual(len([a for a in check.advice if a.startswith("Say who")]), 2)
        self.assertEqual(len(check.passive_hints), 3)
        self.assertIn("Look at the 1 more possibly passive phrase the same way.", check.advice)

    def test_it_says_how_to_reach_the_target_when_below_it(self) -> None:
        check = check_text("Our consultants will coordinate implementation activities.", target=60)
        self.assertFalse(check.meets_target)
        self.assertIn("Many words are long: use short, everyday words where you can.", check.advice)

    def test_it_has_nothing_to_say_about_plain_text(self) -> None:
        self.assertEqual(check_text("We fixed the leak. The bill is on its way.").advice, [])


class GlossaryParsingTests(SimpleTestCase):
    def test_it_reads_one_term_per_line_without_blanks_or_repeats(self) -> None:
        self.assertEqual(
            parse_glossary("  Sourdough \n\nroot   canal\nSOURDOUGH\r\nSSL\n"),
            ["Sourdough", "root canal", "SSL"],
        )


class RobustnessTests(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(st.text(), st.lists(st.text(max_size=20), max_size=3))
    def test_it_never_fails_and_its_offsets_slice_to_the_sentences(
        self, text: str, glossary: list[str]
    ) -> None:
        check = check_text(text, glossary=glossary)
        for note in check.sentences:
            self.assertEqual(text[note.start : note.end], note.text)
            for start, end in note.hard_word_spans + note.passive_spans:
                self.assertTrue(note.start <= start < end <= note.end)
        self.assertEqual(check.sentence_count, len(check.sentences))

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(
            st.sampled_from(
                [
                    *"ab .,!?\n-*#>`'\u2019:/@1",
                    "e.g.",
                    "Dr.",
                    "http://x.example/a. ",
                    "was sent",
                    "synergy",
                    "Synergy",
                    "- ",
                    "## ",
                    "```",
                    "a@b.example",
                ]
            ),
            max_size=40,
        ).map("".join)
    )
    def test_it_copes_with_markup_heavy_text(self, text: str) -> None:
        check = check_text(text, glossary=["a b"])
        for note in check.sentences:
            self.assertEqual(text[note.start : note.end], note.text)
            self.assertGreater(note.words, 0)

    def test_it_checks_only_the_first_part_of_a_huge_text(self) -> None:
        check = check_text("word " * (MAX_CHECK_CHARS // 4))
        self.assertTrue(check.truncated)
        self.assertEqual(check.word_count, MAX_CHECK_CHARS // 5)

    def test_it_checks_a_thousand_words_quickly(self) -> None:
        text = (
            "We moved the booking page to the new server on Tuesday, and the synergy of the "
            "two teams helped. The invoice was sent. Dr. Okafor liked it, e.g. the colours. "
        ) * 34
        check_text(text)  # Warm up: loads the word lists once.
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            check = check_text(text)
            timings.append(time.perf_counter() - started)
        self.assertGreaterEqual(check.word_count, 1000)
        self.assertLess(min(timings), 0.05)

    def test_importing_it_loads_no_word_lists(self) -> None:
        code = (
            "import sys; import keepwarm.lib.plain; "
            "print('wordfreq' in sys.modules, 'textstat' in sys.modules)"
        )
        src = str(Path(keepwarm.__file__).resolve().parent.parent)
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": src},
        ).stdout
        self.assertEqual(out.split(), ["False", "False"])


class ReadingEaseOnlyTests(SimpleTestCase):
    def test_it_gives_the_same_reading_ease_as_the_whole_check(self) -> None:
        for text in (
            "We fixed the form. It sends emails again.",
            "Notwithstanding the aforementioned considerations, the implementation "
            "necessitates comprehensive reconfiguration of the infrastructure.",
            "See https://example.com/a.b now. Call 01632 960000, or write to x@y.example!",
            "",
            "one",
        ):
            with self.subTest(text):
                self.assertEqual(reading_ease(text), check_text(text).reading_ease)
