from __future__ import annotations

from django.urls import path

from keepwarm.interactions import views

urlpatterns = [
    path("clients/<int:client_id>/interactions/", views.interaction_list, name="interaction_list"),
    path(
        "clients/<int:client_id>/interactions/new/",
        views.interaction_create,
        name="interaction_create",
    ),
    path(
        "interactions/<int:interaction_id>/edit/", views.interaction_edit, name="interaction_edit"
    ),
    path(
        "interactions/<int:interaction_id>/delete/",
        views.interaction_delete,
        name="interaction_delete",
    ),
    path(
        "interactions/<int:interaction_id>/answered/",
        views.interaction_mark_replied,
        name="interaction_mark_replied",
    ),
]
