"""URLs of the portal pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from keepwarm.portal import views

urlpatterns: list[URLPattern] = [
    path("p/<str:token>/", views.portal_open, name="portal_open"),
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/reports/<int:report_id>/", views.portal_report, name="portal_report"),
    path("portal/feedback/", views.portal_feedback, name="portal_feedback"),
    path("portal/concerns/", views.portal_concern, name="portal_concern"),
    path("portal/goals/", views.portal_goal_comment, name="portal_goal_comment"),
    path("clients/<int:client_id>/portal-link/", views.portal_link_manage, name="portal_link"),
    path("portal-links/<int:link_id>/revoke/", views.portal_link_revoke, name="portal_link_revoke"),
]
