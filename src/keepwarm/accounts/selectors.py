"""Reads for accounts: time zones, login throttling, sign-ups, the team and the audit log."""

from __future__ import annotations

import math
import zoneinfo
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from keepwarm.accounts.models import (
    AuditEvent,
    Invitation,
    LoginFailure,
    Membership,
    Role,
    User,
    Workspace,
)

ROLE_ORDER = [Role.OWNER, Role.MANAGER, Role.MEMBER, Role.VIEWER]


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid_time_zone(name: str) -> bool:
    """Return whether `name` is a time zone this machine knows, such as "Europe/Berlin"."""
    return name in _time_zones()


# The canonical regions; leaves out legacy aliases such as "US/Eastern" that only repeat them.
_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Return the time zones to pick from, "UTC" first then alphabetical."""
    names = sorted(name for name in _time_zones() if name.startswith(_REGIONS))
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


def login_throttle_window() -> timedelta:
    """Return how far back failed sign-ins count."""
    return timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)


def _wait_for(times: list[datetime], limit: int, now: datetime) -> float:
    # Attempts are allowed again once enough of the counted failures have aged out.
    if len(times) < limit:
        return 0
    times.sort()
    freed_at = times[len(times) - limit] + login_throttle_window()
    return max((freed_at - now).total_seconds(), 0)


def login_wait_seconds(*, email: str, ip: str | None) -> int:
    """Return how many seconds this email or IP must wait before trying again (0: go ahead)."""
    now = timezone.now()
    recent = LoginFailure.objects.filter(at__gt=now - login_throttle_window())
    by_email = list(recent.filter(email=email.strip().lower()).values_list("at", flat=True))
    wait = _wait_for(by_email, settings.LOGIN_FAILURES_PER_ACCOUNT, now)
    if ip:
        by_ip = list(recent.filter(ip=ip).values_list("at", flat=True))
        wait = max(wait, _wait_for(by_ip, settings.LOGIN_FAILURES_PER_IP, now))
    return math.ceil(wait)


def has_any_user() -> bool:
    """Return whether anyone has an account yet (the first-run page is closed once they do)."""
    return User.objects.exists()


def signup_workspace() -> Workspace | None:
    """Return the workspace new sign-ups join: the oldest one that allows sign-ups."""
    return Workspace.objects.filter(allow_signups=True).order_by("created_at", "pk").first()


def team_members(workspace: Workspace) -> list[Membership]:
    """Return the workspace's members, owners first, then by name."""
    rank = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)),
        output_field=IntegerField(),
    )
    return list(
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .annotate(role_rank=rank)
        .order_by("role_rank", "user__name", "user__email")
    )


def pending_invitations(workspace: Workspace) -> list[Invitation]:
    """Return invitations that can still be accepted, newest first."""
    return list(
        Invitation.objects.filter(
            workspace=workspace,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def audit_events(
    workspace: Workspace, *, actor_id: int | None = None, action: str = ""
) -> QuerySet[AuditEvent]:
    """Return the workspace's audit events, newest first, optionally filtered."""
    events = AuditEvent.objects.filter(workspace=workspace).select_related("actor")
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    return events.order_by("-at", "-pk")


def audit_actions(workspace: Workspace) -> list[str]:
    """Return the distinct actions recorded in this workspace, alphabetically."""
    return list(
        AuditEvent.objects.filter(workspace=workspace)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def member_zone(user: User, workspace: Workspace) -> zoneinfo.ZoneInfo:
    """Return the user's time zone, falling back to the workspace's, then UTC."""
    for name in (user.time_zone, workspace.time_zone):
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
            continue
    return zoneinfo.ZoneInfo("UTC")
