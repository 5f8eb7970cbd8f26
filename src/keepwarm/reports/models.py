"""Status reports and job reports: drafted, reviewed, sent on schedule."""

from __future__ import annotations
