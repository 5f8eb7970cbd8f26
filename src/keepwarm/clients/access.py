"""Access helpers for the client record: rows of another workspace are a plain 404."""

from __future__ import annotations

from keepwarm.accounts.access import require_write
from keepwarm.accounts.models import Membership
from keepwarm.clients.models import (
    Client,
    Contact,
    Goal,
    ImportantDate,
    PersonalFact,
    Resource,
)
from keepwarm.lib.access import get_in_workspace_or_404


def get_client_for_member(
    membership: Membership, client_id: object, *, write: bool = False
) -> Client:
    """Return a client of the member's workspace, or 404; 403 for a read-only member's write."""
    client = get_in_workspace_or_404(
        Client.objects.select_related("owner", "referred_by", "referred_by_contact"),
        membership.workspace_id,
        client_id,
    )
    if write:
        require_write(membership)
    return client


def get_contact_for_member(
    membership: Membership, contact_id: object, *, write: bool = False
) -> Contact:
    """Return a contact of the member's workspace, or 404."""
    contact = get_in_workspace_or_404(
        Contact.objects.select_related("client"), membership.workspace_id, contact_id
    )
    if write:
        require_write(membership)
    return contact


def get_fact_for_member(
    membership: Membership, fact_id: object, *, write: bool = False
) -> PersonalFact:
    """Return a personal fact of the member's workspace, or 404."""
    fact = get_in_workspace_or_404(
        PersonalFact.objects.select_related("contact__client"), membership.workspace_id, fact_id
    )
    if write:
        require_write(membership)
    return fact


def get_date_for_member(
    membership: Membership, date_id: object, *, write: bool = False
) -> ImportantDate:
    """Return an important date of the member's workspace, or 404."""
    day = get_in_workspace_or_404(
        ImportantDate.objects.select_related("contact__client"), membership.workspace_id, date_id
    )
    if write:
        require_write(membership)
    return day


def get_goal_for_member(membership: Membership, goal_id: object, *, write: bool = False) -> Goal:
    """Return a goal of the member's workspace, or 404."""
    goal = get_in_workspace_or_404(
        Goal.objects.select_related("client"), membership.workspace_id, goal_id
    )
    if write:
        require_write(membership)
    return goal


def get_resource_for_member(
    membership: Membership, resource_id: object, *, write: bool = False
) -> Resource:
    """Return a resource of the member's workspace's library, or 404."""
    resource = get_in_workspace_or_404(
        Resource.objects.select_related("added_by").prefetch_related("tags"),
        membership.workspace_id,
        resource_id,
    )
    if write:
        require_write(membership)
    return resource
