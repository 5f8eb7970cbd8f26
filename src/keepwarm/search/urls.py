"""URL of the search page."""

from __future__ import annotations

from django.urls import path

from keepwarm.search import views

urlpatterns = [
    path("search/", views.search, name="search"),
]
