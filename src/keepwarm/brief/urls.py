"""URLs of the meeting-prep brief."""

from __future__ import annotations

from django.urls import path

from keepwarm.brief import views, views_followup

urlpatterns = [
    path("clients/<int:client_id>/brief/", views.client_brief, name="client_brief"),
    path("meetings/<int:interaction_id>/brief/", views.meeting_brief, name="meeting_brief"),
    path(
        "clients/<int:client_id>/resources/<int:resource_id>/share/",
        views_followup.resource_share,
        name="resource_share",
    ),
    path(
        "clients/<int:client_id>/referral/thank/",
        views_followup.referral_thank,
        name="referral_thank",
    ),
    path(
        "clients/<int:client_id>/referral/asked/",
        views_followup.referral_asked,
        name="referral_asked",
    ),
]
