"""Every client-record page: another workspace's ids are a 404, a viewer's writes a 403."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Model
from django.urls import URLPattern

from keepwarm.clients import services
from keepwarm.clients.models import (
    Client,
    Contact,
    Goal,
    ImportantDate,
    PersonalFact,
    Resource,
)
from keepwarm.clients.urls import urlpatterns
from keepwarm.testing import BaseTestCase

# Each route with the kind of object in its URL, and whether it writes.
ROUTES = {
    "client_list": (None, False),
    "client_create": (None, True),
    "client_detail": ("client", False),
    "client_edit": ("client", True),
    "client_delete": ("client", True),
    "contact_create": ("client", True),
    "goal_create": ("client", True),
    "goal_edit": ("goal", True),
    "goal_delete": ("goal", True),
    "contact_detail": ("contact", False),
    "contact_edit": ("contact", True),
    "contact_delete": ("contact", True),
    "fact_create": ("contact", True),
    "fact_edit": ("fact", True),
    "fact_delete": ("fact", True),
    "date_create": ("contact", True),
    "date_edit": ("date", True),
    "date_delete": ("date", True),
    "resource_list": (None, False),
    "resource_create": (None, True),
    "resource_edit": ("resource", True),
    "resource_delete": ("resource", True),
}


def _without_tokens(content: bytes) -> str:
    # CSRF tokens are masked afresh on every response.
    return re.sub(
        r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", content.decode()
    )


class AccessTests(BaseTestCase):
    objects: dict[str, Model]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        m = cls.alice_m
        client = services.client_create(membership=m, name="Harbor Dental")
        contact = services.contact_create(membership=m, client=client, name="Lena")
        cls.objects = {
            "client": client,
            "contact": contact,
            "fact": services.fact_create(membership=m, contact=contact, category="diet", text="x"),
            "date": services.date_create(
                membership=m, contact=contact, kind="birthday", date=dt.date(1980, 1, 1)
            ),
            "goal": services.goal_create(membership=m, client=client, text="Grow"),
            "resource": services.resource_create(
                membership=m, title="Reviews", url="https://example.com/r", industries="dental"
            ),
        }

    def url(self, name: str, pk: int | None) -> str:
        pattern = next(p for p in urlpatterns if isinstance(p, URLPattern) and p.name == name)
        route = str(pattern.pattern)
        if pk is None:
            return "/" + route
        head, _, tail = route.partition("<")
        return f"/{head}{pk}{tail.partition('>')[2]}"

    def counts(self) -> tuple[int, ...]:
        return tuple(
            m.objects.count()
            for m in (Client, Contact, PersonalFact, ImportantDate, Goal, Resource)
        )

    def test_it_covers_every_route(self) -> None:
        names = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
        self.assertEqual(names, set(ROUTES))

    def test_it_answers_charlie_with_a_404_for_alices_ids(self) -> None:
        self.login(self.charlie)
        before = self.counts()
        for name, (kind, writes) in ROUTES.items():
            if kind is None:
                continue
            obj = self.objects[kind]
            url = self.url(name, obj.pk)
            missing = self.url(name, 999999)
            # Pages that only read refuse a POST with 405 before looking anything up.
            for method in (self.client.get, self.client.post) if writes else (self.client.get,):
                response = method(url)
                self.assertEqual(response.status_code, 404, f"{method.__name__} {url}")
                self.assertEqual(
                    _without_tokens(response.content), _without_tokens(method(missing).content)
                )
            htmx = self.client.get(url, headers={"HX-Request": "true"})
            self.assertEqual(htmx.status_code, 404, url)
        self.assertEqual(self.counts(), before)

    def test_it_refuses_every_write_by_a_viewer(self) -> None:
        self.login(self.victor)
        before = self.counts()
        for name, (kind, writes) in ROUTES.items():
            obj = self.objects[kind] if kind else None
            url = self.url(name, obj.pk if obj else None)
            expected = 403 if writes else 405
            self.assertEqual(self.client.post(url, {"name": "x"}).status_code, expected, url)
            if writes:
                self.assertEqual(self.client.get(url).status_code, 403, url)
            else:
                self.assertEqual(self.client.get(url).status_code, 200, url)
        self.assertEqual(self.counts(), before)

    def test_it_sends_signed_out_visitors_to_sign_in(self) -> None:
        for name, (kind, _) in ROUTES.items():
            obj = self.objects[kind] if kind else None
            url = self.url(name, obj.pk if obj else None)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn("/login/", response["Location"])
