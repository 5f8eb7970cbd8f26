"""URLs for Settings → Mailboxes."""

from __future__ import annotations

from django.urls import URLPattern, path

from keepwarm.mailboxes import views

urlpatterns: list[URLPattern] = [
    path("settings/mailboxes/", views.mailbox_list, name="mailbox_list"),
    path("settings/mailboxes/new/", views.mailbox_create_view, name="mailbox_create"),
    path(
        "settings/mailboxes/private-hosts/",
        views.mailbox_private_hosts,
        name="mailbox_private_hosts",
    ),
    path("settings/mailboxes/<int:mailbox_id>/", views.mailbox_edit, name="mailbox_edit"),
    path(
        "settings/mailboxes/<int:mailbox_id>/delete/",
        views.mailbox_delete_view,
        name="mailbox_delete",
    ),
    path("settings/mailboxes/<int:mailbox_id>/test/", views.mailbox_check, name="mailbox_check"),
    path(
        "settings/mailboxes/<int:mailbox_id>/folders/",
        views.mailbox_folders,
        name="mailbox_folders",
    ),
    path("settings/mailboxes/<int:mailbox_id>/sync/", views.mailbox_sync_now, name="mailbox_sync"),
]
