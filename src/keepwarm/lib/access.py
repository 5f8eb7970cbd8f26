"""The base of every workspace-scoped lookup: another workspace's row is a plain 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404


def get_in_workspace_or_404[M: Model](queryset: QuerySet[M], workspace_id: int, pk: Any) -> M:
    """Return the row with this id in this workspace, or raise the same 404 as a missing id."""
    try:
        return queryset.get(workspace_id=workspace_id, pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("Not found") from None
