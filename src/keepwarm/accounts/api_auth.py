"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from keepwarm.accounts.models import Membership
from keepwarm.accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """Authenticate `Authorization: Bearer kw_…`; sets request.membership."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        membership = api_token_authenticate(token)
        if membership is not None:
            request.membership = membership  # type: ignore[attr-defined]
            request.user = membership.user
        return membership
