"""Writes for the trust engine: settings, felt closeness and the daily snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from keepwarm.accounts.access import require_manage, require_write
from keepwarm.accounts.models import AuditEvent, Membership, Workspace
from keepwarm.accounts.records import check_fields, check_same_workspace
from keepwarm.accounts.services import audit_record, changed_fields
from keepwarm.clients.models import Client
from keepwarm.commitments.models import Commitment
from keepwarm.feedback.models import FeedbackResponse
from keepwarm.interactions.models import Interaction
from keepwarm.recovery.models import RecoveryCase
from keepwarm.reports.models import ReportSettings, StatusReport
from keepwarm.trust.models import Band, FeltCloseness, TrustSettings, TrustSnapshot
from keepwarm.trust.scoring import COMPONENT_LABELS, THRESHOLD_FIELDS, WEIGHT_FIELDS, compute_scores

TRUST_SETTINGS_FIELDS = (*WEIGHT_FIELDS.values(), *THRESHOLD_FIELDS)
SNAPSHOT_UPDATE_FIELDS = ["total", "band", "components", "computed_at"]
# Deleting one of these leaves no row behind to compare with a snapshot's time.
DELETE_ACTIONS = ("interaction.delete", "commitment.delete")
THRESHOLD_LABELS = {
    "cool_from": "Cool",
    "warming_from": "Warming",
    "warm_from": "Warm",
    "close_from": "Close",
}


def workspace_zone(workspace: Workspace) -> dt.tzinfo:
    """Return the workspace's time zone (UTC when it names none we know)."""
    try:
        return ZoneInfo(workspace.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def workspace_today(workspace: Workspace) -> dt.date:
    """Return today's date where the workspace is."""
    return timezone.localdate(timezone=workspace_zone(workspace))


def trust_settings_for(workspace: Workspace) -> TrustSettings:
    """Return the workspace's trust settings, creating the defaults on first use."""
    found, _ = TrustSettings.objects.get_or_create(workspace=workspace)
    return found


def _check_settings(settings: TrustSettings) -> None:
    errors: dict[str, str] = {}
    for key, name in WEIGHT_FIELDS.items():
        value = getattr(settings, name)
        if not isinstance(value, int) or not 0 <= value <= 100:
            errors[name] = f"Give {COMPONENT_LABELS[key].lower()} a weight from 0 to 100."
    if not errors and not any(getattr(settings, name) for name in WEIGHT_FIELDS.values()):
        errors[WEIGHT_FIELDS["responsiveness"]] = (
            "Give at least one part of the score a weight above 0."
        )
    below: tuple[str, int] | None = None
    for name in THRESHOLD_FIELDS:
        value = getattr(settings, name)
        label = THRESHOLD_LABELS[name]
        if not isinstance(value, int) or not 1 <= value <= 99:
            errors[name] = f"Give where {label} starts as a number from 1 to 99."
            break
        if below is not None and value <= below[1]:
            errors[name] = f"{label} must start above where {below[0]} starts ({below[1]})."
            break
        below = (label, value)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def trust_settings_update(*, membership: Membership, **fields: Any) -> TrustSettings:
    """Change the workspace's weights or band thresholds, and recompute today's scores."""
    require_manage(membership)
    check_fields(fields, TRUST_SETTINGS_FIELDS)
    settings = trust_settings_for(membership.workspace)
    settings = TrustSettings.objects.select_for_update().get(pk=settings.pk)
    changes = changed_fields(settings, fields)
    if not changes:
        return settings
    _check_settings(settings)
    settings.save(update_fields=[*changes, "updated_at"])
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="trust_settings.update",
        obj=settings,
        changes=changes,
    )
    snapshots_store(workspace=membership.workspace, day=workspace_today(membership.workspace))
    return settings


@transaction.atomic
def felt_closeness_set(
    *, membership: Membership, client: Client, band: str, note: str = ""
) -> FeltCloseness | None:
    """Record how close the relationship feels (band "" clears it); return the record."""
    from keepwarm.trust.selectors import may_set_felt_closeness

    require_write(membership)
    check_same_workspace(membership.workspace, client=client)
    if not may_set_felt_closeness(membership, client):
        raise PermissionDenied("Only the client's owner, a manager or an owner can record this.")
    note = note.strip()
    existing = FeltCloseness.objects.filter(client=client).first()
    if band == "":
        if existing is not None:
            audit_record(
                workspace=membership.workspace,
                actor=membership.user,
                action="felt_closeness.clear",
                obj=client,
                changes={"band": [existing.band, ""]},
            )
            existing.delete()
        return None
    if band not in Band.values:
        raise ValidationError({"band": "Choose one of Cold, Cool, Warming, Warm or Close."})
    if len(note) > 300:
        raise ValidationError({"note": "Keep the note to 300 characters or fewer."})
    felt = existing or FeltCloseness(workspace=membership.workspace, client=client)
    before = {"band": felt.band, "note": felt.note} if existing else {"band": "", "note": ""}
    changes = {
        name: [before[name], value]
        for name, value in (("band", band), ("note", note))
        if before[name] != value
    }
    if not changes:
        return felt
    felt.band, felt.note = band, note
    felt.recorded_by = membership.user
    felt.recorded_at = timezone.now()
    if existing is None:
        felt.save()
    else:
        felt.save(update_fields=["band", "note", "recorded_by", "recorded_at"])
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="felt_closeness.set",
        obj=client,
        changes=changes,
    )
    return felt


def _moment(workspace: Workspace, day: dt.date) -> dt.datetime:
    """Return the end of `day` in the workspace's time zone, or now if that is later."""
    next_midnight = dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(), tzinfo=workspace_zone(workspace)
    )
    return min(next_midnight - dt.timedelta(microseconds=1), timezone.now())


def snapshots_store(
    *, workspace: Workspace, day: dt.date, client_ids: Iterable[int] | None = None
) -> int:
    """Store each client's score as of the end of `day` (or now, for today); return how many."""
    if day > workspace_today(workspace):
        raise ValueError(f"{day} has not happened yet in {workspace.name}.")
    # Snapshots keep only the numbers: no need for words, advice or evidence.
    scores = compute_scores(
        workspace, at=_moment(workspace, day), client_ids=client_ids, explain=False
    )
    now = timezone.now()
    rows = [
        TrustSnapshot(
            workspace=workspace,
            client_id=pk,
            day=day,
            total=score.total,
            band=score.band or "",
            components={c.key: {"score": c.score, "weight": c.weight} for c in score.components},
            computed_at=now,
        )
        for pk, score in scores.items()
    ]
    TrustSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["client", "day"],
        update_fields=SNAPSHOT_UPDATE_FIELDS,
    )
    return len(rows)


def stale_client_ids(workspace: Workspace, day: dt.date) -> list[int]:
    """Return clients whose snapshot of `day` is missing or older than a change to their data."""
    snapshot = TrustSnapshot.objects.filter(client=OuterRef("pk"), day=day)
    computed = OuterRef("computed")
    deleted_at = (
        AuditEvent.objects.filter(
            workspace=workspace,
            action__in=DELETE_ACTIONS,
            at__gte=dt.datetime.combine(day, dt.time(), tzinfo=workspace_zone(workspace)),
        )
        .order_by("-at")
        .values("at")[:1]
    )
    settings_at = TrustSettings.objects.filter(workspace=workspace).values("updated_at")[:1]
    report_settings_at = ReportSettings.objects.filter(workspace=workspace).values("updated_at")[:1]
    changed = (
        Q(computed__isnull=True)
        | Q(updated_at__gt=F("computed"))
        | Q(computed__lt=Subquery(deleted_at))
        | Q(computed__lt=Subquery(settings_at))
        | Exists(Interaction.objects.filter(client=OuterRef("pk"), updated_at__gt=computed))
        | Exists(Commitment.objects.filter(client=OuterRef("pk"), updated_at__gt=computed))
        # Update consistency, feedback and open recovery cases read these.
        | Exists(StatusReport.objects.filter(client=OuterRef("pk"), updated_at__gt=computed))
        | Exists(FeedbackResponse.objects.filter(client=OuterRef("pk"), created_at__gt=computed))
        | Exists(RecoveryCase.objects.filter(client=OuterRef("pk"), updated_at__gt=computed))
        | Q(computed__lt=Subquery(report_settings_at))
    )
    return list(
        Client.objects.filter(workspace=workspace, created_at__lte=timezone.now())
        .annotate(computed=Subquery(snapshot.values("computed_at")[:1]))
        .filter(changed)
        .values_list("pk", flat=True)
        .order_by("pk")
    )


def snapshots_refresh_stale(*, workspace: Workspace) -> int:
    """Recompute today's snapshot where it is missing or out of date; return how many."""
    stale = stale_client_ids(workspace, workspace_today(workspace))
    if not stale:
        return 0
    return snapshots_store(workspace=workspace, day=workspace_today(workspace), client_ids=stale)
