"""URLs of the reports pages."""

from __future__ import annotations

from django.urls import path

from keepwarm.reports import views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/settings/", views.report_settings, name="report_settings"),
    path("reports/<int:report_id>/", views.report_review, name="report_review"),
    path("reports/<int:report_id>/preview/", views.report_preview, name="report_preview"),
    path("reports/<int:report_id>/send/", views.report_send, name="report_send"),
    path("reports/<int:report_id>/schedule/", views.report_schedule, name="report_schedule"),
    path("reports/<int:report_id>/unschedule/", views.report_unschedule, name="report_unschedule"),
    path("reports/<int:report_id>/rebuild/", views.report_rebuild, name="report_rebuild"),
    path("reports/<int:report_id>/discard/", views.report_discard, name="report_discard"),
    path("clients/<int:client_id>/reports/start/", views.report_start, name="report_start"),
    path("clients/<int:client_id>/job-report/", views.job_report_new, name="job_report_new"),
]
