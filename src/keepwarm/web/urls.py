from __future__ import annotations

from django.urls import path

from keepwarm.web import views, views_plain

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("writing/check/", views_plain.plain_language_check, name="plain_language_check"),
    path(
        "settings/plain-language/",
        views_plain.plain_language_settings,
        name="plain_language_settings",
    ),
]
