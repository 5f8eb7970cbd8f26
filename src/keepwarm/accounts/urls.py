"""URLs for signing in, joining, the team, settings, API tokens and the audit log."""

from __future__ import annotations

from django.urls import URLPattern, path

from keepwarm.accounts import views

urlpatterns: list[URLPattern] = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("welcome/", views.first_run, name="first_run"),
    path("signup/", views.signup, name="signup"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("workspace/switch/", views.workspace_switch, name="workspace_switch"),
    path("no-workspace/", views.no_workspace, name="no_workspace"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.team_invite, name="team_invite"),
    path(
        "team/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("team/<int:membership_id>/role/", views.member_change_role, name="member_change_role"),
    path("team/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("settings/workspace/", views.workspace_settings, name="workspace_settings"),
    path("settings/account/", views.account_settings, name="account_settings"),
    path("settings/account/password/", views.password_change, name="password_change"),
    path("settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "settings/api-tokens/<int:token_id>/revoke/",
        views.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("audit/", views.audit_log, name="audit_log"),
]
