"""JSON API: search the workspace."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from keepwarm.lib.api import READ_ERRORS, PageIn, PageOut, member, paginate
from keepwarm.search.models import DocumentKind
from keepwarm.search.selectors import CAP, MAX_QUERY, SearchResults

router = Router(tags=["search"])


class SearchFilters(PageIn):
    q: str = Field(
        min_length=1,
        max_length=MAX_QUERY,
        description=(
            "The words to find. Every word must match, each as the start of a word "
            "(`harb dent` finds Harbor Dental); punctuation and operators are ignored."
        ),
    )
    kind: DocumentKind | None = Field(None, description="Only hits of this kind.")


class SearchHitOut(Schema):
    kind: DocumentKind
    type: str = Field(description='What it is, in words: "Client", "Email", "Goal" …')
    id: int = Field(description="The id of the client, contact, interaction, fact or goal.")
    client_id: int | None
    client_name: str | None
    title: str
    title_html: str = Field(description="The title, HTML-escaped, matches in <mark>.")
    snippet_html: str = Field(description="Text around the first match, escaped, in <mark>.")
    url: str = Field(description="Where the hit is shown in the web app (a path).")
    happened_at: dt.datetime | None = Field(description="Interactions: when it happened.")


class SearchPageOut(PageOut):
    counts: dict[str, int] = Field(
        description=(
            f"Hits of each kind for the whole query, whatever `kind` filters, each counted "
            f"up to {CAP + 1:,} ({CAP + 1:,} means more than {CAP:,})."
        )
    )
    more: bool = Field(
        description=(
            f"Some kind has more than {CAP:,} hits: then only its newest {CAP:,} are "
            "ranked and paged (`count` counts those). Add a word, or a `kind`, to narrow it."
        )
    )
    results: list[SearchHitOut]


@router.get("", response={200: SearchPageOut, **READ_ERRORS})
def search(request: HttpRequest, filters: Query[SearchFilters]) -> Any:
    """Find clients, people, interactions, personal facts and goals, best match first."""
    results = SearchResults(
        workspace_id=member(request).workspace_id,
        q=filters.q,
        kind=filters.kind.value if filters.kind else "",
    )
    page = paginate(request, results, filters)
    page["counts"] = results.counts()
    page["more"] = results.more
    page["results"] = [
        {**vars(hit), "type": hit.type_label, "title_html": str(hit.title_html),
         "snippet_html": str(hit.snippet_html)}
        for hit in page["results"]
    ]  # fmt: skip
    return page
