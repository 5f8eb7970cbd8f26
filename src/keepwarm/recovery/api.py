"""JSON API for recovery cases and tough topics."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["recovery"])
