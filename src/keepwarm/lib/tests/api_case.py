"""A test base for the JSON API: one token per named user and JSON helpers."""

from __future__ import annotations

from typing import Any

from django.test.client import Client as HttpClient

from keepwarm.accounts.models import AuditEvent, Membership, User
from keepwarm.accounts.services import api_token_create
from keepwarm.testing import BaseTestCase

NOT_FOUND = {"detail": "Not found"}


class ApiTestCase(BaseTestCase):
    """BaseTestCase with API tokens for alice, bob, victor and charlie."""

    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tokens = {}
        for membership in (cls.alice_m, cls.bob_m, cls.victor_m, cls.charlie_m):
            _, raw = api_token_create(membership=membership, name="tests")
            cls.tokens[membership.user.email] = raw

    def auth(self, user: User | None) -> dict[str, str]:
        """Return the Authorization header of `user`'s token (none for None)."""
        if user is None:
            return {}
        return {"Authorization": f"Bearer {self.tokens[user.email]}"}

    def call(self, method: str, url: str, data: Any = None, *, user: User | None = None) -> Any:
        """Send a JSON request as `user` (alice unless given)."""
        client: HttpClient = self.client
        headers = self.auth(user if user is not None else self.alice)
        send = getattr(client, method)
        if data is None:
            return send(url, headers=headers)
        if method == "get":
            return send(url, data, headers=headers)
        return send(url, data, content_type="application/json", headers=headers)

    def get(self, url: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.call("get", url, params, **kw)

    def post(self, url: str, data: Any = None, **kw: Any) -> Any:
        return self.call("post", url, data, **kw)

    def patch(self, url: str, data: Any = None, **kw: Any) -> Any:
        return self.call("patch", url, data, **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.call("delete", url, **kw)

    def assert_status(self, response: Any, status: int) -> Any:
        """Check the status (showing the body when it differs) and return the JSON body."""
        self.assertEqual(response.status_code, status, response.content.decode()[:2000])
        return response.json() if response.content else None

    def assert_not_found(self, response: Any) -> None:
        self.assertEqual(response.status_code, 404, response.content.decode()[:2000])
        self.assertEqual(response.json(), NOT_FOUND)

    def assert_forbidden(self, response: Any) -> None:
        self.assertEqual(response.status_code, 403, response.content.decode()[:2000])
        self.assertEqual(response.json(), {"detail": "Your role in this workspace is read-only."})

    def assert_hidden_from_charlie(self, method: str, url: str, data: Any = None) -> None:
        """Check charlie gets the plain 404 for alice's row, and nothing is written."""
        before = AuditEvent.objects.count()
        self.assert_not_found(self.call(method, url, data, user=self.charlie))
        self.assertEqual(AuditEvent.objects.count(), before, f"{method} {url} wrote")

    def assert_refused_to_viewer(self, method: str, url: str, data: Any = None) -> None:
        """Check victor (a viewer) gets 403 for a write, and nothing is written."""
        before = AuditEvent.objects.count()
        self.assert_forbidden(self.call(method, url, data, user=self.victor))
        self.assertEqual(AuditEvent.objects.count(), before, f"{method} {url} wrote")

    def assert_field_error(self, response: Any, *loc: str | int) -> None:
        """Check a 422 whose errors include one at `loc`, such as ("body", "name")."""
        body = self.assert_status(response, 422)
        self.assertIn(list(loc), [error["loc"] for error in body["detail"]], body)
        for error in body["detail"]:
            self.assertEqual(set(error), {"loc", "msg", "type"})

    def audit_actions(self, membership: Membership | None = None) -> list[str]:
        """Return the audit log's actions for the workspace, oldest first, without tokens."""
        workspace = (membership or self.alice_m).workspace
        return list(
            AuditEvent.objects.filter(workspace=workspace)
            .exclude(action__startswith="api_token.")
            .order_by("pk")
            .values_list("action", flat=True)
        )

    def assert_list_queries(
        self, url: str, count: int, params: dict[str, Any] | None = None
    ) -> Any:
        """Check a list request makes `count` queries once the token is warm; return its body."""
        self.assert_status(self.get(url, params), 200)
        with self.assertNumQueries(count):
            response = self.get(url, params)
        return self.assert_status(response, 200)
