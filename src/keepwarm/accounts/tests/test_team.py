from __future__ import annotations

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from keepwarm.accounts.models import ApiToken, AuditEvent, Invitation, Membership, Role, User
from keepwarm.accounts.services import (
    api_token_create,
    invitation_create,
    membership_change_role,
    membership_remove,
)
from keepwarm.testing import BaseTestCase


class MembershipServiceTests(BaseTestCase):
    def make_manager(self, membership: Membership) -> Membership:
        Membership.objects.filter(pk=membership.pk).update(role=Role.MANAGER)
        membership.refresh_from_db()
        return membership

    def test_it_changes_a_role_and_audits_it(self) -> None:
        membership_change_role(membership=self.alice_m, target=self.bob_m, role=Role.MANAGER)
        self.bob_m.refresh_from_db()
        self.assertEqual(self.bob_m.role, Role.MANAGER)
        event = AuditEvent.objects.get(action="membership.change_role")
        self.assertEqual(event.actor, self.alice)
        self.assertEqual(event.workspace, self.workspace)
        self.assertEqual(event.object_id, str(self.bob_m.pk))
        self.assertEqual(event.changes, {"role": ["member", "manager"]})

    def test_it_never_leaves_a_workspace_without_an_owner(self) -> None:
        with self.assertRaisesMessage(ValidationError, "needs an owner"):
            membership_change_role(membership=self.alice_m, target=self.alice_m, role=Role.MEMBER)
        with self.assertRaisesMessage(ValidationError, "needs an owner"):
            membership_remove(membership=self.alice_m, target=self.alice_m)
        self.assertEqual(Membership.objects.get(pk=self.alice_m.pk).role, Role.OWNER)

    def test_an_owner_may_step_down_once_there_is_another(self) -> None:
        membership_change_role(membership=self.alice_m, target=self.bob_m, role=Role.OWNER)
        membership_change_role(membership=self.alice_m, target=self.alice_m, role=Role.MEMBER)
        self.assertEqual(
            list(
                Membership.objects.filter(workspace=self.workspace, role=Role.OWNER).values_list(
                    "user__email", flat=True
                )
            ),
            ["bob@example.org"],
        )

    def test_managers_cannot_touch_owners_or_make_owners(self) -> None:
        bob_m = self.make_manager(self.bob_m)
        with self.assertRaises(PermissionDenied):
            membership_change_role(membership=bob_m, target=self.alice_m, role=Role.MEMBER)
        with self.assertRaises(PermissionDenied):
            membership_remove(membership=bob_m, target=self.alice_m)
        with self.assertRaises(PermissionDenied):
            membership_change_role(membership=bob_m, target=self.victor_m, role=Role.OWNER)
        membership_change_role(membership=bob_m, target=self.victor_m, role=Role.MEMBER)
        self.assertEqual(Membership.objects.get(pk=self.victor_m.pk).role, Role.MEMBER)

    def test_members_and_viewers_cannot_manage(self) -> None:
        for actor in (self.bob_m, self.victor_m):
            with self.assertRaises(PermissionDenied):
                membership_change_role(membership=actor, target=self.victor_m, role=Role.MEMBER)
            with self.assertRaises(PermissionDenied):
                membership_remove(membership=actor, target=self.victor_m)
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_removes_a_member_and_stops_their_tokens(self) -> None:
        token, _ = api_token_create(membership=self.bob_m, name="script")
        membership_remove(membership=self.alice_m, target=self.bob_m)
        self.assertFalse(Membership.objects.filter(pk=self.bob_m.pk).exists())
        self.assertTrue(User.objects.filter(pk=self.bob.pk).exists())
        self.assertIsNotNone(ApiToken.objects.get(pk=token.pk).revoked_at)
        event = AuditEvent.objects.get(action="membership.remove")
        self.assertEqual(event.actor, self.alice)
        self.assertEqual(event.changes["member"], ["bob@example.org", None])

    def test_it_refuses_another_workspaces_member(self) -> None:
        from django.http import Http404

        with self.assertRaises(Http404):
            membership_remove(membership=self.alice_m, target=self.charlie_m)


class TeamPageTests(BaseTestCase):
    def test_it_lists_members_with_roles(self) -> None:
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            invitation_create(membership=self.alice_m, email="dana@example.org", role=Role.VIEWER)
        response = self.client.get("/team/")
        for text in (
            "Alice Archer",
            "Bob Baker",
            "Victor Vale",
            "Change role",
            "Send invitation",
            "dana@example.org",
            "Revoke",
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, "Charlie")

    def test_it_is_read_only_for_members_and_viewers(self) -> None:
        for user in (self.bob, self.victor):
            self.login(user)
            response = self.client.get("/team/")
            self.assertContains(response, "Alice Archer")
            self.assertNotContains(response, "Change role")
            self.assertNotContains(response, "Send invitation")
            self.assertContains(response, "Only owners and managers can invite people")

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        for i in range(5):
            user = User.objects.create_user(f"extra{i}@example.org", "x")
            Membership.objects.create(user=user, workspace=self.workspace, role=Role.MEMBER)
        with self.captureOnCommitCallbacks(execute=True):
            for i in range(3):
                invitation_create(
                    membership=self.alice_m, email=f"inv{i}@example.org", role="member"
                )
        self.login(self.alice)
        self.client.get("/team/")
        # session, user, membership, my memberships, members, invitations
        with self.assertNumQueries(6):
            response = self.client.get("/team/")
        self.assertContains(response, "extra4@example.org")
        self.assertContains(response, "inv2@example.org")

    def test_it_invites_someone(self) -> None:
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/team/invite/", {"email": "dana@example.org", "role": Role.MANAGER}
            )
        self.assertRedirects(response, "/team/")
        self.assertEqual(Invitation.objects.get().role, Role.MANAGER)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_shows_invite_errors_beside_the_field(self) -> None:
        self.login(self.alice)
        response = self.client.post("/team/invite/", {"email": "bob@example.org", "role": "member"})
        self.assertContains(response, "already a member", status_code=400)
        self.assertContains(response, 'value="bob@example.org"', status_code=400)

    def test_it_changes_a_role(self) -> None:
        self.login(self.alice)
        response = self.client.post(f"/team/{self.bob_m.pk}/role/", {"role": Role.VIEWER})
        self.assertRedirects(response, "/team/")
        self.assertEqual(Membership.objects.get(pk=self.bob_m.pk).role, Role.VIEWER)

    def test_it_explains_why_the_last_owner_stays(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            f"/team/{self.alice_m.pk}/role/", {"role": Role.MEMBER}, follow=True
        )
        self.assertContains(response, "Every workspace needs an owner")

    def test_it_confirms_then_removes(self) -> None:
        self.login(self.alice)
        response = self.client.get(f"/team/{self.bob_m.pk}/remove/")
        self.assertContains(response, "will lose access")
        self.assertContains(response, "nothing they recorded is deleted")
        response = self.client.post(f"/team/{self.bob_m.pk}/remove/")
        self.assertRedirects(response, "/team/")
        self.assertFalse(Membership.objects.filter(pk=self.bob_m.pk).exists())

    def test_it_revokes_an_invitation(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            invitation, _ = invitation_create(
                membership=self.alice_m, email="dana@example.org", role="member"
            )
        self.login(self.alice)
        response = self.client.post(f"/team/invitations/{invitation.pk}/revoke/")
        self.assertRedirects(response, "/team/")
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.revoked_at)
        self.assertTrue(AuditEvent.objects.filter(action="invitation.revoke").exists())

    def test_viewers_and_members_get_403_on_every_write(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            invitation, _ = invitation_create(
                membership=self.alice_m, email="dana@example.org", role="member"
            )
        for user in (self.victor, self.bob):
            self.login(user)
            posts = [
                ("/team/invite/", {"email": "eve@example.org", "role": "member"}),
                (f"/team/{self.bob_m.pk}/role/", {"role": "viewer"}),
                (f"/team/{self.victor_m.pk}/remove/", {}),
                (f"/team/invitations/{invitation.pk}/revoke/", {}),
            ]
            for url, data in posts:
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.post(url, data).status_code, 403)
            self.assertEqual(self.client.get(f"/team/{self.victor_m.pk}/remove/").status_code, 403)
        self.assertEqual(Membership.objects.filter(workspace=self.workspace).count(), 3)
        self.assertIsNone(Invitation.objects.get().revoked_at)

    def test_charlie_gets_404_for_alices_memberships_and_invitations(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            invitation, _ = invitation_create(
                membership=self.alice_m, email="dana@example.org", role="member"
            )
        self.login(self.charlie)
        for url in (
            f"/team/{self.bob_m.pk}/role/",
            f"/team/{self.bob_m.pk}/remove/",
            f"/team/invitations/{invitation.pk}/revoke/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, {"role": "viewer"}).status_code, 404)
        self.assertEqual(self.client.get(f"/team/{self.bob_m.pk}/remove/").status_code, 404)
        self.assertEqual(Membership.objects.get(pk=self.bob_m.pk).role, Role.MEMBER)
        self.assertIsNone(Invitation.objects.get().revoked_at)

    def test_it_needs_a_signed_in_member(self) -> None:
        response = self.client.get("/team/")
        self.assertRedirects(response, "/login/?next=/team/", fetch_redirect_response=False)
