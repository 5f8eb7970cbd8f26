"""The isolation matrix: every page and API operation, for every object kind.

charlie (another workspace) asking for alice's rows gets the very same 404 as for a
missing id; victor (alice's viewer) gets 403 on every write. A route or API operation
that is added without being classified here fails the suite.

Apps classify their own pages in an optional `keepwarm.<app>.tests.isolation` module that
may define any of PARAM_OBJECTS, SECRET_ROUTES, PUBLIC_ROUTES, VIEWER_MAY_POST, READ_ROUTES,
WORKSPACE_WRITES, API_BODIES, API_READ_POSTS, and `make_objects(test_class, objects)` that
creates the rows its parameters name in alice's workspace and returns them by kind.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from keepwarm.accounts.models import ApiToken, Invitation, Membership, Role
from keepwarm.api import api
from keepwarm.clients.models import Client, Contact, Goal, ImportantDate, PersonalFact
from keepwarm.commitments.models import Commitment
from keepwarm.interactions.models import Interaction
from keepwarm.testing import BaseTestCase

MISSING_ID = 987654321

# Which object a path parameter names, by its name (pages and API alike).
PARAM_OBJECTS = {
    "client_id": "client",
    "contact_id": "contact",
    "fact_id": "fact",
    "date_id": "day",
    "goal_id": "goal",
    "interaction_id": "interaction",
    "commitment_id": "commitment",
    "membership_id": "membership",
    "invitation_id": "invitation",
    "token_id": "token",
}

# Pages whose parameters are secrets rather than ids; each has its own tests.
SECRET_ROUTES = {"invitation_accept", "password_reset_confirm"}

# Pages without ids that anyone may open or post (sign-in, sign-up, first run ...).
PUBLIC_ROUTES = {
    "login",
    "logout",
    "first_run",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "home",
    "healthz",
    "no_workspace",
}

# Pages a read-only member may post to: they change only the member's own account or session.
VIEWER_MAY_POST = {
    "workspace_switch",
    "account_settings",
    "password_change",
    "api_tokens",
    "api_token_revoke",
}

# Pages that only read, even when posted to; every other page with an id is a write.
READ_ROUTES = {
    "client_list",
    "client_detail",
    "contact_detail",
    "interaction_list",
    "team",
    "audit_log",
    "insights",
}

# Pages without ids that write to the workspace: viewers get 403 here too.
WORKSPACE_WRITES = {"client_create", "team_invite", "workspace_settings", "trust_settings"}

NON_NAMESPACED_SKIP = {"api"}

# Valid bodies for the API actions that require one, so the lookup itself is what answers.
API_BODIES: dict[str, dict[str, Any]] = {
    "mark": {"status": "kept"},
    "renegotiate": {"due_on": "2031-01-01"},
}

# API operations (by path) that a viewer may POST to because they only read.
API_READ_POSTS: set[str] = set()

OBJECT_MAKERS: list[Callable[[Any, dict[str, Any]], dict[str, Any]]] = []


def _load_app_classifications() -> None:
    """Merge each app's own `tests/isolation.py` classification into the matrix."""
    for app in settings.INSTALLED_APPS:
        if not app.startswith("keepwarm."):
            continue
        try:
            module = importlib.import_module(f"{app}.tests.isolation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.tests.isolation":
                raise
            continue
        PARAM_OBJECTS.update(getattr(module, "PARAM_OBJECTS", {}))
        API_BODIES.update(getattr(module, "API_BODIES", {}))
        for target, name in (
            (SECRET_ROUTES, "SECRET_ROUTES"),
            (PUBLIC_ROUTES, "PUBLIC_ROUTES"),
            (VIEWER_MAY_POST, "VIEWER_MAY_POST"),
            (READ_ROUTES, "READ_ROUTES"),
            (WORKSPACE_WRITES, "WORKSPACE_WRITES"),
            (API_READ_POSTS, "API_READ_POSTS"),
        ):
            target.update(getattr(module, name, set()))
        if hasattr(module, "make_objects"):
            OBJECT_MAKERS.append(module.make_objects)


_load_app_classifications()


def _routes() -> list[tuple[str, list[str]]]:
    """Return (url name, path parameter names) for every named page outside the API."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns: list[Any], prefix_params: list[str]) -> None:
        for p in patterns:
            params = prefix_params + list(p.pattern.converters)
            if isinstance(p, URLResolver):
                if p.namespace in NON_NAMESPACED_SKIP:
                    continue
                walk(p.url_patterns, params)
            elif isinstance(p, URLPattern):
                if p.name is None:
                    raise AssertionError(f"Unnamed URL pattern {p.pattern}: name it.")
                found.append((p.name, params))

    walk(get_resolver().url_patterns, [])
    return found


def _normalise(content: bytes) -> str:
    """Strip the per-request CSRF token so two 404 pages can be compared."""
    text = content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)


class IsolationTests(BaseTestCase):
    objects: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ws = cls.workspace
        client = Client.objects.create(workspace=ws, name="Harbor Dental", owner=cls.alice)
        contact = Contact.objects.create(
            workspace=ws, client=client, name="Lena Ortiz", email="lena@harbor.example"
        )
        interaction = Interaction.objects.create(
            workspace=ws,
            client=client,
            channel="email",
            direction="inbound",
            subject="Invoice",
            needs_reply=True,
        )
        cls.objects = {
            "client": client,
            "contact": contact,
            "fact": PersonalFact.objects.create(
                workspace=ws, contact=contact, category="family", text="Son plays hurling"
            ),
            "day": ImportantDate.objects.create(
                workspace=ws, contact=contact, kind="birthday", date=dt.date(1985, 3, 4)
            ),
            "goal": Goal.objects.create(workspace=ws, client=client, text="More bookings"),
            "interaction": interaction,
            "commitment": Commitment.objects.create(
                workspace=ws, client=client, what="Send quote", due_on=dt.date(2026, 1, 5)
            ),
            "membership": cls.bob_m,
            "invitation": Invitation.objects.create(
                workspace=ws,
                email="new@example.org",
                role=Role.MEMBER,
                token_hash="0" * 64,
                invited_by=cls.alice,
                expires_at=timezone.now() + dt.timedelta(days=3),
            ),
            "token": ApiToken.objects.create(
                user=cls.alice, workspace=ws, name="zapier", prefix="kw_abc", token_hash="1" * 64
            ),
        }
        for make in OBJECT_MAKERS:
            cls.objects.update(make(cls, dict(cls.objects)))

    def _kwargs(self, params: list[str], *, missing: bool = False) -> dict[str, int]:
        return {
            name: MISSING_ID if missing else self.objects[PARAM_OBJECTS[name]].pk for name in params
        }

    def test_it_classifies_every_page(self) -> None:
        for name, params in _routes():
            if name in SECRET_ROUTES:
                continue
            unknown = [p for p in params if p not in PARAM_OBJECTS]
            self.assertEqual(unknown, [], f"{name}: add its parameters to the isolation matrix")
            if not params:
                known = PUBLIC_ROUTES | VIEWER_MAY_POST | READ_ROUTES | WORKSPACE_WRITES
                self.assertIn(name, known, f"{name}: classify this page in the isolation matrix")

    def test_it_answers_charlie_with_the_same_404_as_a_missing_id(self) -> None:
        self.login(self.charlie)
        checked = 0
        for name, params in _routes():
            if name in SECRET_ROUTES or not params:
                continue
            statuses = set()
            for method in ("get", "post"):
                call = getattr(self.client, method)
                foreign = call(reverse(name, kwargs=self._kwargs(params)))
                missing = call(reverse(name, kwargs=self._kwargs(params, missing=True)))
                label = f"{method.upper()} {name}"
                # A method the page does not take is refused (405) before any lookup.
                self.assertIn(foreign.status_code, (404, 405), label)
                self.assertEqual(foreign.status_code, missing.status_code, label)
                self.assertEqual(_normalise(foreign.content), _normalise(missing.content), label)
                statuses.add(foreign.status_code)
            self.assertIn(404, statuses, name)
            checked += 1
        self.assertGreater(checked, 20)

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        self.login(self.victor)
        checked = 0
        for name, params in _routes():
            if name in SECRET_ROUTES | PUBLIC_ROUTES | VIEWER_MAY_POST | READ_ROUTES:
                continue
            response = self.client.post(reverse(name, kwargs=self._kwargs(params)))
            self.assertEqual(response.status_code, 403, f"POST {name} as a viewer")
            checked += 1
        self.assertGreater(checked, 20)
        # Nothing was changed on the way.
        self.assertEqual(Client.objects.filter(workspace=self.workspace).count(), 1)
        self.assertTrue(Membership.objects.filter(pk=self.bob_m.pk, role=Role.MEMBER).exists())


def _api_operations() -> list[tuple[str, str, list[str]]]:
    """Return (method, path, path parameters) for every API operation."""
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            ops.append((method, path, params))
    return ops


class ApiIsolationTests(IsolationTests):
    def _url(self, path: str, params: list[str], *, missing: bool = False) -> str:
        url = path
        for name, value in self._kwargs(params, missing=missing).items():
            url = url.replace("{" + name + "}", str(value))
        return url

    def _call(self, method: str, url: str, headers: dict[str, Any]) -> Any:
        call = getattr(self.client, method)
        if method in ("post", "patch", "put"):
            action = url.rstrip("/").rsplit("/", 1)[-1]
            body = json.dumps(API_BODIES.get(action, {}))
            return call(url, data=body, content_type="application/json", headers=headers)
        return call(url, headers=headers)

    def test_it_classifies_every_page(self) -> None:
        for _method, path, params in _api_operations():
            unknown = [p for p in params if p not in PARAM_OBJECTS]
            self.assertEqual(unknown, [], f"{path}: add its parameters to the isolation matrix")

    def test_it_answers_charlie_with_the_same_404_as_a_missing_id(self) -> None:
        headers = self.api_headers(self.charlie)
        checked = 0
        for method, path, params in _api_operations():
            if not params:
                continue
            foreign = self._call(method, self._url(path, params), headers)
            missing = self._call(method, self._url(path, params, missing=True), headers)
            label = f"{method.upper()} {path}"
            self.assertEqual(foreign.status_code, 404, label)
            self.assertEqual(missing.status_code, 404, label)
            self.assertEqual(foreign.content, missing.content, label)
            checked += 1
        self.assertGreater(checked, 15)

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        headers = self.api_headers(self.victor)
        checked = 0
        for method, path, params in _api_operations():
            if method == "get" or path in API_READ_POSTS:
                continue
            response = self._call(method, self._url(path, params), headers)
            self.assertEqual(response.status_code, 403, f"{method.upper()} {path} as a viewer")
            checked += 1
        self.assertGreater(checked, 15)
