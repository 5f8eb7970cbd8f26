from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import override_settings
from django.urls import reverse

from keepwarm.accounts.models import LoginFailure, User
from keepwarm.testing import PASSWORD, BaseTestCase

LOGIN = "/login/"


class LoginTests(BaseTestCase):
    def post_login(self, email: str, password: str, ip: str = "10.0.0.1", **extra: str):
        return self.client.post(
            LOGIN, {"email": email, "password": password, **extra}, REMOTE_ADDR=ip
        )

    def test_it_shows_the_form(self) -> None:
        response = self.client.get(LOGIN)
        self.assertContains(response, "Sign in to Keepwarm")
        self.assertContains(response, reverse("password_reset"))
        self.assertContains(response, "Forgot your password?")
        self.assertNotContains(response, "Create an account")

    def test_it_links_to_signup_only_when_signups_are_open(self) -> None:
        self.workspace.allow_signups = True
        self.workspace.save(update_fields=["allow_signups"])
        response = self.client.get(LOGIN)
        self.assertContains(response, "Create an account")
        self.assertContains(response, reverse("signup"))

    def test_it_signs_in(self) -> None:
        response = self.post_login("alice@example.org", PASSWORD)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.alice.pk)

    def test_it_ignores_email_case(self) -> None:
        response = self.post_login("Alice@Example.ORG", PASSWORD)
        self.assertEqual(response.status_code, 302)

    def test_it_follows_a_local_next_only(self) -> None:
        response = self.post_login("alice@example.org", PASSWORD, next="/team/")
        self.assertRedirects(response, "/team/", fetch_redirect_response=False)
        self.client.logout()
        response = self.post_login("alice@example.org", PASSWORD, next="https://evil.example/")
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)

    def test_it_rotates_the_session_key_at_login(self) -> None:
        session = self.client.session
        session["marker"] = "before"
        session.save()
        before = session.session_key
        assert before is not None
        self.client.cookies["sessionid"] = before
        self.post_login("alice@example.org", PASSWORD)
        after = self.client.session.session_key
        self.assertIsNotNone(before)
        self.assertNotEqual(before, after)

    def test_it_refuses_a_wrong_password(self) -> None:
        response = self.post_login("alice@example.org", "wrong")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "do not match")
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(LoginFailure.objects.filter(email="alice@example.org").count(), 1)

    def test_it_refuses_an_inactive_user(self) -> None:
        User.objects.filter(pk=self.bob.pk).update(is_active=False)
        response = self.post_login("bob@example.org", PASSWORD)
        self.assertContains(response, "do not match")

    def test_it_sends_a_signed_in_visitor_home(self) -> None:
        self.login(self.alice)
        response = self.client.get(LOGIN)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)

    def test_it_redirects_to_first_run_when_there_are_no_users(self) -> None:
        User.objects.all().delete()
        self.assertRedirects(self.client.get(LOGIN), reverse("first_run"))

    def test_it_signs_out_on_post_only(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get("/logout/").status_code, 405)
        response = self.client.post("/logout/")
        self.assertRedirects(response, reverse("login"))
        self.assertNotIn("_auth_user_id", self.client.session)


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3, LOGIN_FAILURES_PER_IP=5, LOGIN_THROTTLE_MINUTES=15)
class LoginThrottleTests(BaseTestCase):
    def post_login(self, email: str, password: str, ip: str = "10.0.0.1"):
        return self.client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=ip)

    def test_it_answers_429_after_too_many_failures_for_an_account(self) -> None:
        for _ in range(3):
            self.assertEqual(self.post_login("alice@example.org", "wrong").status_code, 200)
        # Even the right password is refused, from another address, without being checked.
        response = self.post_login("alice@example.org", PASSWORD, ip="10.0.0.2")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Try again in 15 minutes", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(LoginFailure.objects.count(), 3)
        # Other accounts are not affected.
        self.assertEqual(
            self.post_login("bob@example.org", PASSWORD, ip="10.0.0.2").status_code, 302
        )

    def test_it_answers_429_after_too_many_failures_from_one_address(self) -> None:
        for i in range(5):
            self.post_login(f"nobody{i}@example.org", "wrong", ip="10.9.9.9")
        response = self.post_login("alice@example.org", PASSWORD, ip="10.9.9.9")
        self.assertEqual(response.status_code, 429)
        response = self.post_login("alice@example.org", PASSWORD, ip="10.0.0.3")
        self.assertEqual(response.status_code, 302)

    def test_it_lets_the_user_in_again_once_the_failures_age_out(self) -> None:
        start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False):
            for _ in range(3):
                self.post_login("alice@example.org", "wrong")
        with time_machine.travel(start + timedelta(minutes=10), tick=False):
            response = self.post_login("alice@example.org", PASSWORD)
            self.assertEqual(response.status_code, 429)
            self.assertContains(response, "Try again in 5 minutes", status_code=429)
        with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
            response = self.post_login("alice@example.org", PASSWORD)
            self.assertEqual(response.status_code, 302)

    def test_it_counts_only_failures_inside_the_window(self) -> None:
        start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False):
            self.post_login("alice@example.org", "wrong")
            self.post_login("alice@example.org", "wrong")
        with time_machine.travel(start + timedelta(minutes=20), tick=False):
            self.post_login("alice@example.org", "wrong")
            self.post_login("alice@example.org", "wrong")
            # Two old failures were pruned; two recent ones do not reach the limit of three.
            self.assertEqual(LoginFailure.objects.count(), 2)
            self.assertEqual(self.post_login("alice@example.org", PASSWORD).status_code, 302)

    def test_it_clears_the_accounts_failures_from_that_address_after_a_good_login(self) -> None:
        self.post_login("alice@example.org", "wrong", ip="10.0.0.1")
        self.post_login("alice@example.org", "wrong", ip="10.0.0.2")
        self.post_login("bob@example.org", "wrong", ip="10.0.0.1")
        self.assertEqual(
            self.post_login("alice@example.org", PASSWORD, ip="10.0.0.1").status_code, 302
        )
        remaining = set(LoginFailure.objects.values_list("email", "ip"))
        self.assertEqual(
            remaining, {("alice@example.org", "10.0.0.2"), ("bob@example.org", "10.0.0.1")}
        )

    def test_it_counts_the_account_whatever_the_case_of_the_email(self) -> None:
        for email in ("Alice@example.org", "ALICE@EXAMPLE.ORG", "alice@example.org"):
            self.post_login(email, "wrong")
        self.assertEqual(self.post_login("alice@example.org", PASSWORD).status_code, 429)
