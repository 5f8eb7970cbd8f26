"""Repairing trust: recovery cases and the tough-topics register."""

from __future__ import annotations
