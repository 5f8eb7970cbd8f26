"""Pages for following up: share a resource with a client, thank a referrer, ask for one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.brief import services
from keepwarm.brief.forms import ShareForm, ThankForm
from keepwarm.clients.access import get_client_for_member, get_resource_for_member
from keepwarm.clients.forms import apply_service_errors
from keepwarm.clients.services import referral_mark_asked
from keepwarm.clients.views import finish


@member_required
@require_http_methods(["GET", "POST"])
def resource_share(request: MemberRequest, client_id: int, resource_id: int) -> HttpResponse:
    """Compose a short message to go with a resource, then share it (and maybe email it)."""
    membership = request.membership
    client = get_client_for_member(membership, client_id, write=True)
    resource = get_resource_for_member(membership, resource_id)
    if request.method == "POST":
        form = ShareForm(request.POST, client=client)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.resource_share(
                    membership=membership,
                    client=client,
                    resource=resource,
                    contact=data["contact"],
                    subject=data["subject"],
                    message=data["message"],
                    send_email=data["send_email"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                how = "Emailed" if data["send_email"] else "Shared"
                return finish(
                    request,
                    reverse("client_detail", args=[client.pk]),
                    f"{how} “{resource.title}” and logged it as a value-add.",
                )
    else:
        people = list(client.contacts.order_by("-receives_reports", "name", "pk")[:1])
        contact = people[0] if people else None
        form = ShareForm(
            client=client,
            initial={
                "contact": contact,
                "subject": f"Something useful: {resource.title}",
                "message": services.share_message(
                    resource=resource, contact=contact, sender=membership.user.display_name
                ),
            },
        )
    return render(
        request,
        "brief/share.html",
        {"nav": "clients", "client": client, "resource": resource, "form": form},
    )


@member_required
@require_http_methods(["GET", "POST"])
def referral_thank(request: MemberRequest, client_id: int) -> HttpResponse:
    """Thank whoever referred this client, and log it on the referrer's timeline."""
    membership = request.membership
    client = get_client_for_member(membership, client_id, write=True)
    form = ThankForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_thank(membership=membership, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            referrer = client.referred_by
            assert referrer is not None
            return finish(
                request,
                reverse("client_detail", args=[referrer.pk]),
                f"Logged your thank-you to {referrer.name} for referring {client.name}.",
            )
    return render(request, "brief/thank.html", {"nav": "clients", "client": client, "form": form})


@member_required
@require_POST
def referral_asked(request: MemberRequest, client_id: int) -> HttpResponse:
    """Record that we asked this client for a referral; the prompt rests for a quarter."""
    membership = request.membership
    client = get_client_for_member(membership, client_id, write=True)
    referral_mark_asked(membership=membership, client=client, at=timezone.now())
    return finish(
        request,
        reverse("client_detail", args=[client.pk]) + "#referrals",
        f"Noted that you asked {client.name} for a referral.",
    )
