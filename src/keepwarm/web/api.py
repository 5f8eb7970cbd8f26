"""JSON API for writing helpers that belong to no record: the plain-language check."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["writing"])
