"""URLs of the Inbox pages."""

from __future__ import annotations

from django.urls import path

from keepwarm.mail import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/unmatched/", views.unmatched_list, name="unmatched_list"),
    path(
        "inbox/unmatched/<int:unmatched_id>/assign/",
        views.unmatched_assign,
        name="unmatched_assign",
    ),
    path(
        "inbox/unmatched/<int:unmatched_id>/new-client/",
        views.unmatched_new_client,
        name="unmatched_new_client",
    ),
    path(
        "inbox/unmatched/<int:unmatched_id>/set-aside/",
        views.unmatched_set_aside,
        name="unmatched_set_aside",
    ),
    path("inbox/<int:interaction_id>/", views.inbox_thread, name="inbox_thread"),
    path(
        "inbox/<int:interaction_id>/replied/",
        views.inbox_mark_replied,
        name="inbox_mark_replied",
    ),
    path(
        "inbox/<int:interaction_id>/no-reply/",
        views.inbox_no_reply_needed,
        name="inbox_no_reply_needed",
    ),
    path("settings/business-hours/", views.mail_settings, name="mail_settings"),
]
