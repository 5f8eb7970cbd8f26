"""JSON API for feedback requests and responses."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["feedback"])
