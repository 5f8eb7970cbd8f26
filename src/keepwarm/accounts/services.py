"""Writes for accounts and workspaces. Every user write is recorded in the audit log."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import models, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from keepwarm.accounts.access import require_manage, require_owner
from keepwarm.accounts.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    LoginFailure,
    Membership,
    Role,
    User,
    Workspace,
)
from keepwarm.accounts.selectors import is_valid_time_zone
from keepwarm.lib.plain import parse_glossary

logger = logging.getLogger(__name__)


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


def _normalize_email(email: str) -> str:
    return email.strip().lower()


def _check_new_email(email: str, errors: dict[str, Any]) -> None:
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter an email address, such as name@example.com."
        return
    if User.objects.filter(email=email).exists():
        errors["email"] = "An account with this email address already exists. Sign in instead."


def _check_new_password(password: str, user: User, errors: dict[str, Any]) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages


def _check_time_zone(time_zone: str, errors: dict[str, Any]) -> None:
    if not is_valid_time_zone(time_zone):
        errors["time_zone"] = "Choose a time zone from the list, such as Europe/London."


def _check_role(role: str, errors: dict[str, Any]) -> None:
    if role not in Role.values:
        errors["role"] = "Choose owner, manager, member or viewer."


def _create_user(*, email: str, name: str, password: str, time_zone: str = "UTC") -> User:
    user = User(email=email, name=name.strip()[:150], time_zone=time_zone)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def workspace_create_with_owner(
    *,
    name: str,
    email: str,
    password: str,
    owner_name: str = "",
    time_zone: str = "UTC",
    is_demo: bool = False,
) -> Membership:
    """Create a workspace and a new user who owns it (demo logins skip the password rules)."""
    name = name.strip()
    email = _normalize_email(email)
    errors: dict[str, Any] = {}
    if not name:
        errors["name"] = "Give the workspace a name, such as your business's name."
    _check_new_email(email, errors)
    _check_time_zone(time_zone, errors)
    if not is_demo:
        _check_new_password(password, User(email=email, name=owner_name), errors)
    if errors:
        raise ValidationError(errors)
    user = _create_user(email=email, name=owner_name, password=password, time_zone=time_zone)
    workspace = Workspace.objects.create(name=name[:120], time_zone=time_zone, is_demo=is_demo)
    membership = Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)
    audit_record(workspace=workspace, actor=user, action="workspace.create", obj=workspace)
    return membership


@transaction.atomic
def workspace_create_first(
    *, name: str, email: str, password: str, owner_name: str = "", time_zone: str = "UTC"
) -> Membership:
    """Create the first workspace and its owner; refused once anyone has an account."""
    if User.objects.exists():
        raise ValidationError(
            {
                NON_FIELD_ERRORS: "Keepwarm is already set up. Ask an owner to invite you "
                "from the Team page."
            }
        )
    return workspace_create_with_owner(
        name=name, email=email, password=password, owner_name=owner_name, time_zone=time_zone
    )


# Bounds of the defaults new clients take (the client form allows the same).
DEFAULT_TARGET_HOURS = (1, 24 * 30)
DEFAULT_CHECK_IN_DAYS = (1, 365)


@transaction.atomic
def workspace_update(
    *,
    membership: Membership,
    name: str,
    time_zone: str,
    allow_signups: bool,
    default_response_target_hours: int | None = None,
    default_check_in_every_days: int | None = None,
) -> Workspace:
    """Change the workspace's name, time zone, sign-ups, and the targets new clients start with."""
    require_owner(membership)
    workspace = Workspace.objects.select_for_update().get(pk=membership.workspace_id)
    name = name.strip()
    errors: dict[str, Any] = {}
    if not name:
        errors["name"] = "Give the workspace a name, such as your business's name."
    _check_time_zone(time_zone, errors)
    data: dict[str, Any] = {
        "name": name[:120],
        "time_zone": time_zone,
        "allow_signups": allow_signups,
    }
    defaults = (
        ("default_response_target_hours", default_response_target_hours, DEFAULT_TARGET_HOURS,
         "hours"),
        ("default_check_in_every_days", default_check_in_every_days, DEFAULT_CHECK_IN_DAYS,
         "days"),
    )  # fmt: skip
    for field, value, (low, high), unit in defaults:
        if value is None:
            continue
        if not low <= value <= high:
            errors[field] = f"Give a whole number of {unit} from {low} to {high}."
        data[field] = value
    if errors:
        raise ValidationError(errors)
    changes = changed_fields(workspace, data)
    if changes:
        workspace.save(update_fields=list(changes))
        audit_record(
            workspace=workspace,
            actor=membership.user,
            action="workspace.update",
            obj=workspace,
            changes=changes,
        )
    membership.workspace = workspace
    return workspace


GLOSSARY_MAX_TERMS = 1000
GLOSSARY_MAX_TERM_LENGTH = 100


@transaction.atomic
def workspace_glossary_update(*, membership: Membership, glossary: str) -> Workspace:
    """Set the terms the plain-language check never flags (one per line); owners and managers."""
    require_manage(membership)
    terms = parse_glossary(glossary)
    too_long = [t for t in terms if len(t) > GLOSSARY_MAX_TERM_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "glossary": f"Keep each term under {GLOSSARY_MAX_TERM_LENGTH} characters: "
                f"“{too_long[0][:40]}…” is longer."
            }
        )
    if len(terms) > GLOSSARY_MAX_TERMS:
        raise ValidationError(
            {"glossary": f"Keep the glossary to {GLOSSARY_MAX_TERMS:,} terms at most."}
        )
    workspace = Workspace.objects.select_for_update().get(pk=membership.workspace_id)
    changes = changed_fields(workspace, {"plain_language_glossary": "\n".join(terms)})
    if changes:
        workspace.save(update_fields=list(changes))
        audit_record(
            workspace=workspace,
            actor=membership.user,
            action="workspace.update",
            obj=workspace,
            changes=changes,
        )
    membership.workspace = workspace
    return workspace


def _grantable_roles(membership: Membership) -> list[str]:
    if membership.is_owner:
        return list(Role.values)
    if membership.can_manage:
        return [Role.MANAGER, Role.MEMBER, Role.VIEWER]
    return []


def grantable_roles(membership: Membership) -> list[tuple[str, str]]:
    """Return the roles this member may give others, as form choices."""
    allowed = _grantable_roles(membership)
    return [(value, label) for value, label in Role.choices if value in allowed]


def _send_invitation(invitation: Invitation, raw: str) -> None:
    context = {
        "invitation": invitation,
        "workspace": invitation.workspace,
        "inviter": invitation.invited_by,
        "url": f"{settings.SITE_URL}/invite/{raw}/",
        "role": invitation.get_role_display().lower(),
        "days": settings.INVITATION_DAYS,
    }
    inviter = invitation.invited_by.display_name if invitation.invited_by else "Someone"
    send_mail(
        subject=f"{inviter} invited you to {invitation.workspace.name} on Keepwarm",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
        html_message=render_to_string("accounts/email/invitation.html", context),
    )


@transaction.atomic
def invitation_create(*, membership: Membership, email: str, role: str) -> tuple[Invitation, str]:
    """Invite someone by email; return the invitation and its raw token (the link is emailed)."""
    require_manage(membership)
    email = _normalize_email(email)
    errors: dict[str, Any] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter an email address, such as name@example.com."
    _check_role(role, errors)
    if "role" not in errors and role not in _grantable_roles(membership):
        errors["role"] = "Only owners can invite another owner."
    if Membership.objects.filter(workspace_id=membership.workspace_id, user__email=email).exists():
        errors["email"] = f"{email} is already a member of this workspace."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    # Inviting the same address again replaces the earlier link rather than adding a second.
    Invitation.objects.filter(
        workspace_id=membership.workspace_id,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=membership.workspace,
        email=email,
        role=role,
        token_hash=_token_hash(raw),
        invited_by=membership.user,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
    )
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="invitation.create",
        obj=invitation,
        changes={"email": [None, email], "role": [None, role]},
    )
    # Send only once the invitation is saved; a mail outage is logged, not shown as a crash.
    transaction.on_commit(lambda: _send_invitation(invitation, raw), robust=True)
    return invitation, raw


@transaction.atomic
def invitation_revoke(*, membership: Membership, invitation: Invitation) -> Invitation:
    """Revoke a pending invitation so its link stops working."""
    require_manage(membership)
    if invitation.workspace_id != membership.workspace_id:
        raise Http404("Not found")
    if invitation.role == Role.OWNER and not membership.is_owner:
        raise PermissionDenied("Only owners can revoke an invitation to become an owner.")
    if invitation.accepted_at is not None:
        raise ValidationError(
            {NON_FIELD_ERRORS: f"{invitation.email} has already accepted this invitation."}
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="invitation.revoke",
            obj=invitation,
        )
    return invitation


def invitation_for_token(raw_token: str) -> Invitation | None:
    """Return the invitation a raw token belongs to, whatever its state, or None."""
    return (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=_token_hash(raw_token))
        .first()
    )


def invitation_problem(invitation: Invitation | None) -> str:
    """Return why this invitation cannot be accepted, or "" when it can."""
    if invitation is None:
        return "This invitation link is not valid. Check that you copied all of it."
    if invitation.accepted_at is not None:
        return "This invitation has already been used. Sign in, or ask for a new invitation."
    if invitation.revoked_at is not None:
        return "This invitation was withdrawn. Ask the person who invited you for a new one."
    if invitation.expires_at <= timezone.now():
        return "This invitation has expired. Ask the person who invited you for a new one."
    return ""


@transaction.atomic
def invitation_accept(
    *, raw_token: str, user: User | None = None, name: str = "", password: str = ""
) -> Membership:
    """Accept an invitation: a signed-in user joins; otherwise a new account is created."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("workspace")
        .filter(token_hash=_token_hash(raw_token))
        .first()
    )
    if problem := invitation_problem(invitation):
        raise ValidationError({NON_FIELD_ERRORS: problem})
    assert invitation is not None
    workspace = invitation.workspace
    if user is not None and user.is_authenticated:
        if Membership.objects.filter(user=user, workspace=workspace).exists():
            raise ValidationError(
                {NON_FIELD_ERRORS: f"You are already a member of {workspace.name}."}
            )
    else:
        errors: dict[str, Any] = {}
        if User.objects.filter(email=invitation.email).exists():
            errors[NON_FIELD_ERRORS] = (
                f"There is already an account for {invitation.email}. Sign in to accept."
            )
        else:
            _check_new_password(password, User(email=invitation.email, name=name), errors)
        if errors:
            raise ValidationError(errors)
        user = _create_user(
            email=invitation.email, name=name, password=password, time_zone=workspace.time_zone
        )
    membership = Membership.objects.create(user=user, workspace=workspace, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        workspace=workspace,
        actor=user,
        action="invitation.accept",
        obj=invitation,
        changes={"member": [None, user.email], "role": [None, invitation.role]},
    )
    return membership


def _lock_owner_ids(workspace_id: int) -> list[int]:
    # Locking every owner row stops two owners demoting each other at the same moment.
    return list(
        Membership.objects.select_for_update()
        .filter(workspace_id=workspace_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )


def _check_may_manage(membership: Membership, target: Membership) -> None:
    require_manage(membership)
    if target.workspace_id != membership.workspace_id:
        raise Http404("Not found")
    if target.role == Role.OWNER and not membership.is_owner:
        raise PermissionDenied("Only owners can change or remove another owner.")


@transaction.atomic
def membership_change_role(*, membership: Membership, target: Membership, role: str) -> Membership:
    """Give a teammate another role; the workspace always keeps at least one owner."""
    _check_may_manage(membership, target)
    errors: dict[str, Any] = {}
    _check_role(role, errors)
    if errors:
        raise ValidationError(errors)
    if role not in _grantable_roles(membership):
        raise PermissionDenied("Only owners can make someone an owner.")
    owners = _lock_owner_ids(membership.workspace_id)
    target.refresh_from_db(fields=["role"])
    if target.pk in owners and role != Role.OWNER and len(owners) == 1:
        raise ValidationError(
            {"role": "Every workspace needs an owner. Make someone else an owner first."}
        )
    changes = changed_fields(target, {"role": role})
    if changes:
        target.save(update_fields=["role"])
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="membership.change_role",
            obj=target,
            changes=changes,
        )
    return target


@transaction.atomic
def membership_remove(*, membership: Membership, target: Membership) -> None:
    """Remove a teammate from the workspace; their records stay, their API tokens stop."""
    _check_may_manage(membership, target)
    owners = _lock_owner_ids(membership.workspace_id)
    if target.pk in owners and len(owners) == 1:
        raise ValidationError(
            {NON_FIELD_ERRORS: "Every workspace needs an owner. Make someone else an owner first."}
        )
    ApiToken.objects.filter(
        user_id=target.user_id, workspace_id=target.workspace_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action="membership.remove",
        obj=target,
        changes={"member": [target.user.email, None], "role": [target.role, None]},
    )
    target.delete()


@transaction.atomic
def signup_create_user(*, workspace: Workspace, email: str, name: str, password: str) -> Membership:
    """Create an account that joins a workspace open to sign-ups as a member."""
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if not workspace.allow_signups:
        raise PermissionDenied("This workspace does not accept sign-ups.")
    email = _normalize_email(email)
    errors: dict[str, Any] = {}
    _check_new_email(email, errors)
    _check_new_password(password, User(email=email, name=name), errors)
    if errors:
        raise ValidationError(errors)
    user = _create_user(email=email, name=name, password=password, time_zone=workspace.time_zone)
    membership = Membership.objects.create(user=user, workspace=workspace, role=Role.MEMBER)
    audit_record(
        workspace=workspace,
        actor=user,
        action="membership.signup",
        obj=membership,
        changes={"member": [None, email], "role": [None, Role.MEMBER]},
    )
    return membership


@transaction.atomic
def account_update(*, user: User, name: str, time_zone: str) -> User:
    """Change a user's own name and time zone."""
    errors: dict[str, Any] = {}
    _check_time_zone(time_zone, errors)
    if errors:
        raise ValidationError(errors)
    changes = changed_fields(user, {"name": name.strip()[:150], "time_zone": time_zone})
    if changes:
        user.save(update_fields=list(changes))
        audit_record(workspace=None, actor=user, action="account.update", obj=user, changes=changes)
    return user


@transaction.atomic
def account_password_set(*, user: User, password: str, reset: bool = False) -> User:
    """Set a user's password (validated) after a change or an emailed reset."""
    errors: dict[str, Any] = {}
    _check_new_password(password, user, errors)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save(update_fields=["password"])
    if reset:
        # Proving control of the mailbox ends any lockout someone else caused.
        LoginFailure.objects.filter(email=user.email).delete()
    audit_record(
        workspace=None,
        actor=user,
        action="account.password_reset" if reset else "account.password_change",
        obj=user,
    )
    return user


@transaction.atomic
def login_failure_record(*, email: str, ip: str | None) -> None:
    """Remember a failed sign-in, and forget the ones too old to count."""
    now = timezone.now()
    LoginFailure.objects.filter(
        at__lt=now - timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)
    ).delete()
    LoginFailure.objects.create(email=_normalize_email(email)[:254], ip=ip, at=now)


@transaction.atomic
def login_succeeded(*, user: User, ip: str | None) -> None:
    """Clear this account's failed sign-ins from this address after a good one."""
    LoginFailure.objects.filter(email=user.email, ip=ip).delete()
