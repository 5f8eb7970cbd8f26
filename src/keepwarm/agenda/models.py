"""Today: what each relationship needs now, and why."""

from __future__ import annotations
