"""The shared test base: named users in two workspaces.

alice (owner), bob (alice's teammate, member) and victor (alice's viewer) work in
"Alice's Studio"; charlie owns "Charlie's Consulting" and must never see alice's data.
"""

from __future__ import annotations

from typing import Any

from django.test import TestCase, override_settings

from keepwarm.accounts.models import Membership, Role, User, Workspace

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD = "correct horse battery staple"


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class BaseTestCase(TestCase):
    alice: User
    bob: User
    victor: User
    charlie: User
    workspace: Workspace
    charlies_workspace: Workspace
    alice_m: Membership
    bob_m: Membership
    victor_m: Membership
    charlie_m: Membership

    @classmethod
    def setUpTestData(cls) -> None:
        cls.workspace = Workspace.objects.create(name="Alice's Studio")
        cls.charlies_workspace = Workspace.objects.create(name="Charlie's Consulting")
        cls.alice = User.objects.create_user("alice@example.org", PASSWORD, name="Alice Archer")
        cls.bob = User.objects.create_user("bob@example.org", PASSWORD, name="Bob Baker")
        cls.victor = User.objects.create_user("victor@example.org", PASSWORD, name="Victor Vale")
        cls.charlie = User.objects.create_user("charlie@example.net", PASSWORD, name="Charlie Chen")
        cls.alice_m = Membership.objects.create(
            user=cls.alice, workspace=cls.workspace, role=Role.OWNER
        )
        cls.bob_m = Membership.objects.create(
            user=cls.bob, workspace=cls.workspace, role=Role.MEMBER
        )
        cls.victor_m = Membership.objects.create(
            user=cls.victor, workspace=cls.workspace, role=Role.VIEWER
        )
        cls.charlie_m = Membership.objects.create(
            user=cls.charlie, workspace=cls.charlies_workspace, role=Role.OWNER
        )

    def login(self, user: User) -> None:
        """Sign `user` in on the test client."""
        self.client.force_login(user)

    def api_headers(self, user: User) -> dict[str, Any]:
        """Return headers carrying a fresh API token for `user` in their first workspace."""
        from keepwarm.accounts.services import api_token_create

        membership = Membership.objects.filter(user=user).order_by("pk").first()
        assert membership is not None
        _, raw = api_token_create(membership=membership, name="test")
        return {"Authorization": f"Bearer {raw}"}
