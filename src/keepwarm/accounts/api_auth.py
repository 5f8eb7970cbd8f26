"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer

from keepwarm.accounts.models import Membership
from keepwarm.accounts.services import api_token_authenticate

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiTokenAuth(HttpBearer):
    """Authenticate `Authorization: Bearer kw_…`; sets request.membership.

    A read-only member's writes are refused here, before the body is even parsed, so a
    viewer always gets 403 whatever they send. An operation that only reads although it is
    a POST (a text check) is mounted with `ApiTokenAuth(post_reads=True)`, so a viewer may
    call it; it stays the one security scheme in the schema.
    """

    def __init__(self, *, post_reads: bool = False) -> None:
        super().__init__()
        self.post_reads = post_reads

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        membership = api_token_authenticate(token)
        if membership is not None:
            request.membership = membership  # type: ignore[attr-defined]
            request.user = membership.user
            writes = request.method not in SAFE_METHODS and not self.post_reads
            if writes and not membership.can_write:
                raise PermissionDenied("Your role in this workspace is read-only.")
        return membership
