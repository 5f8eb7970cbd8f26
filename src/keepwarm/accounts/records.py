"""Audited create, update and delete for workspace-scoped rows, shared by the domain services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership, Workspace
from keepwarm.accounts.services import _plain, audit_record, changed_fields


def check_fields(data: dict[str, Any], allowed: Iterable[str]) -> None:
    """Refuse fields a caller may not set (a programming error, not user input)."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")


def check_same_workspace(workspace: Workspace, **related: models.Model | None) -> None:
    """Refuse links to rows of another workspace, as if they did not exist."""
    errors = {}
    for field, obj in related.items():
        if obj is None:
            continue
        ws_id = getattr(obj, "workspace_id", None)
        if ws_id is None and hasattr(obj, "memberships"):
            # A user: must be a member of this workspace.
            if not Membership.objects.filter(user_id=obj.pk, workspace=workspace).exists():
                errors[field] = "Choose someone from this workspace."
        elif ws_id != workspace.pk:
            errors[field] = "Not found."
    if errors:
        raise ValidationError(errors)


def record_create[R: models.Model](
    *, membership: Membership, model: type[R], action: str, data: dict[str, Any]
) -> R:
    """Validate and create a row in the member's workspace, and audit it."""
    require_write(membership)
    obj = model(workspace=membership.workspace, **data)
    obj.full_clean(exclude=["workspace"])
    obj.save()
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action=action,
        obj=obj,
        changes={k: _plain(v) for k, v in data.items()},
    )
    return obj


def record_update[R: models.Model](
    *, membership: Membership, obj: R, action: str, data: dict[str, Any]
) -> R:
    """Validate and save only what changed, and audit the change."""
    require_write(membership)
    changes = changed_fields(obj, data)
    if not changes:
        return obj
    obj.full_clean(exclude=["workspace"])
    fields = list(changes)
    if any(f.name == "updated_at" for f in obj._meta.get_fields()):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action=action,
        obj=obj,
        changes=changes,
    )
    return obj


def record_delete(*, membership: Membership, obj: models.Model, action: str) -> None:
    """Delete a row and audit it."""
    require_write(membership)
    audit_record(workspace=membership.workspace, actor=membership.user, action=action, obj=obj)
    obj.delete()
