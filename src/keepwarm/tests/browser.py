"""Helpers for the browser tests: seeded data, signing in, and the axe-core check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client as DjangoClient
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize

from keepwarm.accounts.models import Membership, Role, User, Workspace
from keepwarm.accounts.services import api_token_create
from keepwarm.clients import services as clients
from keepwarm.clients.models import Client, Contact, Goal, PersonalFact
from keepwarm.commitments import services as commitments
from keepwarm.commitments.models import Commitment
from keepwarm.interactions import services as interactions
from keepwarm.interactions.models import Interaction

PASSWORD = "correct horse battery staple"
PHONE: ViewportSize = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")

_axe = Axe()


def make_owner(*, email: str = "alice@example.org", name: str = "Alice Archer") -> Membership:
    """Create "Alice's Studio" with its owner, whose password is PASSWORD."""
    workspace = Workspace.objects.create(name="Alice's Studio")
    user = User(email=email, name=name)
    user.set_password(PASSWORD)
    user.save()
    return Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)


@dataclass
class Studio:
    """A workspace with a full client record, as the seeded page checks need it."""

    owner: Membership
    client: Client
    contact: Contact
    fact: PersonalFact
    goal: Goal
    interaction: Interaction
    promise: Commitment


def make_studio() -> Studio:
    """Create alice's workspace with a teammate, three clients and one full client record."""
    owner = make_owner()
    bob = User(email="bob@example.org", name="Bob Baker")
    bob.set_password(PASSWORD)
    bob.save()
    Membership.objects.create(user=bob, workspace=owner.workspace, role=Role.MEMBER)
    alice = owner.user
    client = clients.client_create(
        membership=owner,
        name="Harbour Dental",
        industry="Dental practice",
        website="https://harbour-dental.example",
        notes="Three chairs, open Saturdays.",
        owner=alice,
    )
    clients.client_create(membership=owner, name="Brightside Bakery", status="prospect")
    clients.client_create(membership=owner, name="Northfield Charity", status="paused", owner=bob)
    contact = clients.contact_create(
        membership=owner,
        client=client,
        name="Maria Okafor",
        role="Practice manager",
        email="maria@harbour-dental.example",
        phone="+44 20 7946 0018",
    )
    clients.contact_create(membership=owner, client=client, name="Dev Patel", role="Dentist")
    today = timezone.localdate()
    fact = clients.fact_create(
        membership=owner,
        contact=contact,
        category="family",
        text="Son Tyrone plays in the county final",
        follow_up_on=today + dt.timedelta(days=5),
    )
    clients.date_create(
        membership=owner,
        contact=contact,
        kind="birthday",
        date=today + dt.timedelta(days=3),
        yearly=True,
    )
    goal = clients.goal_create(membership=owner, client=client, text="Fill the Saturday diary")
    now = timezone.now()
    interactions.interaction_log(
        membership=owner,
        client=client,
        contacts=[contact],
        channel="email",
        direction="inbound",
        occurred_at=now - dt.timedelta(hours=30),
        subject="Can we move the launch?",
        body="Maria asks whether the launch can move a week.",
        needs_reply=True,
        is_problem=True,
    )
    interaction = interactions.interaction_log(
        membership=owner,
        client=client,
        contacts=[contact],
        channel="call",
        direction="outbound",
        occurred_at=now - dt.timedelta(days=4),
        subject="Monthly review call",
        body="Bookings up 12% since the new page.",
        is_progress=True,
        is_value_add=True,
    )
    promise = commitments.commitment_create(
        membership=owner,
        client=client,
        what="Send the booking report",
        due_on=today + dt.timedelta(days=2),
        promised_to=contact,
        goal=goal,
    )
    commitments.commitment_create(
        membership=owner, client=client, what="Fix the footer links", due_on=today - dt.timedelta(3)
    )
    kept = commitments.commitment_create(
        membership=owner, client=client, what="Draft the new price list", due_on=today
    )
    commitments.commitment_mark(membership=owner, commitment=kept, status="kept")
    api_token_create(membership=owner, name="Zapier")
    return Studio(owner, client, contact, fact, goal, interaction, promise)


def sign_in(page: Page, base_url: str, user: User) -> None:
    """Give the page's browser context a signed-in session for `user`, skipping the form."""
    django_client = DjangoClient()
    django_client.force_login(user)
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def describe(violations: list[dict[str, Any]]) -> str:
    """Return axe violations as lines that say what to fix and where."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, what: str) -> None:
    """Fail when axe-core finds a serious or critical violation on the page as it stands.

    Folded <details> are opened for the check, so their forms and menus are checked too,
    and folded again afterwards so the test goes on with the page as it was.
    """
    # Check the page at rest: mid-fade (a toast appearing) colours blend and read as
    # low contrast for a moment that no reader sees.
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running')", timeout=5000
    )
    page.evaluate(
        "window.__kwFolded = [...document.querySelectorAll('details:not([open])')];"
        "window.__kwFolded.forEach(d => { d.open = true; })"
    )
    results = _axe.run(page)
    page.evaluate("window.__kwFolded.forEach(d => { d.open = false; })")
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{what} ({page.url}) has accessibility violations:\n{describe(blocking)}"
