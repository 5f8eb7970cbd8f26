"""The resource library: links and notes worth sharing, tagged by industry and topic."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keepwarm.accounts.access import require_write
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.clients import services
from keepwarm.clients.access import get_resource_for_member
from keepwarm.clients.forms import ResourceForm, apply_service_errors
from keepwarm.clients.models import Resource
from keepwarm.clients.selectors import resource_library, resource_tags_in_use
from keepwarm.clients.views import count_noun, finish

RESOURCES_PER_PAGE = 25


@member_required
@require_GET
def resource_list(request: MemberRequest) -> HttpResponse:
    """List the library, newest first, optionally only the resources with one tag."""
    workspace_id = request.membership.workspace_id
    tags = resource_tags_in_use(workspace_id)
    tag = request.GET.get("tag", "").strip().lower()
    if tag not in {name for _, name in tags}:
        tag = ""
    page = Paginator(resource_library(workspace_id, tag=tag), RESOURCES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "nav": "clients",
        "page_obj": page,
        "resources": list(page.object_list),
        "industry_tags": [name for kind, name in tags if kind == "industry"],
        "topic_tags": [name for kind, name in tags if kind == "topic"],
        "tag": tag,
    }
    return render(request, "clients/resource_list.html", context)


def _form_page(
    request: MemberRequest, form: ResourceForm, resource: Resource | None
) -> HttpResponse:
    title = f"Edit “{resource.title}”" if resource else "Add a resource"
    return render(
        request,
        "clients/resource_form.html",
        {"nav": "clients", "form": form, "resource": resource, "title": title},
    )


@member_required
@require_http_methods(["GET", "POST"])
def resource_create(request: MemberRequest) -> HttpResponse:
    """Add a link or a note to the library."""
    membership = request.membership
    require_write(membership)
    form = ResourceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return finish(request, reverse("resource_list"), f"Added “{resource.title}”.")
    return _form_page(request, form, None)


@member_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: MemberRequest, resource_id: int) -> HttpResponse:
    """Change a resource's title, link, note or tags."""
    membership = request.membership
    resource = get_resource_for_member(membership, resource_id, write=True)
    form = ResourceForm(request.POST if request.method == "POST" else None, resource=resource)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(membership=membership, resource=resource, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            resource.refresh_from_db()
        else:
            return finish(request, reverse("resource_list"), f"Saved “{resource.title}”.")
    return _form_page(request, form, resource)


@member_required
@require_http_methods(["GET", "POST"])
def resource_delete(request: MemberRequest, resource_id: int) -> HttpResponse:
    """Confirm, then delete a resource from the library."""
    membership = request.membership
    resource = get_resource_for_member(membership, resource_id, write=True)
    if request.method == "POST":
        title = resource.title
        services.resource_delete(membership=membership, resource=resource)
        return finish(request, reverse("resource_list"), f"Deleted “{title}”.")
    shares = resource.shares.count()
    return render(
        request,
        "clients/resource_confirm_delete.html",
        {
            "nav": "clients",
            "resource": resource,
            "title": f"Delete “{resource.title}”?",
            "shared": count_noun(shares, "share", "shares") if shares else "",
        },
    )
