"""The JSON API: one NinjaAPI mounting each app's own router."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Keepwarm API", version="1", urls_namespace="api")
