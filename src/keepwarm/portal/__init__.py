"""The client portal: what a client may see of the relationship, without an account."""
