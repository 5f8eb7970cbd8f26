"""The outbox: every email Keepwarm sends, delivered once."""
