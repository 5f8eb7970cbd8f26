"""Feedback: NPS and CSAT requests and the client's answers."""

from __future__ import annotations
