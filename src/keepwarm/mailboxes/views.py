"""Settings → Mailboxes: list, add, change, delete, test a connection, choose folders, sync now."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from keepwarm.accounts.access import require_manage, require_owner
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.accounts.forms import add_service_errors
from keepwarm.mailboxes import services
from keepwarm.mailboxes.access import get_mailbox_for_member
from keepwarm.mailboxes.forms import MailboxForm, PrivateHostsForm
from keepwarm.mailboxes.models import FolderRole, MailboxAccount
from keepwarm.mailboxes.selectors import mailboxes_for, with_latest_runs
from keepwarm.mailboxes.sync import MailboxError, mailbox_probe


@member_required
def mailbox_list(request: MemberRequest) -> HttpResponse:
    """List the workspace's mailboxes with how their last sync went."""
    membership = request.membership
    accounts = with_latest_runs(list(mailboxes_for(membership.workspace)))
    policy = services.mailbox_settings_get(membership.workspace)
    context = {
        "accounts": accounts,
        "policy": policy,
        "private_form": PrivateHostsForm(
            initial={"allow_private_hosts": policy.allow_private_hosts}
        ),
    }
    return render(request, "mailboxes/mailbox_list.html", context)


@member_required
@require_POST
def mailbox_private_hosts(request: MemberRequest) -> HttpResponse:
    """Let an owner allow or refuse mail servers on private addresses."""
    require_owner(request.membership)
    form = PrivateHostsForm(request.POST)
    form.is_valid()
    allow = bool(form.cleaned_data.get("allow_private_hosts"))
    services.mailbox_private_hosts_set(membership=request.membership, allow=allow)
    if allow:
        messages.success(request, "Mail servers on private networks are now allowed.")
    else:
        messages.success(request, "Mail servers on private networks are now refused.")
    return redirect("mailbox_list")


@member_required
@require_http_methods(["GET", "POST"])
def mailbox_create_view(request: MemberRequest) -> HttpResponse:
    """Add a mailbox."""
    membership = request.membership
    require_manage(membership)
    form = MailboxForm(
        request.POST or None, initial={"our_addresses": request.user.email, "port": 993}
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.mailbox_create(membership=membership, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Mailbox “{account.name}” added. Test the connection to choose folders."
            )
            return redirect("mailbox_edit", mailbox_id=account.pk)
    status = 400 if form.errors else 200
    return render(
        request, "mailboxes/mailbox_form.html", {"form": form, "account": None}, status=status
    )


def _initial(account: MailboxAccount) -> dict[str, object]:
    return {
        "name": account.name,
        "host": account.host,
        "port": account.port,
        "security": account.security,
        "username": account.username,
        "inbound_folders": "\n".join(
            f["name"] for f in account.folders if f["role"] == FolderRole.INBOUND
        ),
        "sent_folders": "\n".join(
            f["name"] for f in account.folders if f["role"] == FolderRole.SENT
        ),
        "our_addresses": "\n".join(account.our_addresses),
        "enabled": account.enabled,
    }


@member_required
@require_http_methods(["GET", "POST"])
def mailbox_edit(request: MemberRequest, mailbox_id: int) -> HttpResponse:
    """Change a mailbox; the password stays unless a new one is typed."""
    membership = request.membership
    account = get_mailbox_for_member(membership, mailbox_id, write=True)
    form = MailboxForm(request.POST or None, initial=_initial(account), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.mailbox_update(membership=membership, account=account, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Mailbox “{account.name}” saved.")
            return redirect("mailbox_list")
    status = 400 if form.errors else 200
    runs = list(account.sync_runs.order_by("-started_at", "-pk")[:10])
    context = {"form": form, "account": account, "runs": runs}
    return render(request, "mailboxes/mailbox_form.html", context, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def mailbox_delete_view(request: MemberRequest, mailbox_id: int) -> HttpResponse:
    """Confirm, then forget a mailbox (what it imported stays)."""
    account = get_mailbox_for_member(request.membership, mailbox_id, write=True)
    if request.method == "POST":
        services.mailbox_delete(membership=request.membership, account=account)
        messages.success(request, f"Mailbox “{account.name}” removed.")
        return redirect("mailbox_list")
    return render(request, "mailboxes/mailbox_delete.html", {"account": account})


@member_required
@require_POST
def mailbox_check(request: MemberRequest, mailbox_id: int) -> HttpResponse:
    """Log in to the mailbox's server and show its folders, to choose which to watch."""
    account = get_mailbox_for_member(request.membership, mailbox_id, write=True)
    try:
        folders = mailbox_probe(account)
    except MailboxError as exc:
        context = {"account": account, "error": str(exc), "folders": []}
        return render(request, "mailboxes/mailbox_check.html", context)
    watched = {f["name"]: f["role"] for f in account.folders}
    # Until a sent folder is chosen, the one the server marks \Sent is offered ticked.
    offer_sent = FolderRole.SENT not in watched.values()
    rows = [
        {
            "info": f,
            "checked": f.name in watched or (offer_sent and f.is_sent),
            "role": watched.get(f.name) or f.suggested_role or FolderRole.INBOUND,
        }
        for f in folders
    ]
    context = {"account": account, "folders": rows, "error": ""}
    return render(request, "mailboxes/mailbox_check.html", context)


@member_required
@require_POST
def mailbox_folders(request: MemberRequest, mailbox_id: int) -> HttpResponse:
    """Save which folders to watch, chosen from the server's list."""
    account = get_mailbox_for_member(request.membership, mailbox_id, write=True)
    names = request.POST.getlist("folder")
    inbound = [n for n in names if request.POST.get(f"role:{n}") != FolderRole.SENT]
    sent = [n for n in names if request.POST.get(f"role:{n}") == FolderRole.SENT]
    try:
        services.mailbox_folders_set(
            membership=request.membership, account=account, inbound=inbound, sent=sent
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Watching {len(names)} folder{'s' if len(names) != 1 else ''}.")
    return redirect("mailbox_edit", mailbox_id=account.pk)


@member_required
@require_POST
def mailbox_sync_now(request: MemberRequest, mailbox_id: int) -> HttpResponse:
    """Read the mailbox's new messages now."""
    account = get_mailbox_for_member(request.membership, mailbox_id, write=True)
    services.mailbox_sync_request(membership=request.membership, account=account)
    messages.success(
        request, f"Reading “{account.name}” now. Its last sync below shows how it went."
    )
    return redirect("mailbox_list")
