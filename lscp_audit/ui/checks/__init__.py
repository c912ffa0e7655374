"""Checks run before an audit is completed or exported: the likely-identifiers review."""
