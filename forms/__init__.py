"""The shipped audit templates (YAML), installed as the data package ``lscp_audit.forms``."""
