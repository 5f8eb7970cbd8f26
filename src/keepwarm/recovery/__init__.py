"""Repairing trust: recovery cases and the tough-topics register."""
