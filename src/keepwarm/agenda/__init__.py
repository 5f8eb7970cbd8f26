"""Today: what each relationship needs now, and why."""
