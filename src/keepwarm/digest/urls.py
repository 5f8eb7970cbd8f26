"""URLs of the digest pages: calendar and digest settings, the feed, unsubscribing."""

from __future__ import annotations

from django.urls import URLPattern, path

from keepwarm.digest import views

urlpatterns: list[URLPattern] = [
    path("settings/calendar/", views.calendar_settings, name="calendar_settings"),
    path("settings/calendar/new/", views.calendar_feed_new, name="calendar_feed_new"),
    path("settings/calendar/revoke/", views.calendar_feed_revoke_view, name="calendar_feed_revoke"),
    path("settings/digest/", views.digest_settings, name="digest_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "digest/unsubscribe/<str:token>/",
        views.digest_unsubscribe_view,
        name="digest_unsubscribe",
    ),
]
