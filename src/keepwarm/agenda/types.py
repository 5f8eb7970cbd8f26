"""The shapes Today answers with: one agenda item, its kinds and its states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Every kind of item, in the order the kind filter lists them, with its plural label. The
# feedback, recovery and referral kinds are built in sources_feedback.py, sources_recovery.py
# and sources_referrals.py.
KINDS: dict[str, str] = {
    "reply": "Replies",
    "promise": "Promises",
    "report_due": "Status reports",
    "unhappy_client": "Unhappy clients",
    "suggest_recovery": "Trust at risk",
    "check_in": "Check-ins",
    "trust_falling": "Trust falling",
    "tough_topic": "Tough topics to raise",
    "meeting_prep": "Meetings to prepare",
    "value_add": "Add value after a meeting",
    "ask_feedback": "Ask for feedback",
    "thank_referrer": "Thank a referrer",
    "ask_referral": "Ask for a referral",
    "follow_up": "Personal follow-ups",
    "personal_date": "Birthdays and dates",
}

# The trust bands' words (trust.models.Band), for explaining an item's place.
BAND_LABELS = {
    "cold": "Cold",
    "cool": "Cool",
    "warming": "Warming",
    "warm": "Warm",
    "close": "Close",
}

# States, most urgent first: past its moment, due today, coming up.
OVERDUE = "overdue"
DUE = "due"
UPCOMING = "upcoming"
STATES = (OVERDUE, DUE, UPCOMING)


# Not frozen: a run builds thousands of these, and frozen dataclasses are slower to create.
# Run.add (kinds.py) builds them positionally: keep the order of the fields in step with it.
# Treat them as read-only all the same.
@dataclass(slots=True)
class AgendaItem:
    """One thing a relationship needs now: for which client, why, what to do, and by when."""

    key: str  # stable id of the item and its cause's subject, e.g. "promise:123"
    kind: str  # one of KINDS
    client_id: int
    client_name: str
    owner_id: int | None  # the client's owner
    sentence: str  # reads as a sentence: "Reply to Lena Ortiz (Harbor Dental) — waiting ..."
    reason: str  # why it is here and where it sorts: "overdue 3 days", "due today"
    due: dt.date | None  # the day it should be done by, in the member's zone
    overdue_days: int  # whole days past `due` (0 when not overdue, or overdue by hours)
    url: str  # where to do it
    state: str = DUE  # OVERDUE, DUE or UPCOMING
    action: str = ""  # the action to take, as a verb: "Reply", "Check in"
    band: str = ""  # the client's trust band now ("" without enough history)
    since: dt.datetime | None = None  # when its cause began; ties sort oldest first
    last_contact_days: int | None = None  # days since our last touch (None: never)
    cause: str = ""  # fingerprint of the cause; an action holds only while it is the same
    commitment_id: int | None = None
    interaction_id: int | None = None
    contact_id: int | None = None
    fact_id: int | None = None
    date_id: int | None = None
    report_id: int | None = None

    @property
    def overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def why(self) -> str:
        """Return the order explained: "Overdue 3 days; Harbor Dental is Cool; last contact ..."."""
        parts = [self.reason[:1].upper() + self.reason[1:]]
        if self.band:
            parts.append(f"{self.client_name} is {BAND_LABELS.get(self.band, self.band)}")
        days = self.last_contact_days
        if days is None:
            parts.append("no contact yet")
        elif days == 0:
            parts.append("last contact today")
        else:
            parts.append(f"last contact {days} day{'s' if days != 1 else ''} ago")
        return "; ".join(parts) + "."
