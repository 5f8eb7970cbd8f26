"""Writes of the digest app: a member's calendar link and their daily digest settings."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from keepwarm.accounts.models import Membership
from keepwarm.accounts.selectors import member_zone
from keepwarm.accounts.services import audit_record
from keepwarm.agenda.selectors import agenda_for
from keepwarm.digest.emails import digest_email
from keepwarm.digest.links import unsubscribe_url
from keepwarm.digest.models import CalendarFeed, DigestDay
from keepwarm.messaging.services import message_enqueue

logger = logging.getLogger("keepwarm.digest")

TOKEN_PREFIX = "kwcal_"
ALREADY = "You already have a calendar link. Make a new one to replace it."
# Once a minute at most: calendar apps poll often and a read should not write every time.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def token_hash(raw: str) -> str:
    """Return the stored fingerprint of a calendar token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def digest_time_of(membership: Membership) -> dt.time:
    """Return the member's digest time (a row not yet reloaded may hold the "08:00" string)."""
    value = membership.digest_time
    return dt.time.fromisoformat(value) if isinstance(value, str) else value


def _revoke_active(membership: Membership, now: dt.datetime) -> CalendarFeed | None:
    feed = (
        CalendarFeed.objects.select_for_update()
        .filter(membership=membership, revoked_at__isnull=True)
        .first()
    )
    if feed is not None:
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
    return feed


@transaction.atomic
def calendar_feed_create(*, membership: Membership) -> tuple[CalendarFeed, str]:
    """Give the member a calendar link; return it and its secret token, shown only once."""
    if CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).exists():
        raise ValidationError({"__all__": ALREADY})
    return _create(membership, action="calendar_feed.create")


def _create(membership: Membership, *, action: str) -> tuple[CalendarFeed, str]:
    # 32 random bytes: 256 bits, far past guessing; only the hash is kept.
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            feed = CalendarFeed.objects.create(membership=membership, token_hash=token_hash(raw))
    except IntegrityError:
        # Two clicks at once: the other one made the link (one active link per member).
        raise ValidationError({"__all__": ALREADY}) from None
    audit_record(workspace=membership.workspace, actor=membership.user, action=action, obj=feed)
    return feed, raw


@transaction.atomic
def calendar_feed_rotate(*, membership: Membership) -> tuple[CalendarFeed, str]:
    """Replace the member's calendar link with a new one; the old link stops working."""
    old = _revoke_active(membership, timezone.now())
    if old is None:
        return _create(membership, action="calendar_feed.create")
    return _create(membership, action="calendar_feed.rotate")


@transaction.atomic
def calendar_feed_revoke(*, membership: Membership) -> CalendarFeed | None:
    """Turn off the member's calendar link; return it, or None when there was none."""
    feed = _revoke_active(membership, timezone.now())
    if feed is not None:
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="calendar_feed.revoke",
            obj=feed,
        )
    return feed


def calendar_feed_for_token(raw: str, *, now: dt.datetime | None = None) -> CalendarFeed | None:
    """Return the active feed a raw token opens, with its member, or None; notes the use."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("membership__user", "membership__workspace")
        .filter(
            token_hash=token_hash(raw),
            revoked_at__isnull=True,
            membership__user__is_active=True,
        )
        .first()
    )
    if feed is None:
        return None
    now = now or timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > LAST_USED_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now
    return feed


@transaction.atomic
def digest_settings_update(
    *, membership: Membership, enabled: bool, send_at: dt.time
) -> Membership:
    """Turn the member's daily digest on or off and set the local time it goes out."""
    send_at = send_at.replace(second=0, microsecond=0, tzinfo=None)
    current = digest_time_of(membership)
    changes: dict[str, list[object]] = {}
    if membership.digest_enabled != enabled:
        changes["digest_enabled"] = [membership.digest_enabled, enabled]
    if current != send_at:
        changes["digest_time"] = [f"{current:%H:%M}", f"{send_at:%H:%M}"]
    if changes:
        membership.digest_enabled = enabled
        membership.digest_time = send_at
        membership.save(update_fields=["digest_enabled", "digest_time"])
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="digest.settings",
            obj=membership,
            changes=changes,
        )
    return membership


@transaction.atomic
def digest_unsubscribe(*, membership: Membership) -> bool:
    """Turn the digest off from the link in an email; return whether it was on."""
    updated = Membership.objects.filter(pk=membership.pk, digest_enabled=True).update(
        digest_enabled=False
    )
    membership.digest_enabled = False
    if updated:
        # Whoever holds the email's link did this; it proves no signed-in user.
        audit_record(
            workspace=membership.workspace,
            actor=None,
            action="digest.unsubscribe",
            obj=membership,
            changes={"digest_enabled": [True, False]},
        )
    return bool(updated)


# The daily digest ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestOutcome:
    """What the digest run did (or, in a dry run, would do) for one member."""

    membership: Membership
    day: dt.date
    items: int
    subject: str  # "" when the day was skipped as empty

    @property
    def sent(self) -> bool:
        return bool(self.subject)


def digest_key(membership: Membership, day: dt.date) -> str:
    """Return the outbox key of a member's digest for a local day: one email per key, ever."""
    return f"digest:{membership.pk}:{day.isoformat()}"


def digests_due(*, now: dt.datetime, ignore_time: bool = False) -> list[tuple[Membership, dt.date]]:
    """Return the members whose digest time has passed today (their zone) and who have none yet."""
    candidates = []
    for membership in (
        Membership.objects.filter(digest_enabled=True, user__is_active=True)
        .select_related("user", "workspace")
        .order_by("pk")
    ):
        local = now.astimezone(member_zone(membership.user, membership.workspace))
        if ignore_time or local.time() >= digest_time_of(membership):
            candidates.append((membership, local.date()))
    if not candidates:
        return []
    done = set(
        DigestDay.objects.filter(
            membership_id__in=[m.pk for m, _ in candidates],
            day__gte=min(day for _, day in candidates),
        ).values_list("membership_id", "day")
    )
    return [(m, day) for m, day in candidates if (m.pk, day) not in done]


def digest_send(
    *, membership: Membership, day: dt.date, now: dt.datetime, dry_run: bool = False
) -> DigestOutcome | None:
    """Queue a member's digest for `day`, once; skip an empty day. None if already done."""
    items = agenda_for(membership=membership, now=now, mine=True)
    zone = member_zone(membership.user, membership.workspace)
    email = None
    if items:
        email = digest_email(
            membership=membership,
            items=items,
            day=day,
            zone=str(zone),
            unsubscribe_url=unsubscribe_url(membership),
        )
    outcome = DigestOutcome(membership, day, len(items), email.subject if email else "")
    if dry_run:
        return outcome
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = DigestDay.objects.create(membership=membership, day=day, items=len(items))
        except IntegrityError:
            return None  # another worker claimed this member's day first
        if email is not None:
            record.message = message_enqueue(
                workspace=membership.workspace,
                key=digest_key(membership, day),
                kind="digest",
                to=[membership.user.email],
                subject=email.subject,
                text=email.text,
                html=email.html,
                # One-click unsubscribe in mail apps (RFC 8058); the link takes a plain POST.
                headers={
                    "List-Unsubscribe": f"<{unsubscribe_url(membership)}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            record.save(update_fields=["message"])
    return outcome


def digest_send_due(
    *, now: dt.datetime, ignore_time: bool = False, dry_run: bool = False
) -> list[DigestOutcome]:
    """Queue today's digest for every member whose time has come; empty days send nothing.

    One member's failure does not hold up the others; it is raised at the end, so the job
    run records it and the next run (nothing else being due twice) tries that member again.
    """
    outcomes = []
    failed = []
    for membership, day in digests_due(now=now, ignore_time=ignore_time):
        try:
            outcome = digest_send(membership=membership, day=day, now=now, dry_run=dry_run)
        except Exception:
            logger.exception("The digest of membership %s for %s failed", membership.pk, day)
            failed.append(membership.pk)
            continue
        if outcome is not None:
            outcomes.append(outcome)
    if failed:
        raise DigestError(f"The digest failed for memberships {failed}; see the log.")
    return outcomes


class DigestError(Exception):
    """Some members' digests could not be built; the others were queued."""
