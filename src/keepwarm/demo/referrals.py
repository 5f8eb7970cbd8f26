"""The demo's word of mouth and resource library (seeds 001, 002).

The referral chain comes from the roster (Castle → Harbor → Fenwick → Ashdown, Harbor →
Brookfield, Crumb → Thistle & Thorn); here each gets the person who made it, the older ones
are thanked, and Marta's four-day-old referral is not, so Today asks Tom to thank her.
Northgate was asked for a referral last month; Harbor, Close with a 10 out of 10, was not.
The library holds resources tagged by the demo clients' industries and goals; one was
shared with Harbor already, so its suggestions and tomorrow's brief skip it.
"""

from __future__ import annotations

import datetime as dt

from keepwarm.accounts.models import User, Workspace
from keepwarm.clients.models import (
    Client,
    Contact,
    Resource,
    ResourceShare,
    ResourceTag,
    TagKind,
)
from keepwarm.demo.routine import Clock
from keepwarm.interactions.models import Channel, Direction, Interaction

STUDIO_DOMAIN = "brightside.example"

# (referred client, contact index at the referrer who made it, thanked days after arriving)
REFERRALS: tuple[tuple[str, int, int | None], ...] = (
    ("harbor", 0, 2),  # Ray Castle told Lena about us
    ("fenwick", 0, 1),  # Lena sent Gregory Hale
    ("ashdown", 0, 3),  # Gregory sent Sunita at Ashdown
    ("brookfield", 0, 2),  # Lena sends her braces patients to Brookfield
    ("thistle", 0, None),  # Marta at Crumb & Co, four days ago: not thanked yet
)

# (title, url, note, industries, topics, added by)
RESOURCES: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "Getting more online bookings: a checklist for practices",
        "https://example.com/guides/online-bookings",
        "Twelve small changes that turn visits into bookings, from the button text to "
        "reminder emails.",
        "dental, orthodontic, physiotherapy",
        "online bookings, bookings",
        "maya",
    ),
    (
        "Patient forms online: what the data rules ask of you",
        "https://example.com/guides/patient-forms",
        "",
        "dental, orthodontic",
        "medical history form, forms",
        "maya",
    ),
    (
        "Click & collect that shops can run on a busy Saturday",
        "https://example.com/guides/click-and-collect",
        "",
        "garden centres, retail, bike shop",
        "click & collect, checkout",
        "tom",
    ),
    (
        "WCAG AA in plain words",
        "https://example.com/guides/wcag-plain",
        "A two-page summary of what accessibility reviewers check first.",
        "law firm, charity",
        "wcag, accessibility",
        "maya",
    ),
    (
        "Taking cake orders with a deposit",
        "",
        "Ask for 25% when the order is placed and the rest on collection; say the cut-off day "
        "for changes on the order form, not in the confirmation email.",
        "bakery, florist",
        "deposit, orders online",
        "tom",
    ),
    (
        "Gift Aid on donation pages",
        "https://example.com/guides/gift-aid",
        "",
        "charity, community theatre",
        "gift aid, donations",
        "tom",
    ),
    (
        "Ask for a review at the till",
        "",
        "A small card by the till with a QR code to your review page doubles reviews in a "
        "month. Print it on the back of the loyalty card.",
        "bakery, tea room, florist, bike shop",
        "reviews",
        "tom",
    ),
)


def create_referrals_and_resources(
    workspace: Workspace,
    clock: Clock,
    clients: dict[str, Client],
    contacts: dict[tuple[str, int], Contact],
    users: dict[str, User],
) -> None:
    """Name who made each referral, thank the older ones, and stock the resource library."""
    changed = []
    for key, index, thanked_after in REFERRALS:
        client = clients[key]
        referrer = client.referred_by
        assert referrer is not None, key
        referrer_key = next(k for k, c in clients.items() if c.pk == referrer.pk)
        client.referred_by_contact = contacts[referrer_key, index]
        if thanked_after is not None:
            client.referral_thanked_at = client.created_at + dt.timedelta(days=thanked_after)
        changed.append(client)
    northgate = clients["northgate"]
    northgate.referral_asked_at = clock.at(clock.day(-30), "11:00")
    changed.append(northgate)
    Client.objects.bulk_update(
        changed, ["referred_by_contact", "referral_thanked_at", "referral_asked_at"]
    )

    resources = []
    for title, url, note, industries, topics, by in RESOURCES:
        resource = Resource.objects.create(
            workspace=workspace,
            title=title,
            url=url,
            note=note,
            added_by=users[by],
            created_at=clock.at(clock.day(-60), "09:00"),
        )
        ResourceTag.objects.bulk_create(
            ResourceTag(workspace=workspace, resource=resource, kind=kind, name=name.strip())
            for kind, names in ((TagKind.INDUSTRY, industries), (TagKind.TOPIC, topics))
            for name in names.split(",")
        )
        resources.append(resource)

    # Maya shared the patient-forms guide with Lena three weeks ago.
    harbor, lena, maya = clients["harbor"], contacts["harbor", 0], users["maya"]
    shared_at = clock.at(clock.day(-21), "14:30")
    message = (
        "Hi Lena,\n\nYou asked about moving the medical history form online. This short guide "
        "covers what the data rules ask of you.\n\nMaya"
    )
    share = Interaction.objects.create(
        workspace=workspace,
        client=harbor,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        occurred_at=shared_at,
        subject=f"Something useful: {resources[1].title}",
        body=message,
        is_value_add=True,
        message_id=f"<{shared_at:%Y%m%d%H%M}.share.harbor@{STUDIO_DOMAIN}>",
        logged_by=maya,
        created_at=shared_at,
    )
    share.contacts.set([lena])
    ResourceShare.objects.create(
        workspace=workspace,
        resource=resources[1],
        client=harbor,
        contact=lena,
        message=message,
        shared_by=maya,
        shared_at=shared_at,
    )
