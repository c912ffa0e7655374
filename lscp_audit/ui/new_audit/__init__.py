"""The New audit dialog: choose a template and fill in what the audit is about."""
