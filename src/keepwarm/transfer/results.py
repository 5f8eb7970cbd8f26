"""What an import did, row by row, for the dry run, the web page and the command line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Enough for a person to read and fix; the counts below stay exact beyond it.
MAX_LISTED = 500

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class RowError:
    row: int  # the row number a spreadsheet shows (the header is row 1), or the item's number
    field: str
    reason: str


@dataclass
class RowOutcome:
    row: int
    actions: list[str]  # "Create client “Harbor Dental”", "Update Lena Ortiz: email, phone"


@dataclass
class ImportResult:
    dry_run: bool = False
    rows: int = 0
    failed_rows: int = 0
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, outcome)
    errors: list[RowError] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)  # not errors: cancelled, unmatched
    skipped_count: int = 0

    def count(self, kind: str, outcome: str) -> int:
        return self.counts[(kind, outcome)]

    def add_error(self, row: int, field_name: str, reason: str) -> None:
        if len(self.errors) < MAX_LISTED:
            self.errors.append(RowError(row, field_name, reason))

    def add_outcome(self, row: int, actions: list[str]) -> None:
        if actions and len(self.outcomes) < MAX_LISTED:
            self.outcomes.append(RowOutcome(row, actions))

    def skip(self, row: int, field_name: str, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append(RowError(row, field_name, reason))

    def summary_lines(self, kinds: tuple[tuple[str, str], ...]) -> list[str]:
        """Return one sentence per kind, "Clients: 3 created, 1 updated, 5 unchanged"."""
        verb = {CREATED: "to create", UPDATED: "to update", UNCHANGED: "unchanged"}
        lines = []
        for kind, label in kinds:
            parts = [
                f"{self.count(kind, outcome)} {verb[outcome] if self.dry_run else outcome}"
                for outcome in (CREATED, UPDATED, UNCHANGED)
            ]
            lines.append(f"{label}: {', '.join(parts)}")
        return lines
