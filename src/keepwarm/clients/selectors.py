"""Reads of the client record that pages and the API share."""

from __future__ import annotations

from django.db.models import F, Max, Q, QuerySet

from keepwarm.accounts.models import Membership
from keepwarm.clients.models import Client

# "quiet" sorts by days since we last spoke: "-quiet" puts the longest silence first,
# with clients we never spoke to at the very top.
CLIENT_SORTS = {
    "name": (F("name").asc(), F("pk").asc()),
    "-name": (F("name").desc(), F("pk").desc()),
    "-quiet": (F("last_contact_at").asc(nulls_first=True), F("name").asc()),
    "quiet": (F("last_contact_at").desc(nulls_last=True), F("name").asc()),
}


def client_search(
    membership: Membership,
    *,
    q: str = "",
    status: str = "",
    owner_id: int | None = None,
    sort: str = "name",
) -> QuerySet[Client]:
    """Return the workspace's clients matching a search, with `last_contact_at` annotated."""
    qs = Client.objects.filter(workspace_id=membership.workspace_id).select_related("owner")
    q = q.strip()
    if q:
        people = Q(contacts__name__icontains=q) | Q(contacts__email__icontains=q)
        people |= Q(contacts__other_emails__icontains=q)
        matching = Client.objects.filter(workspace_id=membership.workspace_id).filter(
            Q(name__icontains=q) | Q(industry__icontains=q) | people
        )
        qs = qs.filter(pk__in=matching.values("pk"))
    if status:
        qs = qs.filter(status=status)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    qs = qs.annotate(
        last_contact_at=Max(
            "interactions__occurred_at", filter=~Q(interactions__direction="internal")
        )
    )
    return qs.order_by(*CLIENT_SORTS.get(sort, CLIENT_SORTS["name"]))
