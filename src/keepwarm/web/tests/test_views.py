from __future__ import annotations

from django.template.loader import render_to_string
from django.test import TestCase
from django.urls import reverse

from keepwarm.accounts.models import User
from keepwarm.testing import BaseTestCase


class HomeFirstRunTests(TestCase):
    def test_it_sends_a_fresh_install_to_first_run(self) -> None:
        self.assertFalse(User.objects.exists())
        response = self.client.get("/")
        self.assertRedirects(response, reverse("first_run"), fetch_redirect_response=False)


class HomeTests(BaseTestCase):
    def test_it_sends_a_visitor_to_the_login_page(self) -> None:
        response = self.client.get("/")
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)

    def test_it_sends_a_signed_in_member_to_today(self) -> None:
        self.login(self.alice)
        response = self.client.get("/")
        self.assertRedirects(response, reverse("today"), fetch_redirect_response=False)

    def test_it_refuses_writes(self) -> None:
        self.assertEqual(self.client.post("/").status_code, 405)


class HealthzTests(BaseTestCase):
    def test_it_answers_ok_after_one_query(self) -> None:
        with self.assertNumQueries(1):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")
        self.assertEqual(response["Content-Type"], "text/plain")
        self.assertIn("no-cache", response["Cache-Control"])

    def test_it_answers_head_and_refuses_post(self) -> None:
        self.assertEqual(self.client.head("/healthz").status_code, 200)
        self.assertEqual(self.client.post("/healthz").status_code, 405)


class ErrorPageTests(BaseTestCase):
    def test_it_renders_a_plain_404_in_the_frame(self) -> None:
        response = self.client.get("/no/such/page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "<title>Page not found · Keepwarm</title>", status_code=404)
        self.assertContains(response, 'class="skip-link"', status_code=404)
        self.assertContains(response, f'href="{reverse("home")}"', status_code=404)

    def test_it_renders_the_404_with_the_top_bar_for_a_member(self) -> None:
        self.login(self.alice)
        response = self.client.get("/no/such/page/")
        self.assertContains(response, 'aria-label="Main"', status_code=404)
        self.assertContains(response, "Alice&#x27;s Studio", status_code=404)

    def test_it_renders_the_500_page_without_a_request(self) -> None:
        html = render_to_string("500.html")
        self.assertIn("Sorry, something went wrong on our side", html)
        self.assertIn("keepwarm.css", html)

    def test_it_tells_how_long_to_wait_on_the_429_page(self) -> None:
        html = render_to_string("429.html", {"retry_after_minutes": 15})
        self.assertIn("Too many attempts", html)
        self.assertIn("Wait 15 minutes", html)
        self.assertIn("Wait a few minutes", render_to_string("429.html"))

    def test_it_renders_the_403_pages(self) -> None:
        self.assertIn("You can\u2019t do that here", render_to_string("403.html"))
        self.assertIn("That form has expired", render_to_string("403_csrf.html"))


class StaticFilesTests(BaseTestCase):
    def test_it_serves_the_stylesheet_script_and_icon_without_collectstatic(self) -> None:
        for name in ("keepwarm.css", "keepwarm.js", "favicon.svg"):
            response = self.client.get(f"/static/keepwarm/{name}")
            self.assertEqual(response.status_code, 200, name)
            response.close()
