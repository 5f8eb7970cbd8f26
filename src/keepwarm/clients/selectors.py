"""Reads of the client record that pages and the API share."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, TextField, Value

from keepwarm.accounts.models import Membership
from keepwarm.clients.models import (
    Client,
    Goal,
    GoalStatus,
    Resource,
    ResourceShare,
    ResourceTag,
    TagKind,
)

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


# Resources ---------------------------------------------------------------------------------

# At most this many suggestions show on a client page and in the brief.
SUGGESTIONS_SHOWN = 5


def resource_library(workspace_id: int, *, tag: str = "") -> QuerySet[Resource]:
    """Return the workspace's resources (tags and who added them loaded), newest first."""
    resources = Resource.objects.filter(workspace_id=workspace_id)
    if tag:
        resources = resources.filter(
            pk__in=ResourceTag.objects.filter(workspace_id=workspace_id, name=tag).values(
                "resource_id"
            )
        )
    return (
        resources.select_related("added_by")
        .prefetch_related(Prefetch("tags", queryset=ResourceTag.objects.order_by("kind", "name")))
        .order_by("-created_at", "-pk")
    )


def resource_tags_in_use(workspace_id: int) -> list[tuple[str, str]]:
    """Return every (kind, name) tag of the library, industries first, each once."""
    rows = (
        ResourceTag.objects.filter(workspace_id=workspace_id)
        .values_list("kind", "name")
        .distinct()
        .order_by("kind", "name")
    )
    return list(rows)


@dataclass(frozen=True)
class Suggestion:
    """A resource that fits a client and was never sent to them, with why it fits."""

    resource: Resource
    reasons: tuple[str, ...]


def _phrase_in(tag: str, text: str) -> bool:
    """Whether a tag ("online review") appears as words in a text, plural or not."""
    stem = tag[:-1] if tag.endswith("s") and len(tag) > 3 else tag
    return re.search(rf"\b{re.escape(stem)}s?\b", text) is not None


def resource_suggestions(
    client: Client, goals: list[Goal] | None = None, *, limit: int = SUGGESTIONS_SHOWN
) -> list[Suggestion]:
    """Return resources matching the client's industry or active goals not yet sent to them.

    Three queries whatever the library's size: the resources, their tags, and what this
    client was sent. Pass `goals` when they are loaded already.
    """
    if goals is None:
        goals = list(Goal.objects.filter(client=client))
    aims = [g for g in goals if g.status == GoalStatus.ACTIVE]
    industry = re.sub(r"\s+", " ", client.industry).strip().lower()
    sent = ResourceShare.objects.filter(client=client).values("resource_id")
    # Only resources with a tag found somewhere in the industry or the goals are loaded, so
    # a big library costs no more than the few that may fit; words are checked below.
    haystack = "\n".join([industry, *(g.text.lower() for g in aims)])
    candidates = (
        ResourceTag.objects.filter(workspace_id=client.workspace_id)
        .annotate(haystack=Value(haystack, output_field=TextField()))
        .filter(haystack__contains=F("name"))
        .values("resource_id")
    )
    resources = resource_library(client.workspace_id).exclude(pk__in=sent).filter(pk__in=candidates)
    found: list[tuple[int, Suggestion]] = []
    for resource in resources:
        reasons: list[str] = []
        score = 0
        for tag in resource.tags.all():
            if tag.kind == TagKind.INDUSTRY and industry and _phrase_in(tag.name, industry):
                reasons.append(f"for {client.industry.strip()}")
                score += 2
            elif tag.kind == TagKind.TOPIC:
                for goal in aims:
                    if _phrase_in(tag.name, goal.text.lower()):
                        reasons.append(f"fits the goal “{goal.text}”")
                        score += 3 if goal.priority == 1 else 1
                        break
        if reasons:
            found.append((score, Suggestion(resource, tuple(dict.fromkeys(reasons)))))
    found.sort(key=lambda pair: -pair[0])
    return [suggestion for _, suggestion in found[:limit]]


# Referrals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralSource:
    """A client who sent others our way: how many, how many thanked for, the latest when."""

    client_id: int
    name: str
    referred: int
    thanked: int
    latest: dt.datetime


def referral_sources(workspace_id: int) -> list[ReferralSource]:
    """Return the workspace's referrers, most referrals first, in one query."""
    rows = (
        Client.objects.filter(workspace_id=workspace_id, referred_by__isnull=False)
        .values("referred_by_id", "referred_by__name")
        .annotate(
            referred=Count("pk"),
            thanked=Count("pk", filter=Q(referral_thanked_at__isnull=False)),
            latest=Max("created_at"),
        )
        .order_by("-referred", "referred_by__name", "referred_by_id")
    )
    return [
        ReferralSource(
            r["referred_by_id"], r["referred_by__name"], r["referred"], r["thanked"], r["latest"]
        )
        for r in rows
    ]
