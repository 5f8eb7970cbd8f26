from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from keepwarm.accounts.models import AuditEvent, Membership, Role, User, Workspace
from keepwarm.accounts.services import workspace_create_with_owner, workspace_update
from keepwarm.testing import BaseTestCase

STRONG = "a long and unusual passphrase"


class WorkspaceServiceTests(BaseTestCase):
    def test_it_creates_a_workspace_with_its_owner(self) -> None:
        membership = workspace_create_with_owner(
            name="  Dana's Bakery ",
            email="Dana@Example.org",
            password=STRONG,
            owner_name="Dana Diaz",
            time_zone="Europe/Berlin",
        )
        self.assertEqual(membership.role, Role.OWNER)
        self.assertEqual(membership.workspace.name, "Dana's Bakery")
        self.assertEqual(membership.workspace.time_zone, "Europe/Berlin")
        self.assertFalse(membership.workspace.allow_signups)
        self.assertEqual(membership.user.email, "dana@example.org")
        self.assertTrue(membership.user.check_password(STRONG))
        event = AuditEvent.objects.get(action="workspace.create")
        self.assertEqual(event.actor, membership.user)

    def test_it_validates_everything_and_saves_nothing_on_error(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            workspace_create_with_owner(
                name=" ", email="alice@example.org", password="123", time_zone="Mars/Olympus"
            )
        self.assertEqual(set(ctx.exception.error_dict), {"name", "email", "password", "time_zone"})
        self.assertEqual(Workspace.objects.count(), 2)

    def test_demo_logins_skip_the_password_rules(self) -> None:
        membership = workspace_create_with_owner(
            name="Demo", email="demo@example.org", password="demo", is_demo=True
        )
        self.assertTrue(membership.workspace.is_demo)

    def test_it_updates_settings_and_audits_the_change(self) -> None:
        workspace_update(
            membership=self.alice_m, name="Alice & Co", time_zone="Europe/Paris", allow_signups=True
        )
        self.workspace.refresh_from_db()
        self.assertEqual(
            (self.workspace.name, self.workspace.time_zone, self.workspace.allow_signups),
            ("Alice & Co", "Europe/Paris", True),
        )
        event = AuditEvent.objects.get(action="workspace.update")
        self.assertEqual(event.changes["allow_signups"], [False, True])

    def test_only_owners_update_settings(self) -> None:
        Membership.objects.filter(pk=self.bob_m.pk).update(role=Role.MANAGER)
        self.bob_m.refresh_from_db()
        with self.assertRaises(PermissionDenied):
            workspace_update(membership=self.bob_m, name="x", time_zone="UTC", allow_signups=True)


class WorkspaceSettingsPageTests(BaseTestCase):
    def test_it_shows_and_saves_settings(self) -> None:
        self.login(self.alice)
        response = self.client.get("/settings/workspace/")
        self.assertContains(response, "time zone is now <strong>UTC</strong>")
        response = self.client.post(
            "/settings/workspace/",
            {
                "name": "Alice & Co",
                "time_zone": "America/New_York",
                "allow_signups": "on",
                "default_response_target_hours": "24",
                "default_check_in_every_days": "14",
            },
        )
        self.assertRedirects(response, "/settings/workspace/")
        self.workspace.refresh_from_db()
        self.assertEqual(self.workspace.time_zone, "America/New_York")
        self.assertTrue(self.workspace.allow_signups)

    def test_it_refuses_an_unknown_time_zone(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            "/settings/workspace/", {"name": "Alice & Co", "time_zone": "Mars/Olympus"}
        )
        self.assertContains(response, "There is a problem")
        self.assertContains(response, 'value="Alice &amp; Co"')
        self.workspace.refresh_from_db()
        self.assertEqual(self.workspace.name, "Alice's Studio")

    def test_it_is_for_owners_only(self) -> None:
        for user in (self.bob, self.victor):
            self.login(user)
            self.assertEqual(self.client.get("/settings/workspace/").status_code, 403)
            response = self.client.post(
                "/settings/workspace/", {"name": "Hacked", "time_zone": "UTC"}
            )
            self.assertEqual(response.status_code, 403)
        self.workspace.refresh_from_db()
        self.assertEqual(self.workspace.name, "Alice's Studio")


class WorkspaceSwitchTests(BaseTestCase):
    def test_it_switches_to_a_workspace_the_user_belongs_to(self) -> None:
        Membership.objects.create(user=self.alice, workspace=self.charlies_workspace, role="member")
        self.login(self.alice)
        response = self.client.post("/workspace/switch/", {"workspace": self.charlies_workspace.pk})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.session["workspace_id"], self.charlies_workspace.pk)
        response = self.client.get("/team/")
        self.assertContains(response, "Charlie Chen")
        self.assertNotContains(response, "Bob Baker")

    def test_charlie_gets_404_switching_to_alices_workspace(self) -> None:
        self.login(self.charlie)
        response = self.client.post("/workspace/switch/", {"workspace": self.workspace.pk})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.client.post("/workspace/switch/", {"workspace": "x"}).status_code, 404
        )
        self.assertEqual(
            self.client.post("/workspace/switch/", {"workspace": 99999}).status_code, 404
        )
        self.assertNotEqual(self.client.session.get("workspace_id"), self.workspace.pk)

    def test_it_is_post_only(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get("/workspace/switch/").status_code, 405)


class NoWorkspaceTests(BaseTestCase):
    def test_it_explains_the_need_for_an_invitation(self) -> None:
        loner = User.objects.create_user("loner@example.org", "x")
        self.login(loner)
        response = self.client.get("/team/")
        self.assertRedirects(response, "/no-workspace/")
        response = self.client.get("/no-workspace/")
        self.assertContains(response, "invite this address")
        self.assertContains(response, "Sign out")

    def test_it_sends_members_home(self) -> None:
        self.login(self.bob)
        self.assertRedirects(self.client.get("/no-workspace/"), "/", fetch_redirect_response=False)


class AccountSettingsTests(BaseTestCase):
    def test_it_saves_name_and_time_zone(self) -> None:
        self.login(self.bob)
        response = self.client.get("/settings/account/")
        self.assertContains(response, "Your time zone is <strong>UTC</strong>")
        response = self.client.post(
            "/settings/account/", {"name": "Robert Baker", "time_zone": "Asia/Tokyo"}
        )
        self.assertRedirects(response, "/settings/account/")
        self.bob.refresh_from_db()
        self.assertEqual((self.bob.name, self.bob.time_zone), ("Robert Baker", "Asia/Tokyo"))
        event = AuditEvent.objects.get(action="account.update")
        self.assertEqual(event.changes["time_zone"], ["UTC", "Asia/Tokyo"])

    def test_it_refuses_an_unknown_time_zone(self) -> None:
        self.login(self.bob)
        response = self.client.post(
            "/settings/account/", {"name": "Robert", "time_zone": "Nowhere/Special"}
        )
        self.assertEqual(response.status_code, 400)
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.time_zone, "UTC")
