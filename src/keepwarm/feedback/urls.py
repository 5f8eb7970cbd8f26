"""URLs of the feedback pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from keepwarm.feedback import views

urlpatterns: list[URLPattern] = [
    path("f/<str:token>/<int:score>/", views.feedback_answer, name="feedback_answer"),
    path(
        "clients/<int:client_id>/feedback/ask/",
        views.feedback_request_create,
        name="feedback_request_create",
    ),
    path("settings/feedback/", views.feedback_settings, name="feedback_settings"),
]
