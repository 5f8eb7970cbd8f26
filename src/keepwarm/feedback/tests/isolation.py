"""Feedback's routes in the isolation matrix."""

from __future__ import annotations

# The answer page's token is a secret; its tests are in test_answer.py.
SECRET_ROUTES = {"feedback_answer"}
WORKSPACE_WRITES = {"feedback_settings"}
API_BODIES = {"requests": {"client_id": 987654321, "contact_id": 987654321, "kind": "nps"}}
