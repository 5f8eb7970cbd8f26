"""Access helpers for workspaces and their members."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from keepwarm.accounts.models import ApiToken, Invitation, Membership, Role, User


def require_write(membership: Membership) -> None:
    """Refuse (403) when this member may only read."""
    if not membership.can_write:
        raise PermissionDenied("Your role in this workspace is read-only.")


def require_manage(membership: Membership) -> None:
    """Refuse (403) unless this member is an owner or manager."""
    if not membership.can_manage:
        raise PermissionDenied("Only owners and managers can do this.")


def require_owner(membership: Membership) -> None:
    """Refuse (403) unless this member is an owner."""
    if not membership.is_owner:
        raise PermissionDenied("Only owners can do this.")


def get_membership_for_member(membership: Membership, membership_id: object) -> Membership:
    """Return a membership of the same workspace, or 404."""
    try:
        return Membership.objects.select_related("user").get(
            workspace_id=membership.workspace_id, pk=int(str(membership_id))
        )
    except (Membership.DoesNotExist, ValueError):
        raise Http404("Not found") from None


def get_invitation_for_member(membership: Membership, invitation_id: object) -> Invitation:
    """Return an invitation of the same workspace, or 404."""
    try:
        return Invitation.objects.get(
            workspace_id=membership.workspace_id, pk=int(str(invitation_id))
        )
    except (Invitation.DoesNotExist, ValueError):
        raise Http404("Not found") from None


def may_manage_member(membership: Membership, target: Membership) -> bool:
    """Return whether this member may change the role of, or remove, `target`."""
    if not membership.can_manage or target.workspace_id != membership.workspace_id:
        return False
    return membership.is_owner or target.role != Role.OWNER


def get_api_token_for_member(membership: Membership, token_id: object) -> ApiToken:
    """Return one of this member's own active API tokens in this workspace, or 404."""
    try:
        return ApiToken.objects.get(
            workspace_id=membership.workspace_id,
            user_id=membership.user_id,
            revoked_at__isnull=True,
            pk=int(str(token_id)),
        )
    except (ApiToken.DoesNotExist, ValueError):
        raise Http404("Not found") from None


def get_teammate_for_member(membership: Membership, user_id: object) -> User:
    """Return a user who belongs to the member's workspace, or 404."""
    try:
        return (
            Membership.objects.select_related("user")
            .get(workspace_id=membership.workspace_id, user_id=int(str(user_id)))
            .user
        )
    except (Membership.DoesNotExist, ValueError, OverflowError):
        raise Http404("Not found") from None
