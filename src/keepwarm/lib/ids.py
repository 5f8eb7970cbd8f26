"""Ids for an `__in` lookup, whether a caller passes a list or a queryset of them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet


def ids_for_in(ids: Iterable[int]) -> QuerySet[Any] | list[int]:
    """Return `ids` ready for an `__in` lookup.

    A queryset (such as `clients.values_list("pk", flat=True)`) stays a subquery, which
    costs the same whatever the number of ids; anything else becomes a list. Thousands of ids
    as a list cost tens of milliseconds to build into a query and to bind.
    """
    return ids if isinstance(ids, QuerySet) else list(ids)
