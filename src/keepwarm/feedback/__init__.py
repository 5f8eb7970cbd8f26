"""Feedback: NPS and CSAT requests and the client's answers."""
