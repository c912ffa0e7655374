"""LSCP Audit: offline case audits and Section 11 self-assessments for safeguarding partnerships."""

__version__ = "0.1.0"
APP_NAME = "LSCP Audit"
ORG_NAME = "LSCP Audit"
ORG_DOMAIN = "lscp-audit.local"
