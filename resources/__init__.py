"""The shipped icon and fonts, installed as the data package ``lscp_audit.resources``."""
