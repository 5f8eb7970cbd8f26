from __future__ import annotations

import re

from django.conf import settings
from django.core import mail
from django.test import SimpleTestCase, override_settings

from keepwarm.accounts.models import AuditEvent, LoginFailure, User
from keepwarm.testing import PASSWORD, BaseTestCase

NEW_PASSWORD = "a much longer brand new passphrase"


class HasherTests(SimpleTestCase):
    def test_it_puts_argon2_first(self) -> None:
        self.assertEqual(
            settings.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher"
        )


@override_settings(SITE_URL="https://crm.example.com")
class PasswordResetTests(BaseTestCase):
    def test_it_emails_a_link_that_sets_a_new_password(self) -> None:
        LoginFailure.objects.create(email="alice@example.org", ip="10.0.0.1")
        response = self.client.post("/password-reset/", {"email": "Alice@example.org"})
        self.assertRedirects(response, "/password-reset/sent/")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.subject, "Reset your Keepwarm password")
        self.assertEqual(message.to, ["alice@example.org"])
        self.assertEqual(message.alternatives[0].mimetype, "text/html")  # type: ignore[union-attr]
        match = re.search(
            r"https://crm\.example\.com(/password-reset/[^/\s]+/[^/\s]+/)", str(message.body)
        )
        assert match is not None
        link = match.group(1)

        response = self.client.get(link)
        self.assertEqual(response.status_code, 302)
        form_url = response["Location"]
        self.assertContains(self.client.get(form_url), "Choose a new password")
        response = self.client.post(
            form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        self.assertRedirects(response, "/password-reset/done/")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(NEW_PASSWORD))
        self.assertTrue(
            AuditEvent.objects.filter(actor=self.alice, action="account.password_reset").exists()
        )
        self.assertFalse(LoginFailure.objects.filter(email="alice@example.org").exists())
        # The link works once.
        self.assertContains(self.client.get(link), "This link no longer works")

    def test_it_says_the_same_for_an_unknown_address(self) -> None:
        response = self.client.post("/password-reset/", {"email": "nobody@example.org"})
        self.assertRedirects(response, "/password-reset/sent/")
        self.assertEqual(len(mail.outbox), 0)

    def test_it_rejects_a_weak_new_password(self) -> None:
        self.client.post("/password-reset/", {"email": "alice@example.org"})
        link = re.search(r"(/password-reset/[^/\s]+/[^/\s]+/)", str(mail.outbox[0].body))
        assert link is not None
        form_url = self.client.get(link.group(1))["Location"]
        response = self.client.post(
            form_url, {"new_password1": "12345678", "new_password2": "12345678"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(PASSWORD))


class PasswordChangeTests(BaseTestCase):
    def test_it_changes_the_password_and_keeps_the_session(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            "/settings/account/password/",
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        self.assertRedirects(response, "/settings/account/")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password(NEW_PASSWORD))
        self.assertEqual(self.client.get("/settings/account/").status_code, 200)
        self.assertTrue(
            AuditEvent.objects.filter(actor=self.alice, action="account.password_change").exists()
        )

    def test_it_needs_the_current_password(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            "/settings/account/password/",
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertTrue(User.objects.get(pk=self.alice.pk).check_password(PASSWORD))
