from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from keepwarm.accounts.models import Membership


def frame(request: HttpRequest) -> dict[str, Any]:
    """Give every page the current membership and the workspaces the user can switch to."""
    membership = getattr(request, "membership", None)
    workspaces: list[Membership] = []
    if membership is not None:
        workspaces = list(
            Membership.objects.select_related("workspace")
            .filter(user_id=membership.user_id)
            .order_by("workspace__name")
        )
    return {"membership": membership, "my_memberships": workspaces}
