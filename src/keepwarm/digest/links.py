"""The secret links of the digest app: the calendar feed's address and the unsubscribe link."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from keepwarm.accounts.models import Membership

UNSUBSCRIBE_SALT = "keepwarm.digest.unsubscribe"


def feed_url(raw_token: str) -> str:
    """Return the full address of a calendar feed, to paste into a calendar app."""
    return settings.SITE_URL + reverse("calendar_feed", args=[raw_token])


def unsubscribe_token(membership: Membership) -> str:
    """Return a signed token that turns this member's digest off, with no sign-in needed."""
    # No timestamp: an unsubscribe link in an old email must keep working.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(membership.pk)


def unsubscribe_url(membership: Membership) -> str:
    """Return the full unsubscribe address put in every digest email."""
    return settings.SITE_URL + reverse("digest_unsubscribe", args=[unsubscribe_token(membership)])


def membership_for_unsubscribe(token: str) -> Membership | None:
    """Return the membership a signed unsubscribe token names, or None if it is not genuine."""
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Membership.objects.select_related("user", "workspace").filter(pk=pk).first()
