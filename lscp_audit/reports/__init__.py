"""PDF reports: layout, embedded data, signing and verification."""
