"""The plain-language check as you write, and the glossary of words it never flags."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from keepwarm.accounts.access import require_manage
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.accounts.forms import add_service_errors
from keepwarm.accounts.models import Membership
from keepwarm.accounts.services import workspace_glossary_update
from keepwarm.clients.access import get_client_for_member
from keepwarm.clients.models import Client
from keepwarm.lib.plain import DEFAULT_TARGET, PlainCheck, check_text, parse_glossary
from keepwarm.web.forms import GlossaryForm


def plain_check_for(
    membership: Membership, text: str, *, client: Client | None = None
) -> PlainCheck:
    """Check `text` against the client's target (or the default) and the workspace's glossary."""
    target = float(client.plain_language_target) if client is not None else DEFAULT_TARGET
    glossary = parse_glossary(membership.workspace.plain_language_glossary)
    return check_text(text, target=target, glossary=glossary)


def _posted_text(request: MemberRequest) -> str:
    """Return the text to check: `text`, the field `plain_field` names, or htmx's trigger."""
    for name in (request.POST.get("plain_field"), "text", request.htmx.trigger_name):
        if name and name in request.POST:
            return request.POST[name]
    return ""


@require_POST
@member_required
def plain_language_check(request: MemberRequest) -> HttpResponse:
    """Show how plainly a text reads: the live check under a text box, or a page of its own."""
    membership = request.membership
    client_id = request.POST.get("client_id", "").strip()
    client = get_client_for_member(membership, client_id) if client_id else None
    text = _posted_text(request)
    context: dict[str, Any] = {
        "check": plain_check_for(membership, text, client=client),
        "highlighted": text,
        "client": client,
        "text": text,
        "glossary_url": reverse("plain_language_settings") if membership.can_manage else "",
    }
    if request.htmx:
        return render(request, "web/_plain_check.html", context)
    return render(request, "web/plain_check.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def plain_language_settings(request: MemberRequest) -> HttpResponse:
    """Show the workspace's glossary; owners and managers may change it."""
    membership = request.membership
    if request.method == "POST":
        require_manage(membership)
    workspace = membership.workspace
    form = GlossaryForm(
        request.POST if request.method == "POST" else None,
        initial={"glossary": workspace.plain_language_glossary},
    )
    if request.method == "POST" and form.is_valid():
        try:
            workspace_glossary_update(membership=membership, glossary=form.cleaned_data["glossary"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Glossary saved. The plain-language check uses it now.")
            return redirect("plain_language_settings")
    return render(
        request,
        "web/plain_language_settings.html",
        {"form": form, "terms": parse_glossary(workspace.plain_language_glossary)},
        status=400 if form.errors else 200,
    )
