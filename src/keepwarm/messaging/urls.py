"""URLs of the outbox pages."""

from __future__ import annotations

from django.urls import path

from keepwarm.messaging import views

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/", views.outbox_message, name="outbox_message"),
    path(
        "outbox/<int:message_id>/send-again/",
        views.outbox_send_again,
        name="outbox_send_again",
    ),
    path("outbox/<int:message_id>/mark-sent/", views.outbox_mark_sent, name="outbox_mark_sent"),
]
