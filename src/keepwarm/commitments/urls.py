from __future__ import annotations

from django.urls import path

from keepwarm.commitments import views

urlpatterns = [
    path(
        "clients/<int:client_id>/promises/new/",
        views.commitment_create,
        name="commitment_create",
    ),
    path("promises/<int:commitment_id>/edit/", views.commitment_edit, name="commitment_edit"),
    path("promises/<int:commitment_id>/delete/", views.commitment_delete, name="commitment_delete"),
    path("promises/<int:commitment_id>/mark/", views.commitment_mark, name="commitment_mark"),
    path("promises/<int:commitment_id>/reopen/", views.commitment_reopen, name="commitment_reopen"),
    path(
        "promises/<int:commitment_id>/renegotiate/",
        views.commitment_renegotiate,
        name="commitment_renegotiate",
    ),
]
