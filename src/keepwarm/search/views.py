"""The search page: one box over the whole workspace, results in place as you type."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.search.selectors import CAP, KIND_TABS, MAX_QUERY, SearchResults

RESULTS_PER_PAGE = 20


@member_required
@require_GET
def search(request: MemberRequest) -> HttpResponse:
    """Show what in the workspace matches the words typed, best first, a page at a time."""
    q = request.GET.get("q", "")[:MAX_QUERY].strip()
    results = SearchResults(
        workspace_id=request.membership.workspace_id, q=q, kind=request.GET.get("kind", "")
    )
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    counts = results.counts()
    context = {
        "q": q,
        "kind": results.kind,
        "has_words": bool(results.terms),
        "page_obj": page,
        "hits": list(page.object_list),
        "total": results.total,
        "more": results.more,
        "more_here": counts.get(results.kind, 0) > CAP if results.kind else results.more,
        "cap": CAP,
        "tabs": [
            {"kind": kind, "label": label, "count": min(n, CAP), "more": n > CAP}
            for kind, label in KIND_TABS
            if (n := counts.get(kind, 0))
        ],
        "max_query": MAX_QUERY,
    }
    # The page's own box swaps only the results; the top bar's box swaps the whole main
    # area (it picks #main out of the full page), so both work without JavaScript too.
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "search/_results.html", context)
    return render(request, "search/search.html", context)
