"""The search app's pages in the isolation matrix.

The page and `GET /api/search` take no ids: every statement is filtered by the member's
workspace id, which each index row carries (see test_views and test_api for charlie).
"""

from __future__ import annotations

READ_ROUTES = {"search"}
