"""URLs of the recovery pages."""

from __future__ import annotations

from django.urls import path

from keepwarm.recovery import views

urlpatterns = [
    path(
        "clients/<int:client_id>/recovery/new/",
        views.recovery_case_create,
        name="recovery_case_create",
    ),
    path("recovery/<int:case_id>/", views.recovery_case_detail, name="recovery_case_detail"),
    path("recovery/<int:case_id>/edit/", views.recovery_case_edit, name="recovery_case_edit"),
    path("recovery/<int:case_id>/steps/", views.recovery_step_record, name="recovery_step_record"),
    path(
        "recovery/<int:case_id>/actions/",
        views.recovery_action_create,
        name="recovery_action_create",
    ),
    path(
        "recovery/actions/<int:action_id>/done/",
        views.recovery_action_done,
        name="recovery_action_done",
    ),
    path("recovery/<int:case_id>/close/", views.recovery_case_close, name="recovery_case_close"),
    path(
        "clients/<int:client_id>/topics/new/",
        views.tough_topic_create,
        name="tough_topic_create",
    ),
    path("topics/<int:topic_id>/edit/", views.tough_topic_edit, name="tough_topic_edit"),
    path("topics/<int:topic_id>/raised/", views.tough_topic_raised, name="tough_topic_raised"),
]
