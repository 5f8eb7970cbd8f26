"""Today in the isolation matrix: item keys name rows, so another workspace's key is a 404."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

PARAM_OBJECTS = {"item_key": "agenda_item"}
READ_ROUTES = {"today"}
API_BODIES: dict[str, dict[str, Any]] = {
    "snooze": {"until": "2031-01-01"},
    "dismiss": {"reason": "Handled by phone"},
}


def make_objects(test_class: Any, objects: dict[str, Any]) -> dict[str, Any]:
    """Name an item by its key: the shared open promise, overdue, is on alice's agenda."""
    return {"agenda_item": SimpleNamespace(pk=f"promise:{objects['commitment'].pk}")}
