"""Writes for accounts and workspaces. Every user write is recorded in the audit log."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from keepwarm.accounts.models import ApiToken, AuditEvent, Membership, User, Workspace


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


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Create an API token for this member; return it and the raw secret, shown once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, such as the program that uses it."})
    raw = "kw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=membership.user,
        workspace=membership.workspace,
        name=name[:100],
        prefix=raw[:10],
        token_hash=_token_hash(raw),
    )
    audit_record(
        workspace=membership.workspace, actor=membership.user, action="api_token.create", obj=token
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, membership: Membership, token: ApiToken) -> ApiToken:
    """Revoke an API token so it no longer authenticates."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="api_token.revoke",
            obj=token,
        )
    return token


def api_token_authenticate(raw: str) -> Membership | None:
    """Return the membership a raw API token acts as, or None if it is unknown or revoked."""
    if not raw.startswith("kw_"):
        return None
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(token_hash=_token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(user_id=token.user_id, workspace_id=token.workspace_id)
        .first()
    )
    if membership is None:
        return None
    now = timezone.now()
    # Only touch the row once a minute so read-heavy API use does not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return membership
