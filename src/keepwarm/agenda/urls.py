"""URLs of the agenda pages."""

from __future__ import annotations

from django.urls import path

from keepwarm.agenda import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("today/<str:item_key>/done/", views.agenda_item_done, name="agenda_item_done"),
    path("today/<str:item_key>/snooze/", views.agenda_item_snooze, name="agenda_item_snooze"),
    path("today/<str:item_key>/dismiss/", views.agenda_item_dismiss, name="agenda_item_dismiss"),
    path("today/<str:item_key>/promise/", views.agenda_promise_mark, name="agenda_promise_mark"),
    path(
        "today/<str:item_key>/renegotiate/",
        views.agenda_promise_renegotiate,
        name="agenda_promise_renegotiate",
    ),
]
