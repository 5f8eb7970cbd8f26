from __future__ import annotations

from django.urls import include, path

from keepwarm.api import api

urlpatterns = [
    path("", include("keepwarm.web.urls")),
    path("", include("keepwarm.accounts.urls")),
    path("", include("keepwarm.clients.urls")),
    path("", include("keepwarm.interactions.urls")),
    path("", include("keepwarm.commitments.urls")),
    path("", include("keepwarm.trust.urls")),
    path("api/", api.urls),
]
