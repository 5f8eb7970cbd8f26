"""URLs of the client record pages."""

from __future__ import annotations

from django.urls import path

from keepwarm.clients import views, views_contacts, views_goals, views_resources

urlpatterns = [
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:client_id>/", views.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:client_id>/delete/", views.client_delete, name="client_delete"),
    path(
        "clients/<int:client_id>/people/new/",
        views_contacts.contact_create,
        name="contact_create",
    ),
    path("clients/<int:client_id>/goals/new/", views_goals.goal_create, name="goal_create"),
    path("goals/<int:goal_id>/edit/", views_goals.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/delete/", views_goals.goal_delete, name="goal_delete"),
    path("contacts/<int:contact_id>/", views_contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:contact_id>/edit/", views_contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/delete/", views_contacts.contact_delete, name="contact_delete"),
    path("contacts/<int:contact_id>/facts/new/", views_contacts.fact_create, name="fact_create"),
    path("facts/<int:fact_id>/edit/", views_contacts.fact_edit, name="fact_edit"),
    path("facts/<int:fact_id>/delete/", views_contacts.fact_delete, name="fact_delete"),
    path("contacts/<int:contact_id>/dates/new/", views_contacts.date_create, name="date_create"),
    path("dates/<int:date_id>/edit/", views_contacts.date_edit, name="date_edit"),
    path("dates/<int:date_id>/delete/", views_contacts.date_delete, name="date_delete"),
    path("resources/", views_resources.resource_list, name="resource_list"),
    path("resources/new/", views_resources.resource_create, name="resource_create"),
    path("resources/<int:resource_id>/edit/", views_resources.resource_edit, name="resource_edit"),
    path(
        "resources/<int:resource_id>/delete/",
        views_resources.resource_delete,
        name="resource_delete",
    ),
]
