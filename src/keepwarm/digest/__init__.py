"""The daily digest email and the calendar feed of a member's agenda."""
