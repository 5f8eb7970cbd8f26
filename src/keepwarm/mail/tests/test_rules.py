from __future__ import annotations

from django.test import SimpleTestCase

from keepwarm.mail.parse import ParsedMessage, process_message
from keepwarm.mail.rules import automatic_reason, is_closing_thanks
from keepwarm.mail.testing import make_email


def _message(**kwargs: object) -> ParsedMessage:
    parsed = process_message(make_email(**kwargs))  # type: ignore[arg-type]
    assert isinstance(parsed, ParsedMessage)
    return parsed


class RulesTests(SimpleTestCase):
    def test_it_knows_a_closing_thanks_from_one_that_still_asks(self) -> None:
        closing = [
            "Thanks!",
            "Thank you so much, that's perfect.",
            "Cheers Alice\n\n-- \nLena Ortiz\nHarbor Dental",
            "Great, thanks!\n\nOn Tue, 1 Dec 2026, Alice wrote:\n> Could you check the form?",
            "Much appreciated.",
        ]
        asking = [
            "Thanks, but the form is still broken.",
            "Thanks! When can you start?",
            "Thank you. Could you also update the prices?",
            "Thanks for the report. " + "We read it together in the team meeting today. " * 3,
            "Please call me tomorrow.",
        ]
        for body in closing:
            with self.subTest(body):
                self.assertTrue(is_closing_thanks(body))
        for body in asking:
            with self.subTest(body):
                self.assertFalse(is_closing_thanks(body))

    def test_it_recognises_mail_a_machine_sent(self) -> None:
        cases = {
            "auto-submitted": _message(headers={"Auto-Submitted": "auto-generated"}),
            "mailing list": _message(headers={"List-Id": "Harbor news <news.harbor.example>"}),
            "precedence bulk": _message(headers={"Precedence": "bulk"}),
            "bounce": _message(sender="MAILER-DAEMON@mx.harbor.example"),
            "no-reply sender": _message(sender="no-reply@harbor.example"),
        }
        for reason, message in cases.items():
            with self.subTest(reason):
                self.assertTrue(automatic_reason(message))
        self.assertEqual(automatic_reason(_message(headers={"Auto-Submitted": "no"})), "")
        self.assertEqual(automatic_reason(_message()), "")
