"""Writes for accounts and workspaces. Every user write is recorded in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from keepwarm.accounts.models import AuditEvent, User, Workspace


def audit_record(
    *,
    workspace: Workspace | None,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` (a verb such as "client.update") to `obj`."""
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
    )


def changed_fields(instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply `data` to `instance` and return {field: [old, new]} for what really changed."""
    changes: dict[str, list[Any]] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            setattr(instance, field, new)
            changes[field] = [_plain(old), _plain(new)]
    return changes


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
