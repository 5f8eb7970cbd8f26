"""Writes for Today: mark an agenda item done, snooze it until a day, or dismiss it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.accounts.selectors import member_zone
from keepwarm.accounts.services import audit_record
from keepwarm.agenda.models import AgendaAction, AgendaActionKind
from keepwarm.agenda.selectors import find_item
from keepwarm.agenda.types import AgendaItem
from keepwarm.commitments.access import get_commitment_for_member
from keepwarm.commitments.models import CommitmentStatus
from keepwarm.commitments.services import commitment_mark
from keepwarm.interactions.access import get_interaction_for_member
from keepwarm.interactions.services import interaction_mark_replied

# The furthest a snooze may reach.
MAX_SNOOZE_DAYS = 366
REASON_MAX = 300


def _record(
    *,
    membership: Membership,
    item: AgendaItem,
    action: str,
    snooze_until: dt.date | None = None,
    reason: str = "",
) -> AgendaAction:
    row = AgendaAction.objects.create(
        workspace_id=membership.workspace_id,
        key=item.key,
        kind=item.kind,
        client_id=item.client_id,
        action=action,
        cause=item.cause[:100],
        snooze_until=snooze_until,
        reason=reason,
        by=membership.user,
    )
    changes: dict[str, object] = {"key": item.key, "client": item.client_id}
    if snooze_until is not None:
        changes["snooze_until"] = snooze_until.isoformat()
    if reason:
        changes["reason"] = reason
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action=f"agenda.{action}",
        obj=row,
        changes=changes,
    )
    return row


def _member_today(membership: Membership) -> dt.date:
    return timezone.localdate(timezone=member_zone(membership.user, membership.workspace))


@transaction.atomic
def agenda_item_done(*, membership: Membership, key: str) -> AgendaAction:
    """Mark an item done; for a promise that keeps it, for a message that marks it answered.

    A promise done on or before its due day is kept, after it kept late. A check-in marked
    done counts as getting in touch: its clock starts again from now.
    """
    item = find_item(membership=membership, key=key)
    require_write(membership)
    if item.kind == "promise" and item.commitment_id is not None:
        commitment = get_commitment_for_member(membership, item.commitment_id, write=True)
        late = commitment.due_on < _member_today(membership)
        status = CommitmentStatus.LATE if late else CommitmentStatus.KEPT
        commitment_mark(membership=membership, commitment=commitment, status=status)
    elif item.kind == "reply" and item.interaction_id is not None:
        message = get_interaction_for_member(membership, item.interaction_id, write=True)
        interaction_mark_replied(membership=membership, interaction=message)
    return _record(membership=membership, item=item, action=AgendaActionKind.DONE)


@transaction.atomic
def agenda_item_snooze(
    *, membership: Membership, key: str, until: dt.date, reason: str = ""
) -> AgendaAction:
    """Hide an item until a day; it comes back that day (or sooner, if its cause changes)."""
    item = find_item(membership=membership, key=key)
    require_write(membership)
    today = _member_today(membership)
    if until <= today:
        raise ValidationError({"until": "Choose a day after today."})
    if until > today + dt.timedelta(days=MAX_SNOOZE_DAYS):
        raise ValidationError({"until": "Choose a day within a year; dismiss it instead."})
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    return _record(
        membership=membership,
        item=item,
        action=AgendaActionKind.SNOOZE,
        snooze_until=until,
        reason=reason,
    )


@transaction.atomic
def agenda_item_dismiss(*, membership: Membership, key: str, reason: str) -> AgendaAction:
    """Dismiss an item with a reason; it stays away until its cause changes."""
    item = find_item(membership=membership, key=key)
    require_write(membership)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this does not need doing, in a few words."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    return _record(membership=membership, item=item, action=AgendaActionKind.DISMISS, reason=reason)
