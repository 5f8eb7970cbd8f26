"""Status reports and job reports: drafted, reviewed, sent on schedule."""
