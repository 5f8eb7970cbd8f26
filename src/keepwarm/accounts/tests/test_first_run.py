from __future__ import annotations

from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings

from keepwarm.accounts.models import AuditEvent, Membership, Role, User, Workspace
from keepwarm.testing import FAST_HASHERS, BaseTestCase

STRONG = "a long and unusual passphrase"


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class FirstRunTests(TestCase):
    def form(self, **changes: str) -> dict[str, str]:
        data = {
            "name": "Dana's Bakery",
            "owner_name": "Dana Diaz",
            "email": "dana@example.org",
            "password": STRONG,
            "password2": STRONG,
            "time_zone": "Europe/Lisbon",
        }
        return {**data, **changes}

    def test_it_creates_the_first_workspace_and_signs_in(self) -> None:
        self.assertContains(self.client.get("/welcome/"), "Welcome to Keepwarm")
        response = self.client.post("/welcome/", self.form())
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        membership = Membership.objects.get()
        self.assertEqual(membership.role, Role.OWNER)
        self.assertEqual(membership.workspace.name, "Dana's Bakery")
        self.assertEqual(membership.workspace.time_zone, "Europe/Lisbon")
        self.assertEqual(int(self.client.session["_auth_user_id"]), membership.user_id)
        self.assertEqual(self.client.get("/team/").status_code, 200)

    def test_it_keeps_what_was_typed_on_an_error(self) -> None:
        response = self.client.post("/welcome/", self.form(password="123", password2="123"))
        self.assertContains(response, "There is a problem")
        self.assertContains(response, 'value="Dana&#x27;s Bakery"')
        self.assertFalse(User.objects.exists())

    def test_it_closes_once_anyone_has_an_account(self) -> None:
        User.objects.create_user("someone@example.org", "x")
        self.assertRedirects(self.client.get("/welcome/"), "/login/")
        self.assertRedirects(self.client.post("/welcome/", self.form()), "/login/")
        self.assertFalse(Workspace.objects.exists())


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class InitCommandTests(TestCase):
    def run_init(self, *args: str) -> str:
        out = StringIO()
        call_command("init", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_it_creates_the_first_workspace_from_flags(self) -> None:
        out = self.run_init(
            "--workspace",
            "Dana's Bakery",
            "--email",
            "Dana@Example.org",
            "--name",
            "Dana",
            "--password",
            STRONG,
            "--no-input",
        )
        self.assertIn("dana@example.org as its owner", out)
        membership = Membership.objects.get()
        self.assertEqual((membership.role, membership.user.name), (Role.OWNER, "Dana"))
        self.assertTrue(membership.user.check_password(STRONG))
        self.assertTrue(AuditEvent.objects.filter(action="workspace.create").exists())

    def test_it_prompts_and_asks_for_the_password_twice(self) -> None:
        answers = iter(["Dana's Bakery", "dana@example.org", "Dana"])
        passwords = iter(["123", "123", STRONG, "typo", STRONG, STRONG])
        with (
            mock.patch("builtins.input", lambda prompt: next(answers)),
            mock.patch("getpass.getpass", lambda prompt: next(passwords)),
        ):
            self.run_init()
        user = User.objects.get()
        self.assertTrue(user.check_password(STRONG))

    def test_it_needs_every_value_without_input(self) -> None:
        with self.assertRaisesMessage(CommandError, "--email, --password"):
            self.run_init("--workspace", "Bakery", "--no-input")
        self.assertFalse(Workspace.objects.exists())

    def test_it_rejects_a_weak_password_and_saves_nothing(self) -> None:
        with self.assertRaisesMessage(CommandError, "Password:"):
            self.run_init(
                "--workspace",
                "Bakery",
                "--email",
                "dana@example.org",
                "--password",
                "12345678",
                "--no-input",
            )
        self.assertFalse(User.objects.exists())
        self.assertFalse(Workspace.objects.exists())

    def test_it_refuses_a_bad_time_zone(self) -> None:
        with self.assertRaisesMessage(CommandError, "Unknown time zone"):
            self.run_init(
                "--workspace",
                "Bakery",
                "--email",
                "dana@example.org",
                "--password",
                STRONG,
                "--time-zone",
                "Mars/Olympus",
                "--no-input",
            )


class InitCommandWithUsersTests(BaseTestCase):
    def test_it_refuses_once_someone_has_an_account(self) -> None:
        with self.assertRaisesMessage(CommandError, "invite them from the Team page"):
            call_command(
                "init",
                "--workspace",
                "Other",
                "--email",
                "new@example.org",
                "--password",
                STRONG,
                "--no-input",
                stdout=StringIO(),
            )
        self.assertEqual(Workspace.objects.count(), 2)


class SignupTests(BaseTestCase):
    def form(self) -> dict[str, str]:
        return {
            "name": "Dana Diaz",
            "email": "dana@example.org",
            "password": STRONG,
            "password2": STRONG,
        }

    def test_it_is_a_404_while_no_workspace_allows_signups(self) -> None:
        self.assertEqual(self.client.get("/signup/").status_code, 404)
        self.assertEqual(self.client.post("/signup/", self.form()).status_code, 404)
        self.assertFalse(User.objects.filter(email="dana@example.org").exists())

    def test_it_joins_the_open_workspace_as_a_member(self) -> None:
        self.charlies_workspace.allow_signups = True
        self.charlies_workspace.save(update_fields=["allow_signups"])
        self.assertContains(self.client.get("/signup/"), "Charlie&#x27;s Consulting")
        response = self.client.post("/signup/", self.form())
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        membership = Membership.objects.get(user__email="dana@example.org")
        self.assertEqual(
            (membership.workspace, membership.role), (self.charlies_workspace, Role.MEMBER)
        )
        self.assertTrue(
            AuditEvent.objects.filter(
                action="membership.signup", workspace=self.charlies_workspace
            ).exists()
        )

    def test_it_refuses_a_taken_email(self) -> None:
        self.workspace.allow_signups = True
        self.workspace.save(update_fields=["allow_signups"])
        response = self.client.post("/signup/", {**self.form(), "email": "bob@example.org"})
        self.assertContains(response, "already exists")
        self.assertEqual(Membership.objects.filter(user=self.bob).count(), 1)
