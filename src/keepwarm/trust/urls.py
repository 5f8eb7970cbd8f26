"""URLs of the trust pages: Insights, the trust settings and felt closeness."""

from __future__ import annotations

from django.urls import path

from keepwarm.trust import views

urlpatterns = [
    path("insights/", views.insights, name="insights"),
    path("settings/trust/", views.trust_settings, name="trust_settings"),
    path(
        "clients/<int:client_id>/closeness/",
        views.felt_closeness_update,
        name="felt_closeness_update",
    ),
]
