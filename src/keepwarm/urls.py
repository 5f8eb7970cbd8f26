from __future__ import annotations

from django.urls import include, path

from keepwarm.api import api

urlpatterns = [
    path("", include("keepwarm.web.urls")),
    path("", include("keepwarm.accounts.urls")),
    path("", include("keepwarm.clients.urls")),
    path("", include("keepwarm.interactions.urls")),
    path("", include("keepwarm.commitments.urls")),
    path("", include("keepwarm.mail.urls")),
    path("", include("keepwarm.messaging.urls")),
    path("", include("keepwarm.reports.urls")),
    path("", include("keepwarm.feedback.urls")),
    path("", include("keepwarm.recovery.urls")),
    path("", include("keepwarm.trust.urls")),
    path("", include("keepwarm.agenda.urls")),
    path("", include("keepwarm.digest.urls")),
    path("", include("keepwarm.mailboxes.urls")),
    path("", include("keepwarm.portal.urls")),
    path("", include("keepwarm.search.urls")),
    path("", include("keepwarm.transfer.urls")),
    path("", include("keepwarm.brief.urls")),
    path("api/", api.urls),
]
