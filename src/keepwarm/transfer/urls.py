"""URLs of the import and export pages."""

from __future__ import annotations

from django.urls import path

from keepwarm.transfer import views

urlpatterns = [
    path("settings/import-export/", views.transfer_home, name="transfer_home"),
    path("import/", views.transfer_upload, name="transfer_upload"),
    path("import/<int:upload_id>/columns/", views.transfer_columns, name="transfer_columns"),
    path("import/<int:upload_id>/", views.transfer_review, name="transfer_review"),
    path("import/<int:upload_id>/run/", views.transfer_run, name="transfer_run"),
    path("import/<int:upload_id>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("export/csv/", views.transfer_export_csv, name="transfer_export_csv"),
    path("export/vcard/", views.transfer_export_vcard, name="transfer_export_vcard"),
    path("clients/<int:client_id>/people.vcf", views.client_vcards, name="client_vcards"),
    path("contacts/<int:contact_id>/vcard.vcf", views.contact_vcard, name="contact_vcard"),
]
