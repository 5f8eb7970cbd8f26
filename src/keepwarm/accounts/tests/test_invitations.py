from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from keepwarm.accounts.models import AuditEvent, Invitation, Membership, Role, User
from keepwarm.accounts.services import _token_hash, invitation_accept, invitation_create
from keepwarm.testing import BaseTestCase

NEW_PASSWORD = "a long and unusual passphrase"


@override_settings(SITE_URL="https://crm.example.com", INVITATION_DAYS=7)
class InvitationServiceTests(BaseTestCase):
    def invite(self, email: str = "dana@example.org", role: str = Role.MEMBER, by=None):
        with self.captureOnCommitCallbacks(execute=True):
            return invitation_create(membership=by or self.alice_m, email=email, role=role)

    def test_it_stores_only_a_hash_and_emails_the_link(self) -> None:
        invitation, raw = self.invite("Dana@Example.org")
        self.assertGreaterEqual(len(raw), 43)  # 32 random bytes, url-safe base64
        self.assertEqual(invitation.email, "dana@example.org")
        self.assertEqual(invitation.token_hash, _token_hash(raw))
        self.assertNotIn(raw, invitation.token_hash)
        self.assertAlmostEqual(
            invitation.expires_at - timezone.now(), timedelta(days=7), delta=timedelta(minutes=1)
        )
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["dana@example.org"])
        self.assertIn("Alice's Studio", message.subject)
        self.assertIn(f"https://crm.example.com/invite/{raw}/", message.body)
        html, mimetype = message.alternatives[0]  # type: ignore[union-attr,misc]
        self.assertEqual(mimetype, "text/html")
        self.assertIn(f"https://crm.example.com/invite/{raw}/", str(html))
        event = AuditEvent.objects.get(action="invitation.create")
        self.assertEqual((event.actor, event.workspace), (self.alice, self.workspace))

    def test_it_replaces_an_earlier_invitation_to_the_same_address(self) -> None:
        first, first_raw = self.invite()
        second, _ = self.invite()
        first.refresh_from_db()
        self.assertIsNotNone(first.revoked_at)
        self.assertIsNone(second.revoked_at)
        with self.assertRaisesMessage(ValidationError, "withdrawn"):
            invitation_accept(raw_token=first_raw, name="Dana", password=NEW_PASSWORD)

    def test_it_refuses_members_and_bad_input(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            self.invite("bob@example.org")
        self.assertIn("email", ctx.exception.error_dict)
        with self.assertRaises(ValidationError) as ctx:
            self.invite("not an email", role="boss")
        self.assertEqual(set(ctx.exception.error_dict), {"email", "role"})
        self.assertEqual(len(mail.outbox), 0)

    def test_it_lets_only_managers_and_owners_invite(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.invite(by=self.bob_m)
        with self.assertRaises(PermissionDenied):
            self.invite(by=self.victor_m)
        Membership.objects.filter(pk=self.bob_m.pk).update(role=Role.MANAGER)
        self.bob_m.refresh_from_db()
        self.invite(by=self.bob_m, role=Role.MANAGER)
        with self.assertRaises(ValidationError) as ctx:
            self.invite("eve@example.org", by=self.bob_m, role=Role.OWNER)
        self.assertIn("role", ctx.exception.error_dict)

    def test_a_new_person_accepts_and_gets_an_account(self) -> None:
        _, raw = self.invite(role=Role.VIEWER)
        membership = invitation_accept(raw_token=raw, name="Dana Diaz", password=NEW_PASSWORD)
        self.assertEqual(membership.workspace, self.workspace)
        self.assertEqual(membership.role, Role.VIEWER)
        self.assertEqual(membership.user.email, "dana@example.org")
        self.assertTrue(membership.user.check_password(NEW_PASSWORD))
        event = AuditEvent.objects.get(action="invitation.accept")
        self.assertEqual(event.actor, membership.user)

    def test_it_works_only_once(self) -> None:
        _, raw = self.invite()
        invitation_accept(raw_token=raw, name="Dana", password=NEW_PASSWORD)
        with self.assertRaisesMessage(ValidationError, "already been used"):
            invitation_accept(raw_token=raw, user=self.charlie)
        self.assertFalse(
            Membership.objects.filter(user=self.charlie, workspace=self.workspace).exists()
        )

    def test_it_expires(self) -> None:
        _, raw = self.invite()
        later = timezone.now() + timedelta(days=7, minutes=1)
        with (
            time_machine.travel(later),
            self.assertRaisesMessage(ValidationError, "expired"),
        ):
            invitation_accept(raw_token=raw, name="Dana", password=NEW_PASSWORD)
        self.assertFalse(User.objects.filter(email="dana@example.org").exists())

    def test_it_refuses_an_unknown_token(self) -> None:
        with self.assertRaisesMessage(ValidationError, "not valid"):
            invitation_accept(raw_token="made-up", name="Dana", password=NEW_PASSWORD)

    def test_it_validates_the_new_password(self) -> None:
        _, raw = self.invite()
        with self.assertRaises(ValidationError) as ctx:
            invitation_accept(raw_token=raw, name="Dana", password="12345678")
        self.assertIn("password", ctx.exception.error_dict)
        self.assertFalse(User.objects.filter(email="dana@example.org").exists())
        self.assertIsNone(Invitation.objects.get().accepted_at)

    def test_a_signed_in_user_joins(self) -> None:
        _, raw = self.invite("charlie@example.net", role=Role.MANAGER)
        membership = invitation_accept(raw_token=raw, user=self.charlie)
        self.assertEqual(membership.user, self.charlie)
        self.assertEqual(membership.role, Role.MANAGER)
        self.assertEqual(self.charlie.memberships.count(), 2)

    def test_a_person_with_an_account_must_sign_in_first(self) -> None:
        _, raw = self.invite("charlie@example.net")
        with self.assertRaisesMessage(ValidationError, "Sign in to accept"):
            invitation_accept(raw_token=raw, name="Mallory", password=NEW_PASSWORD)


class InvitationPageTests(BaseTestCase):
    def invite(self, email: str = "dana@example.org", role: str = Role.MEMBER) -> str:
        with self.captureOnCommitCallbacks(execute=True):
            _, raw = invitation_create(membership=self.alice_m, email=email, role=role)
        return raw

    def test_a_new_person_creates_an_account_and_is_signed_in(self) -> None:
        raw = self.invite()
        url = f"/invite/{raw}/"
        response = self.client.get(url)
        self.assertContains(response, "Join Alice&#x27;s Studio")
        self.assertContains(response, "dana@example.org")
        response = self.client.post(
            url, {"name": "Dana Diaz", "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        user = User.objects.get(email="dana@example.org")
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertEqual(self.client.session["workspace_id"], self.workspace.pk)
        # Used once: the link now explains itself.
        self.client.logout()
        response = self.client.get(url)
        self.assertContains(response, "already been used", status_code=410)

    def test_it_keeps_what_was_typed_on_an_error(self) -> None:
        raw = self.invite()
        response = self.client.post(
            f"/invite/{raw}/", {"name": "Dana Diaz", "password": NEW_PASSWORD, "password2": "other"}
        )
        self.assertContains(response, "The two passwords differ")
        self.assertContains(response, 'value="Dana Diaz"')

    def test_a_signed_in_user_joins_with_one_click(self) -> None:
        raw = self.invite("charlie@example.net")
        self.login(self.charlie)
        response = self.client.get(f"/invite/{raw}/")
        self.assertContains(response, "You are signed in as")
        response = self.client.post(f"/invite/{raw}/")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.session["workspace_id"], self.workspace.pk)
        self.assertTrue(
            Membership.objects.filter(user=self.charlie, workspace=self.workspace).exists()
        )

    def test_an_existing_account_is_asked_to_sign_in(self) -> None:
        raw = self.invite("charlie@example.net")
        response = self.client.get(f"/invite/{raw}/")
        self.assertContains(response, "Sign in to accept")
        response = self.client.post(
            f"/invite/{raw}/", {"name": "x", "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(
            Membership.objects.filter(user=self.charlie, workspace=self.workspace).exists()
        )

    def test_an_unknown_token_is_a_404(self) -> None:
        self.assertEqual(self.client.get("/invite/not-a-real-token/").status_code, 404)

    def test_an_expired_link_says_so(self) -> None:
        raw = self.invite()
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        self.assertContains(self.client.get(f"/invite/{raw}/"), "expired", status_code=410)
