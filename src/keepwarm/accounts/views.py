"""Pages for signing in, joining, the team, settings, API tokens and the audit log."""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from keepwarm.accounts.access import (
    get_api_token_for_member,
    get_invitation_for_member,
    get_membership_for_member,
    may_manage_member,
    require_manage,
    require_owner,
)
from keepwarm.accounts.decorators import MemberRequest, member_required
from keepwarm.accounts.forms import (
    AccountForm,
    ApiTokenForm,
    AuditedPasswordChangeForm,
    AuditedSetPasswordForm,
    AuditFilterForm,
    FirstRunForm,
    InvitationAcceptForm,
    InviteForm,
    LoginForm,
    SignupForm,
    WorkspaceSettingsForm,
    add_service_errors,
)
from keepwarm.accounts.middleware import SESSION_KEY
from keepwarm.accounts.models import ApiToken, Membership, User
from keepwarm.accounts.selectors import (
    audit_actions,
    audit_events,
    has_any_user,
    login_wait_seconds,
    pending_invitations,
    signup_workspace,
    team_members,
)
from keepwarm.accounts.services import (
    account_update,
    api_token_create,
    api_token_revoke,
    grantable_roles,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_problem,
    invitation_revoke,
    login_failure_record,
    login_succeeded,
    membership_change_role,
    membership_remove,
    signup_create_user,
    workspace_create_first,
    workspace_update,
)
from keepwarm.lib.http import render_page_or_fragment

AUDIT_PAGE_SIZE = 50


def _client_ip(request: HttpRequest) -> str | None:
    ip = request.META.get("REMOTE_ADDR", "")
    # Behind our own proxy the real client is the last address that proxy appended.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            ip = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _sign_in(request: HttpRequest, membership: Membership) -> None:
    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = membership.workspace_id


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in with email and password, with failed attempts limited per account and IP."""
    if not has_any_user():
        return redirect("first_run")
    next_url = _safe_next(request)
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST":
        ip = _client_ip(request)
        email = request.POST.get("email", "").strip().lower()
        # Refuse before checking the password, so guessing gains nothing while throttled.
        wait = login_wait_seconds(email=email, ip=ip)
        if wait:
            minutes = max(1, math.ceil(wait / 60))
            return render(
                request, "registration/login_throttled.html", {"minutes": minutes}, status=429
            )
        if form.is_valid():
            user = authenticate(
                request,
                email=form.cleaned_data["email"].lower(),
                password=form.cleaned_data["password"],
            )
            if isinstance(user, User):
                login(request, user)
                login_succeeded(user=user, ip=ip)
                return redirect(next_url or settings.LOGIN_REDIRECT_URL)
            login_failure_record(email=email, ip=ip)
            form.add_error(
                None,
                "That email address and password do not match. Check both, or reset your password.",
            )
    context = {"form": form, "next": next_url, "signups_open": signup_workspace() is not None}
    return render(request, "registration/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out and go back to the sign-in page."""
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def first_run(request: HttpRequest) -> HttpResponse:
    """Set up the first workspace and its owner; open only while nobody has an account."""
    if has_any_user():
        return redirect("login")
    form = FirstRunForm(request.POST or None, initial={"time_zone": settings.TIME_ZONE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = workspace_create_first(
                name=data["name"],
                owner_name=data["owner_name"],
                email=data["email"],
                password=data["password"],
                time_zone=data["time_zone"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _sign_in(request, membership)
            messages.success(request, f"Welcome to Keepwarm. {membership.workspace.name} is ready.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/first_run.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account in the workspace that allows sign-ups (404 when none does)."""
    workspace = signup_workspace()
    if workspace is None:
        raise Http404("Sign-ups are closed")
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = signup_create_user(
                workspace=workspace,
                email=data["email"],
                name=data["name"],
                password=data["password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _sign_in(request, membership)
            messages.success(request, f"Welcome to {workspace.name}.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signup.html", {"form": form, "workspace": workspace})


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Join a workspace from an emailed invitation link."""
    invitation = invitation_for_token(token)
    problem = invitation_problem(invitation)
    if problem or invitation is None:
        status = 404 if invitation is None else 410
        return render(
            request, "accounts/invitation_invalid.html", {"problem": problem}, status=status
        )
    workspace = invitation.workspace
    user = request.user if isinstance(request.user, User) else None
    if user is not None:
        existing = Membership.objects.filter(user=user, workspace=workspace).first()
        if existing is not None:
            request.session[SESSION_KEY] = workspace.pk
            messages.info(request, f"You are already a member of {workspace.name}.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    has_account = user is None and User.objects.filter(email=invitation.email).exists()
    form = InvitationAcceptForm(request.POST or None) if user is None else None
    error = ""
    if request.method == "POST" and not has_account and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            membership = invitation_accept(
                raw_token=token,
                user=user,
                name=data.get("name", ""),
                password=data.get("password", ""),
            )
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc)
            else:
                error = " ".join(exc.messages)
        else:
            if user is None:
                _sign_in(request, membership)
            else:
                request.session[SESSION_KEY] = workspace.pk
            messages.success(request, f"You have joined {workspace.name}.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {
        "invitation": invitation,
        "workspace": workspace,
        "form": form,
        "has_account": has_account,
        "error": error,
        "login_url": reverse("login")
        + "?"
        + urlencode({"next": request.path, "email": invitation.email}),
    }
    return render(request, "accounts/invitation_accept.html", context)


@login_required
@require_POST
def workspace_switch(request: HttpRequest) -> HttpResponse:
    """Make another of the user's workspaces the current one (404 for any other)."""
    workspace_id = _int_or_404(request.POST.get("workspace"))
    user = request.user
    assert isinstance(user, User)
    membership = Membership.objects.filter(user=user, workspace_id=workspace_id).first()
    if membership is None:
        raise Http404("Not found")
    request.session[SESSION_KEY] = membership.workspace_id
    return redirect(settings.LOGIN_REDIRECT_URL)


def _int_or_404(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404("Not found") from None


@login_required
def no_workspace(request: HttpRequest) -> HttpResponse:
    """Explain to a signed-in person without a workspace that they need an invitation."""
    if getattr(request, "membership", None) is not None:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/no_workspace.html")


# The team


def _team_page(
    request: MemberRequest, invite_form: InviteForm | None = None, status: int = 200
) -> HttpResponse:
    membership = request.membership
    members = team_members(membership.workspace)
    can_manage = membership.can_manage
    owners = sum(1 for member in members if member.is_owner)
    rows = []
    for member in members:
        manageable = can_manage and may_manage_member(membership, member)
        # The only owner cannot be removed, so offer no button that can only fail.
        removable = manageable and not (member.is_owner and owners == 1)
        rows.append({"member": member, "manageable": manageable, "removable": removable})
    context = {
        "rows": rows,
        "can_manage": can_manage,
        "role_choices": grantable_roles(membership),
        "invitations": pending_invitations(membership.workspace) if can_manage else [],
        "invite_form": invite_form or InviteForm(membership=membership),
        "invitation_days": settings.INVITATION_DAYS,
    }
    return render(request, "accounts/team.html", context, status=status)


@member_required
def team(request: MemberRequest) -> HttpResponse:
    """List the workspace's members and pending invitations; managers can change them."""
    return _team_page(request)


@member_required
@require_POST
def team_invite(request: MemberRequest) -> HttpResponse:
    """Invite someone by email to join the workspace with a role."""
    membership = request.membership
    require_manage(membership)
    form = InviteForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            invitation, _ = invitation_create(
                membership=membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("team")
    return _team_page(request, invite_form=form, status=400)


@member_required
@require_POST
def invitation_revoke_view(request: MemberRequest, invitation_id: int) -> HttpResponse:
    """Withdraw a pending invitation."""
    membership = request.membership
    invitation = get_invitation_for_member(membership, invitation_id)
    try:
        invitation_revoke(membership=membership, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The invitation for {invitation.email} no longer works.")
    return redirect("team")


@member_required
@require_POST
def member_change_role(request: MemberRequest, membership_id: int) -> HttpResponse:
    """Give a teammate another role."""
    membership = request.membership
    target = get_membership_for_member(membership, membership_id)
    try:
        membership_change_role(
            membership=membership, target=target, role=request.POST.get("role", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"{target.user.display_name} is now {target.get_role_display().lower()}."
        )
    return redirect("team")


@member_required
@require_http_methods(["GET", "POST"])
def member_remove(request: MemberRequest, membership_id: int) -> HttpResponse:
    """Confirm, then remove a teammate from the workspace."""
    membership = request.membership
    target = get_membership_for_member(membership, membership_id)
    require_manage(membership)
    if not may_manage_member(membership, target):
        raise PermissionDenied("Only owners can remove another owner.")
    error = ""
    if request.method == "POST":
        try:
            membership_remove(membership=membership, target=target)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                f"{target.user.display_name} no longer has access to {membership.workspace.name}.",
            )
            if target.pk == membership.pk:
                return redirect(settings.LOGIN_REDIRECT_URL)
            return redirect("team")
    context = {"target": target, "error": error, "is_self": target.pk == membership.pk}
    return render(request, "accounts/member_remove.html", context, status=400 if error else 200)


# Settings


@member_required
@require_http_methods(["GET", "POST"])
def workspace_settings(request: MemberRequest) -> HttpResponse:
    """Let owners rename the workspace, set its time zone, sign-ups and new clients' targets."""
    membership = request.membership
    require_owner(membership)
    workspace = membership.workspace
    form = WorkspaceSettingsForm(
        request.POST or None,
        initial={
            "name": workspace.name,
            "time_zone": workspace.time_zone,
            "allow_signups": workspace.allow_signups,
            "default_response_target_hours": workspace.default_response_target_hours,
            "default_check_in_every_days": workspace.default_check_in_every_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            workspace_update(membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Workspace settings saved.")
            return redirect("workspace_settings")
    context = {"form": form, "workspace": workspace}
    return render(request, "accounts/workspace_settings.html", context)


def _account_page(
    request: HttpRequest,
    account_form: AccountForm | None = None,
    password_form: AuditedPasswordChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    context = {
        "account_form": account_form
        or AccountForm(initial={"name": user.name, "time_zone": user.time_zone}),
        "password_form": password_form or AuditedPasswordChangeForm(user),
    }
    return render(request, "accounts/account_settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    """Let a user change their own name and time zone."""
    if request.method == "GET":
        return _account_page(request)
    assert isinstance(request.user, User)
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            account_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your details are saved.")
            return redirect("account_settings")
    return _account_page(request, account_form=form, status=400)


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the signed-in user's password, keeping this session signed in."""
    form = AuditedPasswordChangeForm(request.user, request.POST)
    if form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "Your password is changed.")
        return redirect("account_settings")
    return _account_page(request, password_form=form, status=400)


# API tokens


def _token_page(
    request: MemberRequest,
    form: ApiTokenForm | None = None,
    new_token: tuple[ApiToken, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    membership = request.membership
    tokens = ApiToken.objects.filter(
        user_id=membership.user_id, workspace_id=membership.workspace_id, revoked_at__isnull=True
    ).order_by("-created_at", "-pk")
    context = {
        "tokens": list(tokens),
        "form": form or ApiTokenForm(),
        "new_token": new_token[0] if new_token else None,
        "raw_token": new_token[1] if new_token else "",
        "api_url": f"{settings.SITE_URL}/api/",
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: MemberRequest) -> HttpResponse:
    """List this member's API tokens and create a new one (its secret shown once)."""
    if request.method == "GET":
        return _token_page(request)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            created = api_token_create(
                membership=request.membership, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Rendered, not redirected: the secret must not be stored anywhere to show it later.
            return _token_page(request, new_token=created)
    return _token_page(request, form=form, status=400)


@member_required
@require_http_methods(["GET", "POST"])
def api_token_revoke_view(request: MemberRequest, token_id: int) -> HttpResponse:
    """Confirm, then revoke one of this member's API tokens."""
    token = get_api_token_for_member(request.membership, token_id)
    if request.method == "POST":
        api_token_revoke(membership=request.membership, token=token)
        messages.success(request, f"The token “{token.name}” no longer works.")
        return redirect("api_tokens")
    return render(request, "accounts/api_token_revoke.html", {"token": token})


# Audit log


@member_required
def audit_log(request: MemberRequest) -> HttpResponse:
    """Show owners every write made in the workspace, newest first."""
    membership = request.membership
    require_owner(membership)
    workspace = membership.workspace
    members = team_members(workspace)
    form = AuditFilterForm(request.GET or None, members=members, actions=audit_actions(workspace))
    actor_id, action = None, ""
    if form.is_valid():
        actor_id = form.cleaned_data["actor"]
        action = form.cleaned_data["action"]
    events = audit_events(workspace, actor_id=actor_id, action=action)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.change_rows = _change_rows(event.changes)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filter_query": query.urlencode(),
        "filtered": bool(actor_id or action),
    }
    return render_page_or_fragment(
        request, "accounts/audit_log.html", "accounts/_audit_results.html", context
    )


def _short(value: Any) -> str:
    text = "—" if value is None or value == "" else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _change_rows(changes: Any) -> list[tuple[str, str | None, str]]:
    """Return (field, old or None, new) rows; create events store only the new value."""
    if not isinstance(changes, dict):
        return []
    rows: list[tuple[str, str | None, str]] = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            old = None if value[0] is None else _short(value[0])
            rows.append((str(field), old, _short(value[1])))
        else:
            rows.append((str(field), None, _short(value)))
    return rows


# Password reset by email, with Django's views and our templates.


class PasswordResetView(auth_views.PasswordResetView):
    """Email a single-use link to set a new password."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_email.txt"
    html_email_template_name = "accounts/email/password_reset_email.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        return {"site_url": settings.SITE_URL}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from an emailed link."""

    template_name = "registration/password_reset_confirm.html"
    form_class = AuditedSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_done.html"
)
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html"
)
